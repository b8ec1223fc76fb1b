// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Hosting.Configuration;
using Caducee.Imap.Server.Tests.Infrastructure;

namespace Caducee.Imap.Server.Tests;

/// <summary>
/// Issue 6 point 3 (and issue 4 point 5 seen through IMAP): two nodes of one operator on one PostgreSQL
/// database, each with its own IMAP listeners and group-commit writer. A session on node A — in IDLE, or
/// busy — is told of deliveries, flag changes and expunges made through node B (LISTEN/NOTIFY), with its
/// sequence numbers kept right.
/// </summary>
public sealed class CrossNodeTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private string _database = null!;
    private ImapTestServer _a = null!;
    private ImapTestServer _b = null!;

    private static string Message(string subject) => $"From: <a@hopital-nord.mssante.test>\r\nTo: <b@cabinet-sud.mssante.test>\r\nSubject: {subject}\r\n\r\nCorps.\r\n";

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.SharedAsync();
        _database = await _postgres.CreateDatabaseAsync("imapnodes");
        _a = await ImapTestServer.StartAsync(store: new StoreSettings(StoreProvider.Postgres, _postgres.ConnectionString(_database)));
        _b = await ImapTestServer.StartAsync(peerOf: _a);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _postgres.DropDatabaseAsync(_database);
    }

    [Fact]
    public void Both_nodes_use_the_one_PostgreSQL_database()
    {
        Assert.Equal("PostgreSQL", _a.Storage.Store.Dialect.Name);
        Assert.Equal("PostgreSQL", _b.Storage.Store.Dialect.Name);
        Assert.NotEqual(_a.Storage.Layout.Root, _b.Storage.Layout.Root);
        Assert.NotEqual(_a.Endpoint, _b.Endpoint);
    }

    [Fact]
    public async Task Changes_made_through_another_node_reach_an_IDLE_session_with_sequence_numbers_kept_right()
    {
        var user = await _a.CreateUserAsync("noeuds");
        for (var i = 1; i <= 3; i++)
        {
            await _a.DeliverAsync(user, Message("m" + i.ToString(CultureInfo.InvariantCulture)));
        }

        await using var onA = await _a.LoginAsync(user);
        await using var onB = await _b.LoginAsync(user);
        Assert.Contains("* 3 EXISTS", (await onA.CommandAsync("SELECT INBOX")).Untagged);
        Assert.Contains("* 3 EXISTS", (await onB.CommandAsync("SELECT INBOX")).Untagged);
        await onA.WriteLineAsync("i IDLE");
        Assert.Equal("+ idling", await onA.ReadLineAsync());

        // A delivery committed by node B's writer (the MX of B, say).
        var uid4 = await _b.DeliverAsync(user, Message("par le noeud B"));
        Assert.Equal(4, uid4);
        Assert.Equal("* 4 EXISTS", await onA.ReadLineAsync());

        // A flag set by a session of node B.
        Assert.True((await onB.CommandAsync("STORE 2 +FLAGS.SILENT (\\Flagged)")).IsOk);
        Assert.Equal("* 2 FETCH (UID 2 FLAGS (\\Flagged))", await onA.ReadLineAsync());

        // An expunge on node B (B has not seen message 4 yet: its own numbers are its own).
        Assert.True((await onB.CommandAsync("STORE 1 +FLAGS.SILENT (\\Deleted)")).IsOk);
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Deleted))", await onA.ReadLineAsync());
        var expunge = await onB.CommandAsync("EXPUNGE");
        Assert.True(expunge.IsOk, expunge.ToString());
        Assert.Contains("* 1 EXPUNGE", expunge.Untagged);
        Assert.Equal("* 1 EXPUNGE", await onA.ReadLineAsync());

        await onA.WriteLineAsync("DONE");
        Assert.Equal("i OK IDLE terminated", await onA.ReadLineAsync());
        var state = await onA.CommandAsync("FETCH 1:* (UID FLAGS)");
        Assert.Equal(["* 1 FETCH (UID 2 FLAGS (\\Flagged))", "* 2 FETCH (UID 3 FLAGS ())", "* 3 FETCH (UID 4 FLAGS ())"], state.Untagged);
    }

    [Fact]
    public async Task A_busy_session_on_one_node_learns_of_the_other_nodes_changes_at_its_next_command()
    {
        var user = await _a.CreateUserAsync("occupe");
        for (var i = 1; i <= 2; i++)
        {
            await _a.DeliverAsync(user, Message("m" + i.ToString(CultureInfo.InvariantCulture)));
        }

        await using var onA = await _a.LoginAsync(user);
        await using var onB = await _b.LoginAsync(user);
        Assert.Contains("* 2 EXISTS", (await onA.CommandAsync("SELECT INBOX")).Untagged);
        Assert.Contains("* 2 EXISTS", (await onB.CommandAsync("SELECT INBOX")).Untagged);

        // B appends into the folder A has selected, then moves A's first message away.
        var append = await onB.CommandAsync("APPEND INBOX (\\Seen) {" + Message("append B").Length.ToString(CultureInfo.InvariantCulture) + "+}\r\n" + Message("append B"));
        Assert.True(append.IsOk, append.ToString());
        Assert.True((await onB.CommandAsync("MOVE 1 Archive")).IsOk);

        // Notifications cross nodes asynchronously: A's NOOPs gather them until they are all there.
        var seen = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !(seen.Contains("* 1 EXPUNGE") && seen.Exists(l => l.EndsWith(" EXISTS", StringComparison.Ordinal))))
        {
            seen.AddRange((await onA.CommandAsync("NOOP")).Untagged);
            await Task.Delay(50);
        }

        Assert.Contains("* 1 EXPUNGE", seen);
        var state = await onA.CommandAsync("FETCH 1:* (UID FLAGS)");
        Assert.Equal(["* 1 FETCH (UID 2 FLAGS ())", "* 2 FETCH (UID 3 FLAGS (\\Seen))"], state.Untagged);
        var archive = await onA.CommandAsync("STATUS Archive (MESSAGES)");
        Assert.Contains(archive.Untagged, l => l == "* STATUS \"Archive\" (MESSAGES 1)");
    }
}
