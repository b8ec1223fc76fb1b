// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Core.Model;
using Caducee.Storage.Sql;

namespace Caducee.Storage.Tests;

/// <summary>
/// The node's folder-state cache (docs/store.md, "Folder states"): a state served from it, or merged from
/// the changes since, is exactly the state the rows give — after flags, keywords, expunges, moves, copies
/// and new mail (issue 4 points 1 and 5; issue 6 point 6).
/// </summary>
public abstract partial class MailStoreContract
{
    private static IEnumerable<string> Rows(FolderState state) =>
        state.Messages.Select(m => $"{m.Uid} {m.ModSeq} {(long)m.Flags} {string.Join(',', state.KeywordsOf(m))}");

    private async Task<IEnumerable<string>> RowsReadWholeAsync(long folderId)
    {
        var all = await Store.ListMessagesAsync(folderId, Ct);
        return all.Select(m => $"{m.Uid} {m.ModSeq} {(long)m.Flags} {string.Join(',', m.Keywords)}");
    }

    [Fact]
    public async Task A_large_folder_state_comes_from_the_cache_and_its_merges_equal_the_rows_after_every_change()
    {
        var box = await NewBoxAsync("grand", MailboxKind.Org);
        var inbox = await FolderAsync(box);
        var archive = await FolderAsync(box, "Archive");
        var count = FolderStateCache.MinimumMessages + 200;
        await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(1, count).Select(i => new AppendMessage(Message("m" + i.ToString(CultureInfo.InvariantCulture))))], Ct);
        await Store.AppendAsync(archive.Id, [.. Enumerable.Range(1, 10).Select(i => new AppendMessage(Message("a" + i.ToString(CultureInfo.InvariantCulture))))], Ct);
        var cache = Store.FolderStates;

        var first = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(count, first.Messages.Length);
        var (hits, merges) = (cache.Hits, cache.Merges);
        var second = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Same(first.Messages, second.Messages); // nothing changed: the cached array, not a read
        Assert.Equal(hits + 1, cache.Hits);

        Func<Task>[] changes =
        [
            () => Store.StoreFlagsAsync(inbox.Id, [2, 3, 500], FlagChange.Add(MessageFlags.Seen | MessageFlags.Flagged, "$Urgent"), null, Ct),
            () => Store.StoreFlagsAsync(inbox.Id, [3], FlagChange.Replace(MessageFlags.Answered), null, Ct),
            async () =>
            {
                await Store.StoreFlagsAsync(inbox.Id, [1, 500, 1000], FlagChange.Add(MessageFlags.Deleted), null, Ct);
                await Store.ExpungeAsync(inbox.Id, null, Ct);
            },
            () => Store.MoveAsync(inbox.Id, [4, 5, 6], archive.Id, Ct),
            () => Store.CopyAsync(archive.Id, [1, 2], inbox.Id, Ct),
            () => Store.AppendAsync(inbox.Id, [new AppendMessage(Message("nouveau"), MessageFlags.Draft, ["$Todo"])], Ct),
            () => Store.StoreFlagsAsync(inbox.Id, [.. Enumerable.Range(100, 300).Select(i => (long)i)], FlagChange.Add(MessageFlags.Seen), null, Ct),
        ];
        foreach (var change in changes)
        {
            await change();
            var merged = await Store.LoadFolderStateAsync(inbox.Id, Ct);
            Assert.Equal(await RowsReadWholeAsync(inbox.Id), Rows(merged));
            Assert.Equal(merged.Folder.MessageCount, merged.Messages.Length);
        }

        Assert.Equal(merges + changes.Length, cache.Merges);
        var final = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(count - 3 - 3 + 2 + 1, final.Messages.Length);
        Assert.Equal(MessageFlags.Answered, final.Messages.Single(m => m.Uid == 3).Flags); // FLAGS replaced what +FLAGS had set
        Assert.Equal(MessageFlags.Seen, final.Messages.Single(m => m.Uid == 200).Flags);
        Assert.DoesNotContain(final.Messages, m => m.Uid is 1 or 4 or 500);
    }

    [Fact]
    public async Task A_state_read_whole_is_in_UID_order_even_when_updated_rows_lie_elsewhere_on_disk()
    {
        var box = await NewBoxAsync("ordre", MailboxKind.Org);
        var inbox = await FolderAsync(box);
        await Store.AppendAsync(inbox.Id, [.. Enumerable.Range(1, 50).Select(i => new AppendMessage(Message("o" + i.ToString(CultureInfo.InvariantCulture))))], Ct);

        // Updated rows get new versions at the end of the table (PostgreSQL), so a scan meets them last.
        await Store.StoreFlagsAsync(inbox.Id, [1, 2, 3, 25], FlagChange.Add(MessageFlags.Seen), null, Ct);
        await Store.StoreFlagsAsync(inbox.Id, [2], FlagChange.Add(MessageFlags.Flagged), null, Ct);
        var state = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), state.Messages.Select(m => m.Uid));
        Assert.Equal(await RowsReadWholeAsync(inbox.Id), Rows(state));
    }

    [Fact]
    public async Task A_folder_recreated_with_a_new_UIDVALIDITY_is_never_served_from_the_old_state()
    {
        var box = await NewBoxAsync("recree", MailboxKind.Org);
        var projets = await Store.CreateFolderAsync(box.Id, "Projets", null, Ct);
        await Store.AppendAsync(projets.Id, [.. Enumerable.Range(1, FolderStateCache.MinimumMessages).Select(i => new AppendMessage(Message("p" + i.ToString(CultureInfo.InvariantCulture))))], Ct);
        Assert.Equal(FolderStateCache.MinimumMessages, (await Store.LoadFolderStateAsync(projets.Id, Ct)).Messages.Length);

        await Store.DeleteFolderAsync(box.Id, "Projets", Ct);
        var again = await Store.CreateFolderAsync(box.Id, "Projets", null, Ct);
        Assert.NotEqual(projets.UidValidity, again.UidValidity);
        Assert.Empty((await Store.LoadFolderStateAsync(again.Id, Ct)).Messages);
    }
}
