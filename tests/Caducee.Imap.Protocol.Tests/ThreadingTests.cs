// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Protocol.Search;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256), checked through the THREAD response they produce.</summary>
public class ThreadingTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static ThreadMessage M(int seq, string subject, string? id, params string[] references) =>
        new((uint)seq, seq, s_t0.AddMinutes(seq), subject, id, references);

    private static string Thread(List<ThreadNode> threads)
    {
        var w = new ImapWriter();
        w.Thread(threads);
        return Encoding.ASCII.GetString(w.Written.Span).TrimEnd();
    }

    [Fact]
    public void Message_ids_are_read_from_References_and_In_Reply_To()
    {
        Assert.Equal(["<a@x>", "<b@y>"], ImapThreading.MessageIds(" <a@x>\r\n\t<b@y> <not an id> <no-at>"));
        Assert.Empty(ImapThreading.MessageIds(null));
    }

    [Fact]
    public void ORDEREDSUBJECT_groups_by_base_subject_under_the_first_message()
    {
        var messages = new[]
        {
            M(1, "Hello", null),
            M(2, "Lunch", null),
            M(3, "Re: Hello", null),
            M(4, "Fwd: hello", null),
            M(5, "Re: Lunch", null),
            M(6, "Alone", null),
        };
        Assert.Equal("* THREAD (1 (3)(4))(2 5)(6)", Thread(ImapThreading.OrderedSubject(messages)));
    }

    [Fact]
    public void REFERENCES_builds_chains_and_branches()
    {
        var messages = new[]
        {
            M(1, "Plan", "<1@x>"),
            M(2, "Re: Plan", "<2@x>", "<1@x>"),
            M(3, "Re: Plan", "<3@x>", "<1@x>", "<2@x>"),
            M(4, "Re: Plan", "<4@x>", "<1@x>"),
            M(5, "Other", "<5@x>"),
        };
        Assert.Equal("* THREAD (1 (2 3)(4))(5)", Thread(ImapThreading.References(messages)));
    }

    [Fact]
    public void REFERENCES_keeps_a_dummy_root_for_several_replies_to_a_missing_message()
    {
        var messages = new[]
        {
            M(1, "Re: Gone", "<1@x>", "<gone@x>"),
            M(2, "Re: Gone", "<2@x>", "<gone@x>"),
            M(3, "Re: Single", "<3@x>", "<missing@x>"),
        };
        Assert.Equal("* THREAD ((1)(2))(3)", Thread(ImapThreading.References(messages)));
    }

    [Fact]
    public void REFERENCES_merges_roots_by_subject()
    {
        var messages = new[]
        {
            M(1, "Hello", "<1@x>"),
            M(2, "Re: Hello", "<2@x>"),
            M(3, "Report", "<3@x>"),
            M(4, "Report", "<4@x>"),
        };
        // A reply without references goes under the original; two originals share a new dummy.
        Assert.Equal("* THREAD (1 2)((3)(4))", Thread(ImapThreading.References(messages)));
    }

    [Fact]
    public void REFERENCES_survives_loops_duplicates_and_missing_ids()
    {
        var messages = new[]
        {
            M(1, "A", "<a@x>", "<b@x>"),
            M(2, "B", "<b@x>", "<a@x>"),
            M(3, "C", "<a@x>"),
            M(4, "D", null, "<c@x>", "<c@x>", "<d@x>"),
        };
        var threads = ImapThreading.References(messages);
        var text = Thread(threads);
        foreach (var n in new[] { "1", "2", "3", "4" })
        {
            Assert.Contains(n, text, StringComparison.Ordinal);
        }

        Assert.Equal(4, Flatten(threads).Count(id => id != 0));
    }

    [Fact]
    public void A_crafted_chain_of_many_replies_neither_overflows_nor_takes_long()
    {
        const int count = 20_000;
        var messages = Enumerable.Range(1, count).Select(i => M(i, "Re: chain", $"<{i}@x>", i == 1 ? [] : [$"<{i - 1}@x>"])).ToList();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var threads = ImapThreading.References(messages);
        var w = new ImapWriter();
        w.Thread(threads);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
        Assert.Equal(count, Flatten(threads).Count(id => id != 0));

        // A deep branching tree written by the writer, also without recursion.
        var node = new ThreadNode(1, []);
        for (uint i = 2; i < 50_000; i++)
        {
            node = new ThreadNode(i, [new ThreadNode(0, [new ThreadNode(i + 1_000_000, [])]), node]);
        }

        var deep = new ImapWriter();
        deep.Thread([node]);
        Assert.True(deep.Length > 50_000);
    }

    private static IEnumerable<uint> Flatten(IEnumerable<ThreadNode> nodes)
    {
        var stack = new Stack<ThreadNode>(nodes);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            yield return n.Id;
            foreach (var c in n.Children)
            {
                stack.Push(c);
            }
        }
    }
}
