// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Server.Tests.Infrastructure;

namespace Caducee.Imap.Server.Tests;

/// <summary>
/// Issue 6 point 2, RFC 4314 §4: a secretary (PER box) delegated on a service's ORG box sees it under
/// "Shared/&lt;owner&gt;/" and every access is checked against her rights — each command below once with the
/// right it needs (it works) and once without (NO [NOPERM] when she may see the mailbox, the same NO
/// [NONEXISTENT] as for a name that does not exist when she has no right at all: names never leak).
/// </summary>
public sealed class AclAuthorizationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Sample = "From: <a@hopital-nord.mssante.test>\r\nSubject: dossier\r\n\r\nCorps.\r\n";

    private ImapTestServer Server => fixture.Server;

    /// <summary>An ORG box with two messages, shared with a new secretary with <paramref name="rights"/> on every folder; her session, logged in.</summary>
    private async Task<(TestUser Owner, ImapClient Secretary, string Inbox)> DelegateAsync(string rights)
    {
        var owner = await Server.CreateUserAsync("service");
        await Server.DeliverAsync(owner, Sample);
        await Server.DeliverAsync(owner, Sample);
        var secretary = await Server.CreateUserAsync("secretaire", MailboxKind.Per);
        if (rights.Length > 0)
        {
            await Server.ShareAsync(owner, secretary, rights);
        }

        return (owner, await Server.LoginAsync(secretary), $"Shared/{owner.Address}/INBOX");
    }

    private static void AssertRefused(ImapResponse response, string code)
    {
        Assert.Equal("NO", response.Status);
        Assert.Contains($"[{code}]", response.Tagged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_right_the_shared_mailbox_does_not_exist_for_her()
    {
        var (owner, secretary, inbox) = await DelegateAsync(string.Empty);
        await using var _ = secretary;
        var list = await secretary.CommandAsync("LIST \"\" \"*\"");
        Assert.DoesNotContain(list.Untagged, l => l.Contains("Shared", StringComparison.Ordinal));
        foreach (var command in new[] { $"SELECT {inbox}", $"EXAMINE {inbox}", $"STATUS {inbox} (MESSAGES)", $"GETACL {inbox}", $"MYRIGHTS {inbox}", $"DELETE {inbox}", $"GETQUOTAROOT {inbox}" })
        {
            AssertRefused(await secretary.CommandAsync(command), "NONEXISTENT");
        }

        // The same answers as for a mailbox that really does not exist: nothing tells them apart.
        var missing = await secretary.CommandAsync($"SELECT Shared/{owner.Address}/NoSuchFolder");
        var unknownOwner = await secretary.CommandAsync($"SELECT Shared/nobody@{TestPki.Domain}/INBOX");
        var refused = await secretary.CommandAsync($"SELECT {inbox}");
        Assert.Equal(missing.Tagged[missing.Tagged.IndexOf(' ', StringComparison.Ordinal)..], refused.Tagged[refused.Tagged.IndexOf(' ', StringComparison.Ordinal)..]);
        Assert.Equal(unknownOwner.Tagged[unknownOwner.Tagged.IndexOf(' ', StringComparison.Ordinal)..], refused.Tagged[refused.Tagged.IndexOf(' ', StringComparison.Ordinal)..]);
        AssertRefused(await secretary.CommandAsync($"GETQUOTA Shared/{owner.Address}"), "NONEXISTENT");
    }

    [Fact]
    public async Task Lookup_lists_it_but_SELECT_and_STATUS_need_read()
    {
        var (_, secretary, inbox) = await DelegateAsync("l");
        await using var _ = secretary;
        var list = await secretary.CommandAsync("LIST \"\" \"Shared/*\"");
        Assert.Contains(list.Untagged, l => l.EndsWith($"\"{inbox}\"", StringComparison.Ordinal));
        AssertRefused(await secretary.CommandAsync($"SELECT {inbox}"), "NOPERM");
        AssertRefused(await secretary.CommandAsync($"STATUS {inbox} (MESSAGES)"), "NOPERM");
        Assert.Contains($"* MYRIGHTS \"{inbox}\" l", (await secretary.CommandAsync($"MYRIGHTS {inbox}")).Untagged);
    }

    [Fact]
    public async Task Read_selects_read_only_and_reads_without_setting_seen()
    {
        var (_, secretary, inbox) = await DelegateAsync("lr");
        await using var _ = secretary;
        var select = await secretary.CommandAsync($"SELECT {inbox}");
        Assert.StartsWith(select.Tagged.Split(' ')[0] + " OK [READ-ONLY]", select.Tagged, StringComparison.Ordinal);
        Assert.Contains("* 2 EXISTS", select.Untagged);
        var fetch = await secretary.CommandAsync("FETCH 1 (BODY[TEXT] FLAGS)");
        Assert.Equal("* 1 FETCH (BODY[TEXT] {8}Corps.\r\n FLAGS ())", fetch.Untagged[0]);
        Assert.True((await secretary.CommandAsync("SEARCH SUBJECT dossier")).IsOk);
        AssertRefused(await secretary.CommandAsync("STORE 1 +FLAGS (\\Seen)"), "CANNOT");
        // Copying out needs only "r" here and "i" in her own mailbox.
        Assert.Contains("COPYUID", (await secretary.CommandAsync("COPY 1 INBOX")).Tagged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_seen_allows_Seen_but_write_is_needed_for_other_flags()
    {
        var (_, secretary, inbox) = await DelegateAsync("lrs");
        await using var _ = secretary;
        Assert.Contains("[READ-WRITE]", (await secretary.CommandAsync($"SELECT {inbox}")).Tagged, StringComparison.Ordinal);
        Assert.Contains("* 1 FETCH (FLAGS (\\Seen))", (await secretary.CommandAsync("STORE 1 +FLAGS (\\Seen)")).Untagged);
        AssertRefused(await secretary.CommandAsync("STORE 1 +FLAGS (\\Flagged)"), "NOPERM");
        AssertRefused(await secretary.CommandAsync("STORE 1 +FLAGS ($Traite)"), "NOPERM");
        AssertRefused(await secretary.CommandAsync("STORE 1 FLAGS (\\Seen)"), "NOPERM");
        Assert.Contains("(\\Seen)] Flags permitted", (await secretary.CommandAsync($"SELECT {inbox}")).Untagged.Single(l => l.Contains("PERMANENTFLAGS", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_allows_flags_but_delete_needs_t_and_expunge_needs_e()
    {
        var (_, secretary, inbox) = await DelegateAsync("lrsw");
        await using var _ = secretary;
        Assert.True((await secretary.CommandAsync($"SELECT {inbox}")).IsOk);
        Assert.True((await secretary.CommandAsync("STORE 1 +FLAGS ($Traite \\Flagged)")).IsOk);
        AssertRefused(await secretary.CommandAsync("STORE 1 +FLAGS (\\Deleted)"), "NOPERM");
        AssertRefused(await secretary.CommandAsync("EXPUNGE"), "NOPERM");
        AssertRefused(await secretary.CommandAsync("UID EXPUNGE 1"), "NOPERM");
        AssertRefused(await secretary.CommandAsync("MOVE 1 INBOX"), "NOPERM");
    }

    [Fact]
    public async Task Delete_and_expunge_rights_let_her_clean_up()
    {
        var (_, secretary, inbox) = await DelegateAsync("lrste");
        await using var _ = secretary;
        Assert.True((await secretary.CommandAsync($"SELECT {inbox}")).IsOk);
        Assert.True((await secretary.CommandAsync("STORE 1 +FLAGS.SILENT (\\Deleted)")).IsOk);
        Assert.Equal(["* 1 EXPUNGE"], (await secretary.CommandAsync("EXPUNGE")).Untagged);
        var move = await secretary.CommandAsync("MOVE 1 INBOX");
        Assert.True(move.IsOk, move.ToString());
        Assert.Contains("* 1 EXPUNGE", move.Untagged);
    }

    [Fact]
    public async Task Insert_is_needed_to_append_copy_or_move_into_the_shared_mailbox()
    {
        var (_, without, inbox) = await DelegateAsync("lr");
        await using (without)
        {
            await without.WriteLineAsync($"a APPEND {inbox} {{{Sample.Length}+}}\r\n{Sample}");
            AssertRefused(await without.ReadResponseAsync("a"), "NOPERM");
            Assert.True((await without.CommandAsync("SELECT INBOX")).IsOk);
            await without.WriteLineAsync($"b APPEND INBOX {{{Sample.Length}+}}\r\n{Sample}");
            Assert.True((await without.ReadResponseAsync("b")).IsOk);
            AssertRefused(await without.CommandAsync($"COPY 1 {inbox}"), "NOPERM");
        }

        var (owner, with, sharedInbox) = await DelegateAsync("lri");
        await using (with)
        {
            await with.WriteLineAsync($"a APPEND {sharedInbox} (\\Seen \\Flagged) {{{Sample.Length}+}}\r\n{Sample}");
            var append = await with.ReadResponseAsync("a");
            Assert.True(append.IsOk, append.ToString());
            Assert.Contains("[APPENDUID ", append.Tagged, StringComparison.Ordinal);

            // Flags she has no right to set ("s", "w") are dropped, not refused (RFC 4314 §4).
            var folder = await Server.Storage.Store.GetFolderAsync(owner.MailboxId, "INBOX", CancellationToken.None);
            var stored = await Server.Storage.Store.ListMessagesAsync(folder!.Id, CancellationToken.None);
            Assert.Equal(3, stored.Count);
            Assert.Equal(MessageFlags.None, stored[^1].Flags);
        }
    }

    [Fact]
    public async Task Creating_and_deleting_folders_need_k_and_x()
    {
        var (owner, without, _) = await DelegateAsync("lrs");
        await using (without)
        {
            AssertRefused(await without.CommandAsync($"CREATE Shared/{owner.Address}/INBOX/Urgent"), "NOPERM");
            AssertRefused(await without.CommandAsync($"DELETE Shared/{owner.Address}/Archive"), "NOPERM");
            AssertRefused(await without.CommandAsync($"RENAME Shared/{owner.Address}/Archive Shared/{owner.Address}/INBOX/Old"), "NOPERM");
            AssertRefused(await without.CommandAsync($"CREATE Shared/{owner.Address}/TopLevel"), "NOPERM");
        }

        var (owner2, with, _) = await DelegateAsync("lrkx");
        await using (with)
        {
            Assert.True((await with.CommandAsync($"CREATE Shared/{owner2.Address}/INBOX/Urgent")).IsOk);
            var list = await with.CommandAsync($"LIST \"\" \"Shared/{owner2.Address}/INBOX/*\"");
            Assert.Contains(list.Untagged, l => l.EndsWith($"\"Shared/{owner2.Address}/INBOX/Urgent\"", StringComparison.Ordinal));
            Assert.True((await with.CommandAsync($"DELETE Shared/{owner2.Address}/INBOX/Urgent")).IsOk);
            Assert.True((await with.CommandAsync($"RENAME Shared/{owner2.Address}/Archive Shared/{owner2.Address}/INBOX/Archive")).IsOk);
            AssertRefused(await with.CommandAsync($"RENAME Shared/{owner2.Address}/Junk Junk2"), "CANNOT");
        }
    }

    [Fact]
    public async Task Administer_is_needed_to_read_or_change_the_ACL_and_she_can_only_grant_what_the_owner_shares()
    {
        var (_, without, inbox) = await DelegateAsync("lrsw");
        await using (without)
        {
            AssertRefused(await without.CommandAsync($"GETACL {inbox}"), "NOPERM");
            AssertRefused(await without.CommandAsync($"SETACL {inbox} anyone lr"), "NOPERM");
            AssertRefused(await without.CommandAsync($"DELETEACL {inbox} anyone"), "NOPERM");
            AssertRefused(await without.CommandAsync($"LISTRIGHTS {inbox} anyone"), "NOPERM");
        }

        var (owner, with, sharedInbox) = await DelegateAsync("lra");
        await using (with)
        {
            var colleague = await Server.CreateUserAsync("collegue", MailboxKind.Per);
            Assert.True((await with.CommandAsync($"SETACL {sharedInbox} {colleague.Address} lr")).IsOk);
            var acl = await with.CommandAsync($"GETACL {sharedInbox}");
            Assert.Contains($"{owner.Address} lrswipkxtea", acl.Untagged[0], StringComparison.Ordinal);
            Assert.Contains($"{colleague.Address} lr", acl.Untagged[0], StringComparison.Ordinal);
            await using var colleagueSession = await Server.LoginAsync(colleague);
            Assert.True((await colleagueSession.CommandAsync($"EXAMINE {sharedInbox}")).IsOk);
            Assert.True((await with.CommandAsync($"DELETEACL {sharedInbox} {colleague.Address}")).IsOk);
            AssertRefused(await colleagueSession.CommandAsync($"EXAMINE {sharedInbox}"), "NONEXISTENT");
            AssertRefused(await with.CommandAsync($"SETACL {sharedInbox} {owner.Address} lr"), "CANNOT");
        }
    }

    [Fact]
    public async Task Read_without_lookup_opens_the_mailbox_but_never_lists_it()
    {
        var owner = await Server.CreateUserAsync("service");
        await Server.DeliverAsync(owner, Sample);
        var secretary = await Server.CreateUserAsync("secretaire", MailboxKind.Per);
        var inbox = await Server.Storage.Store.GetFolderAsync(owner.MailboxId, "INBOX", CancellationToken.None);
        await Server.Storage.Store.SetAclAsync(inbox!.Id, secretary.Address, AclModification.Replace, AclRights.Parse("r"), CancellationToken.None);
        await using var session = await Server.LoginAsync(secretary);
        var list = await session.CommandAsync("LIST \"\" \"*\"");
        Assert.DoesNotContain(list.Untagged, l => l.Contains("Shared", StringComparison.Ordinal));
        Assert.True((await session.CommandAsync($"EXAMINE Shared/{owner.Address}/INBOX")).IsOk);
    }

    [Fact]
    public async Task Rights_taken_away_close_the_shared_mailbox_to_new_commands()
    {
        var (owner, secretary, inbox) = await DelegateAsync("lrsw");
        await using var _ = secretary;
        Assert.True((await secretary.CommandAsync($"STATUS {inbox} (MESSAGES)")).IsOk);
        var folder = await Server.Storage.Store.GetFolderAsync(owner.MailboxId, "INBOX", CancellationToken.None);
        foreach (var entry in await Server.Storage.Store.GetAclAsync(folder!.Id, CancellationToken.None))
        {
            await Server.Storage.Store.SetAclAsync(folder.Id, entry.Identifier, AclModification.Replace, AclRights.None, CancellationToken.None);
        }

        AssertRefused(await secretary.CommandAsync($"STATUS {inbox} (MESSAGES)"), "NONEXISTENT");
    }
}
