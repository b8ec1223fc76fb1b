// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Selection;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>Selected-state bookkeeping: sequence numbers, UIDs, EXPUNGE renumbering, "*" and "$" (issue 6 points 1 and 3).</summary>
public class MessageSequenceMapTests
{
    private static SequenceSet Set(string text)
    {
        Assert.True(SequenceSet.TryParse(text, out var set));
        return set;
    }

    [Fact]
    public void Sequence_numbers_and_UIDs_map_both_ways()
    {
        var map = new MessageSequenceMap([3, 7, 10, 42]);
        Assert.Equal((4, 42u), (map.Count, map.MaxUid));
        Assert.Equal(10u, map.UidAt(3));
        Assert.Equal(2, map.SequenceOf(7));
        Assert.Equal(0, map.SequenceOf(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.UidAt(5));
        Assert.Throws<ArgumentException>(() => new MessageSequenceMap([5, 5]));
        Assert.Throws<ArgumentException>(() => new MessageSequenceMap([0]));
    }

    [Fact]
    public void Expunge_renumbers_the_later_messages_RFC9051_7_5_1()
    {
        var map = new MessageSequenceMap([3, 7, 10, 42]);
        Assert.Equal(2, map.Expunge(7));
        Assert.Equal(2, map.SequenceOf(10));
        Assert.Equal(0, map.Expunge(7));
        Assert.Equal(3, map.Count);

        // Several at once: reported in descending order, each valid at the moment it is sent.
        var big = new MessageSequenceMap(Enumerable.Range(1, 10).Select(i => (uint)i * 10));
        Assert.Equal([9, 5, 4, 1], big.ExpungeMany([10, 40, 50, 90, 999]));
        Assert.Equal([20u, 30u, 60u, 70u, 80u, 100u], Enumerable.Range(1, big.Count).Select(big.UidAt));
    }

    [Fact]
    public void Append_adds_at_the_end_for_EXISTS()
    {
        var map = new MessageSequenceMap([]);
        Assert.Equal(1, map.Append(5));
        Assert.Equal(2, map.Append(9));
        Assert.Throws<ArgumentException>(() => map.Append(9));
        for (uint u = 10; u < 100; u++)
        {
            map.Append(u);
        }

        Assert.Equal(92, map.Count);
        Assert.Equal(99u, map.MaxUid);
    }

    [Fact]
    public void Sequence_sets_resolve_with_star_and_refuse_numbers_beyond_the_count()
    {
        var map = new MessageSequenceMap([3, 7, 10, 42]);
        Assert.True(map.TryResolveSequenceSet(Set("2:*"), null, out var messages, out _));
        Assert.Equal([new MessageRef(2, 7), new MessageRef(3, 10), new MessageRef(4, 42)], messages);
        Assert.True(map.TryResolveSequenceSet(Set("4,1:2,2"), null, out var dedup, out _));
        Assert.Equal([1, 2, 4], dedup.Select(m => m.SequenceNumber));
        Assert.False(map.TryResolveSequenceSet(Set("3:5"), null, out _, out var error));
        Assert.Equal("message number 5 does not exist (the mailbox has 4 messages)", error);

        var empty = new MessageSequenceMap([]);
        Assert.False(empty.TryResolveSequenceSet(Set("*"), null, out _, out var emptyError));
        Assert.Equal("no messages in the mailbox (a sequence number cannot be used)", emptyError);
        Assert.True(empty.TryResolveSequenceSet(Set("$"), [1, 2], out var none, out _));
        Assert.Empty(none);
    }

    [Fact]
    public void UID_sets_ignore_missing_UIDs_and_star_always_includes_the_last_message_RFC9051_6_4_9()
    {
        var map = new MessageSequenceMap([3, 7, 10, 42]);
        Assert.Equal([7u, 10u], map.ResolveUidSet(Set("4:20"), null).Select(m => m.Uid));
        Assert.Equal([42u], map.ResolveUidSet(Set("100:*"), null).Select(m => m.Uid));
        Assert.Equal([42u], map.ResolveUidSet(Set("*"), null).Select(m => m.Uid));
        Assert.Empty(map.ResolveUidSet(Set("43:99"), null));
        Assert.Empty(new MessageSequenceMap([]).ResolveUidSet(Set("1:*"), null));
        Assert.Equal([3u, 7u, 10u, 42u], map.ResolveUidSet(Set("1:4294967295"), null).Select(m => m.Uid));
    }

    [Fact]
    public void The_saved_result_is_the_UIDs_still_present_RFC5182()
    {
        var map = new MessageSequenceMap([3, 7, 10, 42]);
        uint[] saved = [7, 8, 42];
        Assert.Equal([7u, 42u], map.ResolveUidSet(Set("$"), saved).Select(m => m.Uid));
        Assert.True(map.TryResolveSequenceSet(Set("$,1"), saved, out var bySeq, out _));
        Assert.Equal([1, 2, 4], bySeq.Select(m => m.SequenceNumber));
        map.Expunge(7);
        Assert.Equal([42u], map.ResolveUidSet(Set("$"), saved).Select(m => m.Uid));
    }

    [Fact]
    public void Thousands_of_ranges_resolve_quickly()
    {
        var map = new MessageSequenceMap(Enumerable.Range(1, 100_000).Select(i => (uint)i));
        var text = string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"{(i * 5) + 1}:{(i * 5) + 2}"));
        Assert.True(SequenceSet.TryParse(System.Text.Encoding.ASCII.GetBytes(text), 50_000, out var set, out _));
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(40_000, map.ResolveUidSet(set, null).Count);
        Assert.True(map.TryResolveSequenceSet(set, null, out var bySeq, out _));
        Assert.Equal(40_000, bySeq.Count);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2));
    }
}
