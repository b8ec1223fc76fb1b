// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Clients.Tests.Infrastructure;

namespace Caducee.Imap.Clients.Tests;

/// <summary>
/// Issue 6 point 4: offlineimap (one run, <c>-o -u basic</c>, its own configuration and metadata in a temporary
/// folder) against the demo's practice node over implicit TLS with the demo CA: a sync of three folders, then an
/// incremental one after changes on the server (flags, a move, an expunge, a delivery) and locally (a flag, a new
/// message in a folder), each side ending with the other's changes.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class OfflineimapTests(ClientsDemo demo)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    private string Config(ClientUser user, string work) => Tool.WriteConfig(work, "offlineimaprc", $"""
        [general]
        accounts = caducee
        metadata = {work}/metadata
        ui = basic

        [Account caducee]
        localrepository = local
        remoterepository = remote

        [Repository local]
        type = Maildir
        localfolders = {work}/Mail

        [Repository remote]
        type = IMAP
        remotehost = {ClientsDemo.Host}
        remoteport = {demo.ImapsPort}
        remoteuser = {user.Address}
        remotepass = {user.Password}
        ssl = yes
        sslcacertfile = {demo.Ca}
        folderfilter = lambda name: name in ['INBOX', 'Archive', 'Patients/2026']

        """);

    private static async Task SyncAsync(string config)
    {
        var result = await Tool.RunAsync("offlineimap", ["-c", config, "-o", "-u", "basic"], s_timeout);
        Assert.True(result.ExitCode == 0 && !result.Output.Contains("ERROR", StringComparison.Ordinal), result.ToString());
    }

    [Fact]
    public async Task Offlineimap_syncs_three_folders_then_both_sides_changes()
    {
        var user = await demo.CreateUserAsync("offlineimap");
        await demo.Store.CreateFolderAsync(user.MailboxId, "Patients/2026", null, CancellationToken.None);
        var inboxUids = await demo.FillAsync(user, "INBOX", 8, flags: i => i == 0 ? MessageFlags.Seen | MessageFlags.Flagged : MessageFlags.None);
        var archiveUids = await demo.FillAsync(user, "Archive", 4, first: 100);
        await demo.FillAsync(user, "Patients/2026", 3, first: 200);
        var work = demo.WorkFolder("offlineimap");
        var config = Config(user, work);
        var mail = Path.Combine(work, "Mail");

        await SyncAsync(config);
        var inbox = Maildir.ByIndex(Path.Combine(mail, "INBOX"));
        Assert.Equal(Enumerable.Range(0, 8), inbox.Keys.Order());
        Assert.True(inbox[0].Has('S') && inbox[0].Has('F'), inbox[0].Flags);
        Assert.Equal(Enumerable.Range(100, 4), Maildir.ByIndex(Path.Combine(mail, "Archive")).Keys.Order());
        Assert.Equal(Enumerable.Range(200, 3), Maildir.ByIndex(Path.Combine(mail, "Patients.2026")).Keys.Order());
        var stored = (await demo.MessagesAsync(user, "INBOX")).Single(m => m.Uid == inboxUids[5]);
        Assert.Equal(Maildir.ToLf(await demo.BytesAsync(stored)), await File.ReadAllBytesAsync(inbox[5].Path));

        // Server side: flags, a move, an expunge and a new delivery.
        var serverInbox = await demo.FolderAsync(user, "INBOX");
        var serverArchive = await demo.FolderAsync(user, "Archive");
        await demo.Store.StoreFlagsAsync(serverInbox.Id, [inboxUids[1]], FlagChange.Add(MessageFlags.Answered | MessageFlags.Seen), null, CancellationToken.None);
        await demo.Store.StoreFlagsAsync(serverInbox.Id, [inboxUids[0]], FlagChange.Remove(MessageFlags.Flagged), null, CancellationToken.None);
        await demo.Store.MoveAsync(serverInbox.Id, [inboxUids[2]], serverArchive.Id, CancellationToken.None);
        await demo.Store.StoreFlagsAsync(serverArchive.Id, [archiveUids[0]], FlagChange.Add(MessageFlags.Deleted), null, CancellationToken.None);
        await demo.Store.ExpungeAsync(serverArchive.Id, null, CancellationToken.None);
        await demo.FillAsync(user, "INBOX", 1, first: 8);
        // Local side: a flag, and a message filed into Archive by the local mail reader.
        Maildir.SetFlags(inbox[6], inbox[6].Flags + "F");
        var filed = SampleMessages.Create(300, user.Address, 2048);
        await File.WriteAllBytesAsync(Path.Combine(mail, "Archive", "new", "1767225600.P1Q1.localhost"), filed);

        await SyncAsync(config);
        inbox = Maildir.ByIndex(Path.Combine(mail, "INBOX"));
        Assert.Equal([0, 1, 3, 4, 5, 6, 7, 8], inbox.Keys.Order());
        Assert.True(inbox[1].Has('R') && inbox[1].Has('S'), inbox[1].Flags);
        Assert.False(inbox[0].Has('F'), inbox[0].Flags);
        Assert.Equal([2, 101, 102, 103, 300], Maildir.ByIndex(Path.Combine(mail, "Archive")).Keys.Order());

        var server = await demo.MessagesAsync(user, "INBOX");
        Assert.True((server.Single(m => m.Uid == inboxUids[6]).Flags & MessageFlags.Flagged) != 0, "the local flag reached the server");
        var archive = await demo.MessagesAsync(user, "Archive");
        Assert.Equal(5, archive.Count);
        var uploaded = await demo.BytesAsync(archive[^1]);
        // offlineimap adds its X-OfflineIMAP header to find the new message; the rest is the local file.
        Assert.EndsWith(System.Text.Encoding.ASCII.GetString(filed).Split("\r\n\r\n", 2)[1], System.Text.Encoding.ASCII.GetString(uploaded), StringComparison.Ordinal);
        Assert.Contains("X-MSS-NIL: 1000300", System.Text.Encoding.ASCII.GetString(uploaded), StringComparison.Ordinal);
    }
}
