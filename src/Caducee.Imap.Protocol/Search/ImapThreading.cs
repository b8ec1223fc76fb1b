// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Search;

/// <summary>What THREAD needs of one message (from the cached envelope and headers; no storage access).</summary>
/// <param name="Id">The number to answer with: sequence number (THREAD) or UID (UID THREAD).</param>
/// <param name="SequenceNumber">The sequence number (ties are broken by it).</param>
/// <param name="SentDate">The sent date: the Date: header, or the internal date when it is absent or invalid (RFC 5256 §2.2).</param>
/// <param name="Subject">The Subject (decoded), or null.</param>
/// <param name="MessageId">The Message-ID ("&lt;x@y&gt;"), or null.</param>
/// <param name="References">The message-ids of References, in order; or, without References, the first of In-Reply-To (see <see cref="ImapThreading.MessageIds"/>).</param>
public sealed record ThreadMessage(uint Id, int SequenceNumber, DateTimeOffset SentDate, string? Subject, string? MessageId, IReadOnlyList<string> References);

/// <summary>
/// The THREAD algorithms of RFC 5256 §3: ORDEREDSUBJECT and REFERENCES (after Jamie Zawinski's
/// algorithm), producing the trees <see cref="ImapWriter.Thread"/> writes. No recursion (a crafted chain
/// of 100,000 replies cannot exhaust the stack), and the loop check walks at most
/// <see cref="MaxLoopCheck"/> ancestors, so the work stays near-linear.
/// </summary>
public static class ImapThreading
{
    /// <summary>A link is not made under a parent deeper than this (the walk that checks for loops stops here).</summary>
    public const int MaxLoopCheck = 1000;

    /// <summary>The message-ids ("&lt;…&gt;") in a References or In-Reply-To header value, in order.</summary>
    public static IReadOnlyList<string> MessageIds(string? headerValue)
    {
        var ids = new List<string>();
        if (string.IsNullOrEmpty(headerValue))
        {
            return ids;
        }

        var i = 0;
        while (i < headerValue.Length && ids.Count < 1000)
        {
            var open = headerValue.IndexOf('<', i);
            if (open < 0)
            {
                break;
            }

            var close = headerValue.IndexOf('>', open + 1);
            if (close < 0)
            {
                break;
            }

            var id = headerValue[open..(close + 1)];
            if (id.Length > 2 && id.Contains('@', StringComparison.Ordinal) && !id.AsSpan(1, id.Length - 2).ContainsAny(" <"))
            {
                ids.Add(id);
            }

            i = close + 1;
        }

        return ids;
    }

    /// <summary>
    /// ORDEREDSUBJECT (RFC 5256 §3): messages grouped by base subject; in each group the earliest message is
    /// the parent of the others, in date order; threads in order of their first message's date.
    /// </summary>
    public static List<ThreadNode> OrderedSubject(IEnumerable<ThreadMessage> messages)
    {
        var groups = messages
            .OrderBy(m => SortKeys.SubjectKey(m.Subject), StringComparer.Ordinal)
            .ThenBy(m => m.SentDate.UtcDateTime)
            .ThenBy(m => m.SequenceNumber)
            .GroupBy(m => SortKeys.SubjectKey(m.Subject), StringComparer.Ordinal)
            .Select(g => g.ToList())
            .OrderBy(g => g[0].SentDate.UtcDateTime)
            .ThenBy(g => g[0].SequenceNumber);
        return [.. groups.Select(g => new ThreadNode(g[0].Id, [.. g.Skip(1).Select(m => new ThreadNode(m.Id, []))]))];
    }

