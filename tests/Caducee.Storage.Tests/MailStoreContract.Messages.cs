// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>Messages: APPEND, STORE with CONDSTORE, COPY, MOVE, EXPUNGE, changes since a MODSEQ (RFC 7162, QRESYNC).</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Append_stores_flags_keywords_and_date_and_answers_APPENDUID()
    {
        var box = await NewBoxAsync("a");
        var drafts = await FolderAsync(box, "Drafts");
        var date = new DateTimeOffset(2025, 12, 24, 9, 30, 0, TimeSpan.Zero);
        var content = Message("Brouillon 1");
        var result = await Store.AppendAsync(drafts.Id, [
            new AppendMessage(content, MessageFlags.Draft | MessageFlags.Seen, ["$Todo", "Urgent"], date),
            new AppendMessage(Message("Brouillon 2"), MessageFlags.None, ["urgent"]),
        ], Ct);
        Assert.Equal(drafts.UidValidity, result.UidValidity);
        Assert.Equal([1L, 2L], result.Uids);

        var state = await Store.LoadFolderStateAsync(drafts.Id, Ct);
        Assert.Equal([1L, 2L], state.Messages.Select(m => m.Uid));
        Assert.Equal(["$Todo", "Urgent"], state.Keywords); // keywords are case-insensitive; the first spelling stays
        Assert.Equal(["$Todo", "Urgent"], state.KeywordsOf(state.Messages[0]));
        Assert.Equal(["Urgent"], state.KeywordsOf(state.Messages[1]));
        Assert.Equal(MessageFlags.Draft | MessageFlags.Seen, state.Messages[0].Flags);
        Assert.All(state.Messages, m => Assert.Equal(result.HighestModSeq, m.ModSeq));
        Assert.Equal(3, state.Folder.UidNext);
        Assert.Equal(1, state.Folder.UnseenCount);

        var fetched = await Store.GetMessagesAsync(drafts.Id, [1, 2, 7], withViews: true, Ct);
        Assert.Equal([1L, 2L], fetched.Select(m => m.Uid));
        Assert.Equal(date, fetched[0].InternalDate);
        Assert.Equal(Message("Brouillon 1").Length, fetched[0].Size);
        var views = fetched[0].Views!;
        Assert.Equal("Brouillon 1", views.Subject);
        Assert.Contains("Brouillon 1", Encoding.UTF8.GetString(views.Envelope), StringComparison.Ordinal);
        Assert.StartsWith("(\"TEXT\" \"PLAIN\"", Encoding.ASCII.GetString(views.BodyStructure), StringComparison.Ordinal);
        Assert.Equal("jean.dupont@hopital.mssante.test", views.From!.Address);
        Assert.Equal("Dr Jean DUPONT", views.From.DisplayName);
        Assert.Equal("marie.martin@cabinet.mssante.test", views.To!.Address);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 10, 15, 0, TimeSpan.FromHours(1)), views.SentDate);
        Assert.Null(fetched[0].Views!.Cc);
        Assert.Equal(fetched[0].Size + fetched[1].Size, (await Store.GetQuotaAsync(box.Id, Ct)).StorageBytes);
        Assert.Equal(content, await Blobs.ReadAsync(fetched[0].BlobId, Ct)); // stored exactly as given
        Assert.Equal(content.Length, fetched[0].Size);
    }

    [Fact]
    public async Task Appends_are_all_or_nothing_and_bad_input_loses_nothing()
    {
        var box = await NewBoxAsync("a", quota: new QuotaLimits(null, 3));
        var inbox = await FolderAsync(box);
        await Fails(MailError.Parameters, () => Store.AppendAsync(inbox.Id, [new AppendMessage(Message("ok")), new AppendMessage(Message("bad"), Keywords: ["bad keyword"])], Ct));
        await Fails(MailError.Parameters, () => Store.AppendAsync(inbox.Id, [new AppendMessage(Message("ok")), new AppendMessage(Array.Empty<byte>())], Ct));
        await Fails(MailError.OverQuota, () => Store.AppendAsync(inbox.Id, [.. Enumerable.Range(0, 4).Select(i => new AppendMessage(Message("m" + i)))], Ct));
        Assert.Equal(0, (await FolderAsync(box)).MessageCount);
        Assert.Equal(1, (await FolderAsync(box)).UidNext);
        await Fails(MailError.NotFound, () => Store.AppendAsync(inbox.Id + 999, [new AppendMessage(Message("x"))], Ct));

        await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Suspended, Ct);
        await Fails(MailError.MailboxDisabled, () => AppendAsync(inbox, "suspendu"));
    }

    [Fact]
    public async Task Store_adds_removes_and_replaces_flags_and_keywords_with_one_new_modseq()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var uids = (await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(0, 5).Select(i => new AppendMessage(Message("m" + i)))], Ct)).Uids;
        var start = (await FolderAsync(box)).HighestModSeq;

        var added = await Store.StoreFlagsAsync(inbox.Id, [uids[0], uids[1], uids[2]], FlagChange.Add(MessageFlags.Seen | MessageFlags.Flagged, "$Label1"), null, Ct);
        Assert.Equal([uids[0], uids[1], uids[2]], added.Changed.Select(m => m.Uid));
        Assert.All(added.Changed, m => Assert.Equal(start + 1, m.ModSeq));
        Assert.All(added.Changed, m => Assert.Equal(["$Label1"], m.Keywords));
        Assert.Equal(start + 1, added.HighestModSeq);
        Assert.Equal(2, (await FolderAsync(box)).UnseenCount);

        var noop = await Store.StoreFlagsAsync(inbox.Id, [uids[0]], FlagChange.Add(MessageFlags.Seen), null, Ct);
        Assert.Empty(noop.Changed); // nothing changed, no new MODSEQ
        Assert.Equal(start + 1, noop.HighestModSeq);

        var removed = await Store.StoreFlagsAsync(inbox.Id, uids, FlagChange.Remove(MessageFlags.Flagged, "$Label1", "$Unknown"), null, Ct);
        Assert.Equal(3, removed.Changed.Count);
        Assert.All(removed.Changed, m => Assert.Equal(MessageFlags.Seen, m.Flags));
        Assert.All(removed.Changed, m => Assert.Empty(m.Keywords));

        var replaced = await Store.StoreFlagsAsync(inbox.Id, [uids[3], uids[4]], FlagChange.Replace(MessageFlags.Deleted | MessageFlags.Answered, "$Forwarded"), null, Ct);
        Assert.All(replaced.Changed, m => Assert.Equal(MessageFlags.Deleted | MessageFlags.Answered, m.Flags));
        var folder = await FolderAsync(box);
        Assert.Equal(2, folder.DeletedCount);
        Assert.Equal(2, folder.UnseenCount);
        Assert.Equal(start + 3, folder.HighestModSeq);

        var state = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(["$Forwarded"], state.KeywordsOf(state.Messages[4]));
        Assert.All(state.Messages, m => Assert.True(m.ModSeq <= state.Folder.HighestModSeq));
        Assert.Empty((await Store.StoreFlagsAsync(inbox.Id, [999], FlagChange.Add(MessageFlags.Seen), null, Ct)).Changed);
        await Fails(MailError.Parameters, () => Store.StoreFlagsAsync(inbox.Id, uids, FlagChange.Add(MessageFlags.None, "\\Bad"), null, Ct));
        await Fails(MailError.NotFound, () => Store.StoreFlagsAsync(inbox.Id + 999, uids, FlagChange.Add(MessageFlags.Seen), null, Ct));
    }

    [Fact]
    public async Task Store_with_UNCHANGEDSINCE_leaves_and_reports_messages_modified_since_RFC7162()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var uids = (await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(0, 3).Select(i => new AppendMessage(Message("m" + i)))], Ct)).Uids;
        var known = (await FolderAsync(box)).HighestModSeq;
        await Store.StoreFlagsAsync(inbox.Id, [uids[1]], FlagChange.Add(MessageFlags.Flagged), null, Ct); // another client

        var result = await Store.StoreFlagsAsync(inbox.Id, uids, FlagChange.Add(MessageFlags.Seen), known, Ct);
        Assert.Equal([uids[1]], result.Modified);
        Assert.Equal([uids[0], uids[2]], result.Changed.Select(m => m.Uid));
        var state = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(MessageFlags.Flagged, state.Messages[1].Flags);
    }

    [Fact]
    public async Task A_folder_can_hold_64_keywords_and_no_more()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var uid = (await AppendAsync(inbox, "k")).Uids[0];
        await Store.StoreFlagsAsync(inbox.Id, [uid], FlagChange.Add(MessageFlags.None, [.. Enumerable.Range(0, 64).Select(i => "kw" + i)]), null, Ct);
        Assert.Equal(64, (await Store.LoadFolderStateAsync(inbox.Id, Ct)).KeywordsOf((await Store.LoadFolderStateAsync(inbox.Id, Ct)).Messages[0]).Count);
        await Fails(MailError.Limit, () => Store.StoreFlagsAsync(inbox.Id, [uid], FlagChange.Add(MessageFlags.None, "kw64"), null, Ct));
    }

    [Fact]
    public async Task Copy_gives_new_UIDs_shares_the_blob_and_maps_keywords_COPYUID()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var archive = await FolderAsync(box, "Archive");
        await AppendAsync(archive, "déjà là", MessageFlags.None, "$Old");
        var uids = (await Store.AppendAsync(inbox.Id, [new AppendMessage(Message("un"), MessageFlags.Seen, ["$New"]), new AppendMessage(Message("deux"), MessageFlags.Deleted)], Ct)).Uids;
        var usage = await Store.GetQuotaAsync(box.Id, Ct);

        var copy = await Store.CopyAsync(inbox.Id, [uids[1], uids[0], 99], archive.Id, Ct);
        Assert.Equal(archive.UidValidity, copy.UidValidity);
        Assert.Equal([(uids[0], 2L), (uids[1], 3L)], copy.Mapping);
        var copied = await Store.GetMessagesAsync(archive.Id, [2, 3], false, Ct);
        var originals = await Store.GetMessagesAsync(inbox.Id, uids, false, Ct);
        Assert.Equal(originals.Select(m => m.BlobId), copied.Select(m => m.BlobId));
        Assert.Equal(["$New"], copied[0].Keywords);
        Assert.Equal(MessageFlags.Deleted, copied[1].Flags);
        var state = await Store.LoadFolderStateAsync(archive.Id, Ct);
        Assert.Equal(["$Old", "$New"], state.Keywords);
        Assert.Equal(3, state.Folder.MessageCount);
        Assert.Equal(1, state.Folder.DeletedCount);
        Assert.Equal(usage.Messages + 2, (await Store.GetQuotaAsync(box.Id, Ct)).Messages);
        Assert.Equal(2, (await FolderAsync(box)).MessageCount); // the source is untouched
        Assert.Empty((await Store.CopyAsync(inbox.Id, [500], archive.Id, Ct)).Mapping);
    }

    [Fact]
    public async Task Move_copies_and_expunges_in_one_step_RFC6851()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var trash = await FolderAsync(box, "Trash");
        var uids = (await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(0, 4).Select(i => new AppendMessage(Message("m" + i)))], Ct)).Uids;
        var before = await FolderAsync(box);
        var usage = await Store.GetQuotaAsync(box.Id, Ct);

        var move = await Store.MoveAsync(inbox.Id, [uids[1], uids[2]], trash.Id, Ct);
        Assert.Equal([(uids[1], 1L), (uids[2], 2L)], move.Copy.Mapping);
        Assert.Equal([uids[1], uids[2]], move.Expunged);
        Assert.Equal([uids[0], uids[3]], (await Store.LoadFolderStateAsync(inbox.Id, Ct)).Messages.Select(m => m.Uid));
        Assert.Equal(2, (await FolderAsync(box, "Trash")).MessageCount);
        Assert.Equal(usage, await Store.GetQuotaAsync(box.Id, Ct)); // moved within the mailbox: same usage
        var changes = await Store.GetChangesSinceAsync(inbox.Id, before.HighestModSeq, Ct);
        Assert.Equal([uids[1], uids[2]], changes.Expunged);
        Assert.Equal(move.SourceHighestModSeq, changes.HighestModSeq);
        await Fails(MailError.NotPossible, () => Store.MoveAsync(inbox.Id, [uids[0]], inbox.Id, Ct));
    }

    [Fact]
    public async Task Large_and_scattered_sets_are_appended_stored_expunged_and_copied_exactly()
    {
        var box = await NewBoxAsync("a");
        var archive = await FolderAsync(box, "Archive");
        var content = Message("archive");
        // 250 messages in one APPEND (several multi-row statements), flags and keywords per message.
        var appended = await Store.AppendAsync(archive.Id, [.. Enumerable.Range(1, 250).Select(i => new AppendMessage(content, i % 5 == 0 ? MessageFlags.Seen : MessageFlags.None, i % 7 == 0 ? ["$Lu"] : []))], Ct);
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), appended.Uids);
        var state = await Store.LoadFolderStateAsync(archive.Id, Ct);
        Assert.Equal(Enumerable.Range(1, 250).Where(i => i % 5 == 0).Select(i => (long)i), state.Messages.Where(m => m.Flags == MessageFlags.Seen).Select(m => m.Uid));
        Assert.Equal(Enumerable.Range(1, 250).Where(i => i % 7 == 0).Select(i => (long)i), state.Messages.Where(m => m.KeywordBits != 0).Select(m => m.Uid));

        // A scattered set (every other UID, 125 lone UIDs) plus a range: exactly those change.
        var odd = Enumerable.Range(0, 125).Select(i => (2L * i) + 1).ToList();
        var flagged = await Store.StoreFlagsAsync(archive.Id, [.. odd, .. Enumerable.Range(240, 11).Select(i => (long)i)], FlagChange.Add(MessageFlags.Flagged), null, Ct);
        var expected = odd.Union(Enumerable.Range(240, 11).Select(i => (long)i)).Order().ToList();
        Assert.Equal(expected, flagged.Changed.Select(m => m.Uid));
        state = await Store.LoadFolderStateAsync(archive.Id, Ct);
        Assert.Equal(expected, state.Messages.Where(m => (m.Flags & MessageFlags.Flagged) != 0).Select(m => m.Uid));
        Assert.All(state.Messages.Where(m => (m.Flags & MessageFlags.Flagged) != 0), m => Assert.Equal(flagged.HighestModSeq, m.ModSeq));

        // Expunge the scattered set: removed, recorded for QRESYNC, counters follow.
        await Store.StoreFlagsAsync(archive.Id, odd, FlagChange.Add(MessageFlags.Deleted), null, Ct);
        var before = (await FolderAsync(box, "Archive")).HighestModSeq;
        var expunged = await Store.ExpungeAsync(archive.Id, null, Ct);
        Assert.Equal(odd, expunged.Expunged);
        Assert.Equal(odd, (await Store.GetChangesSinceAsync(archive.Id, before, Ct)).Expunged);
        var after = await FolderAsync(box, "Archive");
        Assert.Equal((125, 0), (after.MessageCount, after.DeletedCount));
        Assert.Equal(Enumerable.Range(1, 125).Select(i => 2L * i), (await Store.LoadFolderStateAsync(archive.Id, Ct)).Messages.Select(m => m.Uid));

        // COPY of a scattered set: consecutive new UIDs, in order.
        var sent = await FolderAsync(box, "Sent");
        var evens = Enumerable.Range(1, 125).Select(i => 2L * i).Where(u => u % 4 == 0).ToList();
        var copied = await Store.CopyAsync(archive.Id, evens, sent.Id, Ct);
        Assert.Equal(evens.Select((u, i) => (u, (long)i + 1)), copied.Mapping);
        Assert.Equal(evens.Count, (await FolderAsync(box, "Sent")).MessageCount);
    }

    [Fact]
    public async Task Expunge_removes_deleted_messages_and_UIDs_are_never_reused()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var uids = (await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(0, 6).Select(i => new AppendMessage(Message("m" + i), i % 2 == 0 ? MessageFlags.Deleted : MessageFlags.None))], Ct)).Uids;

        // UID EXPUNGE: only the \Deleted among the given UIDs.
        var partial = await Store.ExpungeAsync(inbox.Id, [uids[0], uids[1]], Ct);
        Assert.Equal([uids[0]], partial.Expunged);
        var all = await Store.ExpungeAsync(inbox.Id, null, Ct);
        Assert.Equal([uids[2], uids[4]], all.Expunged);
        Assert.True(all.HighestModSeq > partial.HighestModSeq);
        Assert.Empty((await Store.ExpungeAsync(inbox.Id, null, Ct)).Expunged);
        var folder = await FolderAsync(box);
        Assert.Equal(3, folder.MessageCount);
        Assert.Equal(0, folder.DeletedCount);
        Assert.Equal(3, (await Store.GetQuotaAsync(box.Id, Ct)).Messages);

        var next = await AppendAsync(inbox, "après");
        Assert.Equal(uids[^1] + 1, next.Uids[0]);
        await Store.StoreFlagsAsync(inbox.Id, [next.Uids[0]], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        Assert.Equal(next.Uids[0] + 1, (await AppendAsync(inbox, "encore")).Uids[0]);
    }

    [Fact]
    public async Task Changes_since_a_modseq_list_changed_messages_and_expunged_UIDs_QRESYNC()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var uids = (await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(0, 5).Select(i => new AppendMessage(Message("m" + i)))], Ct)).Uids;
        var known = (await FolderAsync(box)).HighestModSeq;
        Assert.Empty((await Store.GetChangesSinceAsync(inbox.Id, known, Ct)).Changed);

        await Store.StoreFlagsAsync(inbox.Id, [uids[0]], FlagChange.Add(MessageFlags.Seen), null, Ct);
        await Store.StoreFlagsAsync(inbox.Id, [uids[3]], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        var added = await AppendAsync(inbox, "nouveau");

        var changes = await Store.GetChangesSinceAsync(inbox.Id, known, Ct);
        Assert.Equal([uids[0], added.Uids[0]], changes.Changed.Select(m => m.Uid));
        Assert.Equal([uids[3]], changes.Expunged);
        Assert.Equal((await FolderAsync(box)).HighestModSeq, changes.HighestModSeq);
        Assert.All(changes.Changed, m => Assert.True(m.ModSeq > known));
        var since0 = await Store.GetChangesSinceAsync(inbox.Id, 0, Ct);
        Assert.Equal(5, since0.Changed.Count);
        await Fails(MailError.NotFound, () => Store.GetChangesSinceAsync(inbox.Id + 999, 0, Ct));
    }
}
