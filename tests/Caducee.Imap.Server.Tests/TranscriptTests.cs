// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Server.Tests.Infrastructure;

namespace Caducee.Imap.Server.Tests;

/// <summary>One server for a test class; every test makes its own mailboxes.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ImapTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ImapTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 6 point 1: every transcript of tests/TestData/imap, one per command or behaviour, over a real socket.</summary>
public sealed class TranscriptTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Transcripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(TestPaths.Transcripts, "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public Task Transcript(string file) => TranscriptRunner.RunAsync(fixture.Server, Path.Combine(TestPaths.Transcripts, file));
}