    /// <summary>REFERENCES (RFC 5256 §3): threads from Message-ID and References, then merged by base subject.</summary>
    public static List<ThreadNode> References(IEnumerable<ThreadMessage> messages)
    {
        var table = new Dictionary<string, Container>(StringComparer.Ordinal);
        var all = new List<Container>();
        Container Get(string id)
        {
            if (!table.TryGetValue(id, out var c))
            {
                c = new Container();
                table[id] = c;
                all.Add(c);
            }

            return c;
        }

        // (1) Link messages to their references.
        foreach (var message in messages.OrderBy(m => m.SequenceNumber))
        {
            var id = message.MessageId;
            if (id is null || (table.TryGetValue(id, out var existing) && existing.Message is not null))
            {
                // No Message-ID, or a duplicate: the message gets a unique one of its own.
                id = $"\0{message.SequenceNumber}";
            }

            var container = Get(id);
            container.Message = message;
            Container? previous = null;
            foreach (var reference in message.References)
            {
                var c = Get(reference);
                if (previous is not null && c.Parent is null && !WouldLoop(previous, c))
                {
                    Link(previous, c);
                }

                previous = c;
            }

            // The message's parent is its last reference; an earlier link is assumed bogus.
            container.Parent?.Children.Remove(container);
            container.Parent = null;
            if (previous is not null && !WouldLoop(previous, container))
            {
                Link(previous, container);
            }
        }

        // (2)-(4) Root set, dummies pruned.
        var roots = Prune(all.Where(c => c.Parent is null).ToList());
        SortAll(roots);

        // (5) Gather roots by base subject.
        var bySubject = new Dictionary<string, Container>(StringComparer.Ordinal);
        foreach (var c in roots)
        {
            var (key, isReply) = SubjectOf(c);
            if (key.Length == 0)
            {
                continue;
            }

            if (!bySubject.TryGetValue(key, out var old)
                || (c.Message is null && old.Message is not null)
                || (old.Message is not null && c.Message is not null && SubjectOf(old).IsReply && !isReply))
            {
                bySubject[key] = c;
            }
        }

        foreach (var c in roots.ToList())
        {
            var (key, isReply) = SubjectOf(c);
            if (key.Length == 0 || !bySubject.TryGetValue(key, out var t) || t == c || !roots.Contains(c))
            {
                continue;
            }

            if (t.Message is null && c.Message is null)
            {
                foreach (var child in c.Children)
                {
                    child.Parent = t;
                    t.Children.Add(child);
                }

                roots.Remove(c);
            }
            else if (t.Message is null)
            {
                roots.Remove(c);
                Link(t, c);
            }
            else if (c.Message is null)
            {
                roots.Remove(t);
                Link(c, t);
                bySubject[key] = c;
            }
            else if (isReply && !SubjectOf(t).IsReply)
            {
                roots.Remove(c);
                Link(t, c);
            }
            else
            {
                var dummy = new Container();
                roots[roots.IndexOf(t)] = dummy;
                roots.Remove(c);
                Link(dummy, t);
                Link(dummy, c);
                bySubject[key] = dummy;
            }
        }

        // (6) Sort again and answer.
        SortAll(roots);
        return ToNodes(roots);
    }

    private static void Link(Container parent, Container child)
    {
        child.Parent = parent;
        parent.Children.Add(child);
    }

    // Linking child under parent loops when the child is the parent or one of its ancestors; a parent
    // deeper than MaxLoopCheck is treated the same (no link), which bounds the walk.
    private static bool WouldLoop(Container parent, Container child)
    {
        var steps = 0;
        for (var p = parent; p is not null; p = p.Parent)
        {
            if (p == child || ++steps > MaxLoopCheck)
            {
                return true;
            }
        }

        return false;
    }

    // Every container under the roots, children before their parent (iterative post-order).
    private static List<Container> PostOrder(List<Container> roots)
    {
        var order = new List<Container>();
        var stack = new Stack<(Container Node, bool Expanded)>();
        for (var i = roots.Count - 1; i >= 0; i--)
        {
            stack.Push((roots[i], false));
        }

        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(node);
                continue;
            }

            stack.Push((node, true));
            for (var i = node.Children.Count - 1; i >= 0; i--)
            {
                stack.Push((node.Children[i], false));
            }
        }

        return order;
    }

    // Dummies without children go; a dummy's children take its place, except at the root when there are several.
    private static List<Container> Prune(List<Container> roots)
    {
        foreach (var c in PostOrder(roots))
        {
            var pruned = Promote([.. c.Children], c, isRoot: false);
            c.Children.Clear();
            c.Children.AddRange(pruned);
        }

        return Promote(roots, null, isRoot: true);
    }

    private static List<Container> Promote(List<Container> siblings, Container? parent, bool isRoot)
    {
        var result = new List<Container>(siblings.Count);
        foreach (var c in siblings)
        {
            if (c.Message is not null || (isRoot && c.Children.Count > 1))
            {
                result.Add(c);
                continue;
            }

            foreach (var child in c.Children)
            {
                child.Parent = parent;
                result.Add(child);
            }
        }

        return result;
    }

    private static void SortAll(List<Container> roots)
    {
        foreach (var c in PostOrder(roots))
        {
            c.Children.Sort(Compare);
        }

        roots.Sort(Compare);
    }

    private static int Compare(Container a, Container b)
    {
        var (ma, mb) = (FirstMessage(a), FirstMessage(b));
        var byDate = (ma?.SentDate.UtcDateTime ?? DateTime.MinValue).CompareTo(mb?.SentDate.UtcDateTime ?? DateTime.MinValue);
        return byDate != 0 ? byDate : (ma?.SequenceNumber ?? 0).CompareTo(mb?.SequenceNumber ?? 0);
    }

    private static List<ThreadNode> ToNodes(List<Container> roots)
    {
        var nodes = new Dictionary<Container, ThreadNode>();
        foreach (var c in PostOrder(roots))
        {
            nodes[c] = new ThreadNode(c.Message?.Id ?? 0, c.Children.ConvertAll(child => nodes[child]));
        }

        return roots.ConvertAll(r => nodes[r]);
    }

    private static ThreadMessage? FirstMessage(Container c)
    {
        while (c.Message is null && c.Children.Count > 0)
        {
            c = c.Children[0];
        }

        return c.Message;
    }

    private static (string Key, bool IsReply) SubjectOf(Container c)
    {
        var subject = BaseSubject.Extract(FirstMessage(c)?.Subject, out var isReply);
        return (ImapCollation.Key(subject), isReply);
    }

    private sealed class Container
    {
        public ThreadMessage? Message { get; set; }

        public Container? Parent { get; set; }

        public List<Container> Children { get; } = [];
    }
}
