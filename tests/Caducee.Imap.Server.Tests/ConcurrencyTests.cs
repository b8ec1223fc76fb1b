// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text.RegularExpressions;
using Caducee.Imap.Server.Tests.Infrastructure;

namespace Caducee.Imap.Server.Tests;

/// <summary>
/// Issue 6 point 3: changes made by one session reach every other session on the mailbox — in IDLE or at
/// their next command — as EXISTS, EXPUNGE (or VANISHED) and FETCH, with sequence numbers kept right. All
/// driven by the store's change feed over real sockets.
/// </summary>
public sealed partial class ConcurrencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ImapTestServer Server => fixture.Server;

    private static string Message(string subject) => $"From: <a@hopital-nord.mssante.test>\r\nTo: <b@cabinet-sud.mssante.test>\r\nSubject: {subject}\r\n\r\nCorps.\r\n";

    private async Task<(TestUser User, List<ImapClient> Sessions)> SessionsAsync(int count, int messages)
    {
        var user = await Server.CreateUserAsync("conc");
        for (var i = 1; i <= messages; i++)
        {
            await Server.DeliverAsync(user, Message("m" + i.ToString(CultureInfo.InvariantCulture)));
        }

        var sessions = new List<ImapClient>();
        for (var i = 0; i < count; i++)
        {
            var client = await Server.LoginAsync(user);
            var select = await client.CommandAsync("SELECT INBOX");
            Assert.Contains($"* {messages} EXISTS", select.Untagged);
            sessions.Add(client);
        }

        return (user, sessions);
    }

    private static async Task DisposeAllAsync(IEnumerable<ImapClient> sessions)
    {
        foreach (var s in sessions)
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_delivery_reaches_every_session_in_IDLE_at_once()
    {
        var (user, sessions) = await SessionsAsync(3, messages: 2);
        try
        {
            foreach (var s in sessions)
            {
                await s.WriteLineAsync("i IDLE");
                Assert.Equal("+ idling", await s.ReadLineAsync());
            }

            await Server.DeliverAsync(user, Message("pendant IDLE"));
            foreach (var s in sessions)
            {
                Assert.Equal("* 3 EXISTS", await s.ReadLineAsync());
            }

            await Server.DeliverAsync(user, Message("encore"));
            foreach (var s in sessions)
            {
                Assert.Equal("* 4 EXISTS", await s.ReadLineAsync());
                await s.WriteLineAsync("DONE");
                Assert.Equal("i OK IDLE terminated", await s.ReadLineAsync());
            }
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task An_expunge_elsewhere_is_reported_in_decreasing_order_and_sequence_numbers_follow()
    {
        var (_, sessions) = await SessionsAsync(2, messages: 5);
        var (a, b) = (sessions[0], sessions[1]);
        try
        {
            Assert.True((await b.CommandAsync("STORE 2,4 +FLAGS.SILENT (\\Deleted)")).IsOk);
            var expunge = await b.CommandAsync("EXPUNGE");
            Assert.Equal(["* 4 EXPUNGE", "* 2 EXPUNGE"], expunge.Untagged);

            // A still sees 5 messages until it is told; its next NOOP tells it, highest number first.
            var noop = await a.CommandAsync("NOOP");
            Assert.Equal(["* 4 EXPUNGE", "* 2 EXPUNGE"], noop.Untagged);
            var uids = await a.CommandAsync("FETCH 1:* (UID)");
            Assert.Equal(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)", "* 3 FETCH (UID 5)"], uids.Untagged);
            Assert.Equal("BAD", (await a.CommandAsync("FETCH 4 (UID)")).Status);
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task Flags_changed_elsewhere_reach_a_busy_session_after_its_next_command()
    {
        var (_, sessions) = await SessionsAsync(2, messages: 3);
        var (a, b) = (sessions[0], sessions[1]);
        try
        {
            Assert.True((await b.CommandAsync("STORE 3 +FLAGS ($Urgent \\Flagged)")).IsOk);
            var check = await a.CommandAsync("CHECK");
            Assert.Contains(check.Untagged, l => l.StartsWith("* FLAGS (", StringComparison.Ordinal) && l.Contains("$Urgent", StringComparison.Ordinal));
            Assert.Contains("* 3 FETCH (UID 3 FLAGS (\\Flagged $Urgent))", check.Untagged);

            // A change during a FETCH comes with it: flag changes and EXISTS may be sent during any command.
            Assert.True((await b.CommandAsync("STORE 1 +FLAGS (\\Answered)")).IsOk);
            var fetch = await a.CommandAsync("FETCH 2 (FLAGS)");
            Assert.Equal(["* 2 FETCH (FLAGS ())", "* 1 FETCH (UID 1 FLAGS (\\Answered))"], fetch.Untagged);
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task A_move_elsewhere_is_an_expunge_here_and_new_mail_in_the_target()
    {
        var (user, sessions) = await SessionsAsync(2, messages: 3);
        var (inbox, mover) = (sessions[0], sessions[1]);
        await using var archive = await Server.LoginAsync(user);
        try
        {
            Assert.Contains("* 0 EXISTS", (await archive.CommandAsync("SELECT Archive")).Untagged);
            await archive.WriteLineAsync("i IDLE");
            Assert.Equal("+ idling", await archive.ReadLineAsync());
            await inbox.WriteLineAsync("j IDLE");
            Assert.Equal("+ idling", await inbox.ReadLineAsync());

            var move = await mover.CommandAsync("MOVE 2 Archive");
            Assert.True(move.IsOk, move.ToString());
            Assert.Contains("* 2 EXPUNGE", move.Untagged);

            Assert.Equal("* 2 EXPUNGE", await inbox.ReadLineAsync());
            Assert.Equal("* 1 EXISTS", await archive.ReadLineAsync());
            await archive.WriteLineAsync("DONE");
            Assert.Equal("i OK IDLE terminated", await archive.ReadLineAsync());
            var subject = await archive.CommandAsync("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            Assert.Contains("Subject: m2", subject.Untagged[0], StringComparison.Ordinal);
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task CONDSTORE_sessions_see_the_MODSEQ_of_changes_made_elsewhere_and_CHANGEDSINCE_finds_them()
    {
        var (_, sessions) = await SessionsAsync(2, messages: 3);
        var (a, b) = (sessions[0], sessions[1]);
        try
        {
            Assert.True((await a.CommandAsync("UNSELECT")).IsOk);
            Assert.True((await a.CommandAsync("ENABLE CONDSTORE")).IsOk);
            var select = await a.CommandAsync("SELECT INBOX");
            var highest = long.Parse(HighestModSeq().Match(string.Join("\n", select.Untagged)).Groups[1].Value, CultureInfo.InvariantCulture);

            Assert.True((await b.CommandAsync("STORE 2 +FLAGS (\\Seen)")).IsOk);
            var noop = await a.CommandAsync("NOOP");
            var update = Assert.Single(noop.Untagged);
            var modseq = long.Parse(ModSeq().Match(update).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal($"* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ ({modseq}))", update);
            Assert.True(modseq > highest);

            var changed = await a.CommandAsync($"FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})");
            Assert.Equal([$"* 2 FETCH (FLAGS (\\Seen) MODSEQ ({modseq}))"], changed.Untagged);
            var search = await a.CommandAsync($"SEARCH MODSEQ {modseq}");
            Assert.Equal([$"* SEARCH 2 (MODSEQ {modseq})"], search.Untagged);

            // B's STORE UNCHANGEDSINCE the MODSEQ before A's change fails with MODIFIED.
            Assert.True((await a.CommandAsync("STORE 2 +FLAGS (\\Flagged)")).IsOk);
            var conditional = await b.CommandAsync($"STORE 2 (UNCHANGEDSINCE {modseq}) +FLAGS (\\Answered)");
            Assert.StartsWith($"{conditional.Tagged.Split(' ')[0]} OK [MODIFIED 2]", conditional.Tagged, StringComparison.Ordinal);
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task QRESYNC_sessions_get_VANISHED_for_expunges_made_elsewhere()
    {
        var (_, sessions) = await SessionsAsync(2, messages: 4);
        var (a, b) = (sessions[0], sessions[1]);
        try
        {
            Assert.True((await a.CommandAsync("UNSELECT")).IsOk);
            Assert.True((await a.CommandAsync("ENABLE QRESYNC")).IsOk);
            Assert.True((await a.CommandAsync("SELECT INBOX")).IsOk);
            Assert.True((await b.CommandAsync("STORE 1:2 +FLAGS.SILENT (\\Deleted)")).IsOk);
            Assert.True((await b.CommandAsync("EXPUNGE")).IsOk);
            var noop = await a.CommandAsync("NOOP");
            Assert.Contains("* VANISHED 1:2", noop.Untagged);
            Assert.DoesNotContain(noop.Untagged, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
            Assert.Equal(["* 1 FETCH (UID 3)", "* 2 FETCH (UID 4)"], (await a.CommandAsync("FETCH 1:* UID")).Untagged);
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task Many_sessions_writing_at_once_end_with_the_same_view_of_the_mailbox()
    {
        var (user, sessions) = await SessionsAsync(6, messages: 6);
        try
        {
            // Each session flags its own message while deliveries arrive; then each catches up with NOOP.
            var writes = sessions.Select((s, i) => s.CommandAsync($"STORE {i + 1} +FLAGS ($K{i})")).ToList();
            var deliveries = Enumerable.Range(0, 4).Select(i => Server.DeliverAsync(user, Message("concurrent " + i.ToString(CultureInfo.InvariantCulture)))).ToList();
            foreach (var w in writes)
            {
                Assert.True((await w).IsOk);
            }

            await Task.WhenAll(deliveries);
            var views = new List<string>();
            foreach (var s in sessions)
            {
                var noop = await s.CommandAsync("NOOP");
                Assert.True(noop.IsOk);
                var fetch = await s.CommandAsync("FETCH 1:* (UID FLAGS)");
                Assert.Equal(10, fetch.Untagged.Count(l => l.Contains(" FETCH (UID", StringComparison.Ordinal)));
                views.Add(string.Join("\n", fetch.Untagged));
            }

            Assert.Single(views.Distinct());
            for (var i = 0; i < 6; i++)
            {
                Assert.Contains($"$K{i}", views[0], StringComparison.Ordinal);
            }
        }
        finally
        {
            await DisposeAllAsync(sessions);
        }
    }

    [Fact]
    public async Task Deleting_a_mailbox_another_session_has_selected_ends_that_session_with_BYE()
    {
        var user = await Server.CreateUserAsync("del");
        await using var a = await Server.LoginAsync(user);
        await using var b = await Server.LoginAsync(user);
        Assert.True((await a.CommandAsync("CREATE Temporaire")).IsOk);
        Assert.True((await a.CommandAsync("SELECT Temporaire")).IsOk);
        await a.WriteLineAsync("i IDLE");
        Assert.Equal("+ idling", await a.ReadLineAsync());
        Assert.True((await b.CommandAsync("DELETE Temporaire")).IsOk);
        Assert.Equal("* BYE The selected mailbox was deleted", await a.ReadLineAsync());
        Assert.True(await a.IsClosedAsync());
    }

    [GeneratedRegex(@"HIGHESTMODSEQ (\d+)")]
    private static partial Regex HighestModSeq();

    [GeneratedRegex(@"MODSEQ \((\d+)\)")]
    private static partial Regex ModSeq();
}
