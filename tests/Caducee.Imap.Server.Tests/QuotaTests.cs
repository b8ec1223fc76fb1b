// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Imap.Server.Tests;

/// <summary>QUOTA (RFC 9208) with limits set by the operator: usage and limits reported, APPEND and COPY over them refused with NO [OVERQUOTA].</summary>
public sealed class QuotaTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Message = "From: <a@hopital-nord.mssante.test>\r\nSubject: quota\r\n\r\n0123456789012345678901234567890123456789\r\n";

    [Fact]
    public async Task Usage_and_limits_are_reported_and_writes_over_them_get_OVERQUOTA()
    {
        var server = fixture.Server;
        var user = await server.CreateUserAsync("quota");
        await server.Storage.Store.SetQuotaAsync(user.MailboxId, new QuotaLimits(StorageBytes: 4096, Messages: 3), CancellationToken.None);
        await server.DeliverAsync(user, Message);
        await server.DeliverAsync(user, Message);
        await using var client = await server.LoginAsync(user);

        var root = await client.CommandAsync("GETQUOTAROOT INBOX");
        Assert.Equal(["* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE 1 4 MESSAGE 2 3)"], root.Untagged);
        Assert.Equal(["* QUOTA \"\" (STORAGE 1 4 MESSAGE 2 3)"], (await client.CommandAsync("GETQUOTA \"\"")).Untagged);

        var big = "Subject: trop gros\r\n\r\n" + new string('x', 5000);
        await client.WriteLineAsync($"a APPEND INBOX {{{big.Length}+}}\r\n{big}");
        var append = await client.ReadResponseAsync("a");
        Assert.StartsWith("a NO [OVERQUOTA]", append.Tagged, StringComparison.Ordinal);

        Assert.True((await client.CommandAsync("SELECT INBOX")).IsOk);
        var copy = await client.CommandAsync("COPY 1:2 Archive");
        Assert.Equal("NO", copy.Status);
        Assert.Contains("[OVERQUOTA]", copy.Tagged, StringComparison.Ordinal);
        Assert.True((await client.CommandAsync("COPY 1 Archive")).IsOk);
        Assert.Equal(["* QUOTA \"\" (STORAGE 1 4 MESSAGE 3 3)"], (await client.CommandAsync("GETQUOTA \"\"")).Untagged);

        // A MOVE within the mailbox does not grow it: allowed at the limit.
        Assert.True((await client.CommandAsync("MOVE 2 Trash")).IsOk);
    }
}
