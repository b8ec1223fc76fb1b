// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Clients.Tests.Infrastructure;

namespace Caducee.Imap.Clients.Tests;

/// <summary>
/// Issue 6 point 4: mbsync (isync) against the demo's practice node over STARTTLS with the demo CA: a full sync of
/// 1,000 messages into a local Maildir, then an incremental sync after flags, moves, expunges and a delivery made on
/// the server, with local changes (a flag set, a message trashed) pushed back; then a sync with nothing to do.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed partial class MbsyncTests(ClientsDemo demo)
{
    private const int Count = 1000;

    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    private string Config(ClientUser user, string work, string maildir) => Tool.WriteConfig(work, "mbsyncrc", $"""
        IMAPAccount caducee
        Host {ClientsDemo.Host}
        Port {demo.ImapPort}
        User {user.Address}
        Pass {user.Password}
        SSLType STARTTLS
        SSLVersions TLSv1.2 TLSv1.3
        CertificateFile {demo.Ca}
        PipelineDepth 50

        IMAPStore remote
        Account caducee

        MaildirStore local
        Path {maildir}/
        Inbox {maildir}/INBOX
        SubFolders Verbatim

        Channel all
        Far :remote:
        Near :local:
        Patterns *
        Create Both
        Expunge Both
        SyncState *

        """);

    private static async Task<ToolResult> SyncAsync(string config)
    {
        var result = await Tool.RunAsync("mbsync", ["--verbose", "--config", config, "all"], s_timeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task Mbsync_syncs_1000_messages_then_reflects_server_changes_and_pushes_local_ones_back()
    {
        var user = await demo.CreateUserAsync("mbsync");
        await demo.Store.CreateFolderAsync(user.MailboxId, "Patients/2026", null, CancellationToken.None);
        var uids = await demo.FillAsync(user, "INBOX", Count, flags: i => i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None);
        await demo.FillAsync(user, "Patients/2026", 5, first: 5000);
        var work = demo.WorkFolder("mbsync");
        var maildir = Path.Combine(work, "Mail");
        Directory.CreateDirectory(maildir);
        var config = Config(user, work, maildir);

        // 1. Full sync: every message, with its flags; a sample identical to the stored bytes (line ends aside).
        await SyncAsync(config);
        var local = Maildir.ByIndex(Path.Combine(maildir, "INBOX"));
        Assert.Equal(Count, local.Count);
        Assert.Equal(Enumerable.Range(0, Count), local.Keys.Order());
        Assert.All(local.Values, m => Assert.Equal(m.Index % 3 == 0, m.Has('S')));
        Assert.Equal(5, Maildir.ByIndex(Path.Combine(maildir, "Patients", "2026")).Count);
        Assert.True(Directory.Exists(Path.Combine(maildir, "Sent", "cur")), "the empty folders are created too");
        var stored = await demo.MessagesAsync(user, "INBOX");
        foreach (var index in new[] { 0, 9, 500, 999 })
        {
            var bytes = await demo.BytesAsync(stored.Single(m => m.Uid == uids[index]));
            // mbsync marks the messages it propagates with an X-TUID header at the end of the header block.
            var file = await File.ReadAllTextAsync(local[index].Path, System.Text.Encoding.Latin1);
            Assert.Matches("\nX-TUID: [A-Za-z0-9+/]{12}\n\n", file);
            Assert.Equal(System.Text.Encoding.Latin1.GetString(Maildir.ToLf(bytes)), TuidLine().Replace(file, "\n\n", 1));
        }

        // 2. Changes on the server, as another client or a delivery would make them.
        var inbox = await demo.FolderAsync(user, "INBOX");
        var archive = await demo.FolderAsync(user, "Archive");
        await demo.Store.StoreFlagsAsync(inbox.Id, [uids[1], uids[2]], FlagChange.Add(MessageFlags.Flagged | MessageFlags.Answered), null, CancellationToken.None);
        await demo.Store.StoreFlagsAsync(inbox.Id, [uids[3]], FlagChange.Remove(MessageFlags.Seen), null, CancellationToken.None);
        await demo.Store.MoveAsync(inbox.Id, [uids[10], uids[11], uids[12]], archive.Id, CancellationToken.None);
        await demo.Store.StoreFlagsAsync(inbox.Id, [uids[20], uids[21]], FlagChange.Add(MessageFlags.Deleted), null, CancellationToken.None);
        await demo.Store.ExpungeAsync(inbox.Id, null, CancellationToken.None);
        await demo.FillAsync(user, "INBOX", 1, first: Count);
        // … and on the local side: a message flagged, another trashed (mbsync's Expunge Both removes it upstream).
        Maildir.SetFlags(local[30], local[30].Flags + "F");
        Maildir.SetFlags(local[31], local[31].Flags + "T");

        await SyncAsync(config);
        local = Maildir.ByIndex(Path.Combine(maildir, "INBOX"));
        Assert.True(local[1].Has('F') && local[1].Has('R') && local[2].Has('F') && local[2].Has('R'), local[1].Flags + " " + local[2].Flags);
        Assert.False(local[3].Has('S'));
        Assert.DoesNotContain(10, local.Keys);
        Assert.DoesNotContain(20, local.Keys);
        Assert.DoesNotContain(21, local.Keys);
        Assert.DoesNotContain(31, local.Keys);
        Assert.Contains(Count, local.Keys);
        Assert.Equal(Count - 3 - 2 - 1 + 1, local.Count);
        Assert.Equal([10, 11, 12], Maildir.ByIndex(Path.Combine(maildir, "Archive")).Keys.Order());

        var server = (await demo.MessagesAsync(user, "INBOX")).ToDictionary(m => m.Uid);
        Assert.True((server[uids[30]].Flags & MessageFlags.Flagged) != 0, "the flag set locally reached the server");
        Assert.False(server.ContainsKey(uids[31]), "the message trashed locally was expunged on the server");
        Assert.Equal(local.Count, server.Count);

        // 3. Nothing changed: nothing to do, on either side.
        var before = Maildir.Read(Path.Combine(maildir, "INBOX")).Select(m => Path.GetFileName(m.Path)).Order().ToList();
        var modSeq = (await demo.FolderAsync(user, "INBOX")).HighestModSeq;
        await SyncAsync(config);
        Assert.Equal(before, Maildir.Read(Path.Combine(maildir, "INBOX")).Select(m => Path.GetFileName(m.Path)).Order());
        Assert.Equal(modSeq, (await demo.FolderAsync(user, "INBOX")).HighestModSeq);
    }

    [System.Text.RegularExpressions.GeneratedRegex("\nX-TUID: [A-Za-z0-9+/]{12}\n\n")]
    private static partial System.Text.RegularExpressions.Regex TuidLine();
}
