// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Storage.Sql;

namespace Caducee.Storage.Tests;

/// <summary>The folder-state cache on its own: merging changes, keeping within its budget.</summary>
public sealed class FolderStateCacheTests
{
    private static MessageState S(long uid, long modseq, MessageFlags flags = MessageFlags.None) => new(uid, modseq, flags, 0);

    private static MessageState[] Folder(int count, long firstUid = 1) => [.. Enumerable.Range(0, count).Select(i => S(firstUid + i, 1))];

    [Fact]
    public void Merge_replaces_changed_messages_adds_new_ones_in_UID_order_and_drops_expunged_ones()
    {
        MessageState[] cached = [S(1, 1), S(2, 1), S(3, 1), S(5, 1)];
        var merged = FolderStateCache.Merge(cached, [S(2, 4, MessageFlags.Seen), S(4, 5), S(9, 6)], [3, 4]);
        Assert.Equal([S(1, 1), S(2, 4, MessageFlags.Seen), S(5, 1), S(9, 6)], merged);
        Assert.Equal([S(1, 1), S(2, 1), S(3, 1), S(5, 1)], cached); // the cached array is never changed
        Assert.Empty(FolderStateCache.Merge(cached, [], [1, 2, 3, 5]));
    }

    [Fact]
    public void Small_folders_are_not_kept_and_the_budget_evicts_the_least_recently_used_folder()
    {
        var cache = new FolderStateCache(budget: 2_500);
        cache.Put(1, 10, 5, Folder(FolderStateCache.MinimumMessages - 1));
        Assert.Null(cache.Find(1, 10));

        cache.Put(1, 10, 5, Folder(1_000));
        cache.Put(2, 20, 5, Folder(1_000));
        Assert.NotNull(cache.Find(1, 10)); // 1 is now the most recently used
        cache.Put(3, 30, 5, Folder(1_000));
        Assert.Equal(2_000, cache.Held);
        Assert.Null(cache.Find(2, 20));
        Assert.NotNull(cache.Find(1, 10));
        Assert.NotNull(cache.Find(3, 30));
        Assert.Null(cache.Find(1, 11)); // another UIDVALIDITY: another folder's life

        cache.Put(4, 40, 5, Folder(3_000)); // larger than the whole budget: not kept, nothing evicted
        Assert.Null(cache.Find(4, 40));
        Assert.Equal(2_000, cache.Held);
    }

    [Fact]
    public void A_state_of_an_older_snapshot_does_not_replace_a_newer_one()
    {
        var cache = new FolderStateCache(budget: 10_000);
        var newer = Folder(1_000);
        cache.Put(1, 10, 9, newer);
        cache.Put(1, 10, 8, Folder(1_001));
        Assert.Same(newer, cache.Find(1, 10)!.Messages);
        Assert.Equal(9, cache.Find(1, 10)!.ModSeq);
        Assert.Equal(1_000, cache.Held);
    }
}
