// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>One server for the class; its sessions are independent.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public SmtpTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Issue 5 point 1: every transcript of tests/TestData/smtp, on each listener it names.</summary>
public sealed class TranscriptTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, Listener> Transcripts()
    {
        var data = new TheoryData<string, Listener>();
        foreach (var file in Directory.EnumerateFiles(TestPaths.Transcripts, "*.txt").Order(StringComparer.Ordinal))
        {
            foreach (var listener in TranscriptRunner.ListenersOf(file))
            {
                data.Add(Path.GetFileName(file), listener);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Transcripts))]
    public Task Transcript(string file, Listener listener) =>
        TranscriptRunner.RunAsync(fixture.Server, Path.Combine(TestPaths.Transcripts, file), listener);

    [Fact]
    public void There_are_transcripts_for_every_listener()
    {
        var listeners = Transcripts().Select(row => (Listener)row[1]).Distinct().ToList();
        Assert.Equal(3, listeners.Count);
        Assert.True(Transcripts().Count >= 25);
    }
}
