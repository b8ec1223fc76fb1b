// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Responses;

/// <summary>A LIST/LSUB answer line.</summary>
/// <param name="Name">The mailbox name (decoded; encoded by the writer).</param>
/// <param name="Attributes">Name attributes as atoms ("\HasNoChildren", "\Sent", "\Subscribed", "\NonExistent"…).</param>
/// <param name="Delimiter">The hierarchy delimiter, or null for a flat name (NIL).</param>
/// <param name="ChildInfo">CHILDINFO extended data (RFC 5258 §4): the selection criteria its children match ("SUBSCRIBED").</param>
/// <param name="OldName">OLDNAME extended data (RFC 9051 §6.3.9.7): the name before a RENAME.</param>
public sealed record ListEntry(string Name, IReadOnlyList<string> Attributes, char? Delimiter, IReadOnlyList<string>? ChildInfo = null, string? OldName = null);

/// <summary>One resource of a QUOTA response (RFC 9208 §5.1).</summary>
public readonly record struct QuotaResource(string Name, long Usage, long Limit);

/// <summary>One namespace of a NAMESPACE response (RFC 2342): prefix and delimiter.</summary>
public readonly record struct NamespaceEntry(string Prefix, char? Delimiter);

/// <summary>A thread in a THREAD response (RFC 5256 §4): a message number or UID, or 0 for a dummy parent, with its children.</summary>
public sealed record ThreadNode(uint Id, IReadOnlyList<ThreadNode> Children);

/// <summary>Untagged data responses.</summary>
public sealed partial class ImapWriter
{
    /// <summary>"* n EXISTS".</summary>
    public ImapWriter Exists(int count) => Raw("* "u8).Number(count).Raw(" EXISTS\r\n"u8);

    /// <summary>"* n RECENT" (IMAP4rev1 only).</summary>
    public ImapWriter Recent(int count) => Raw("* "u8).Number(count).Raw(" RECENT\r\n"u8);

    /// <summary>"* n EXPUNGE" (the sequence number from <see cref="Selection.MessageSequenceMap.Expunge"/>).</summary>
    public ImapWriter Expunge(int sequenceNumber) => Raw("* "u8).Number(sequenceNumber).Raw(" EXPUNGE\r\n"u8);

    /// <summary>"* VANISHED [(EARLIER)] uid-set" (RFC 7162 §3.2.10) for QRESYNC sessions; nothing when the set is empty.</summary>
    public ImapWriter Vanished(IEnumerable<uint> uids, bool earlier)
    {
        var set = SequenceSet.Format(uids);
        if (set.Length == 0)
        {
            return this;
        }

        return Raw(earlier ? "* VANISHED (EARLIER) "u8 : "* VANISHED "u8).Raw(set).Raw("\r\n"u8);
    }

    /// <summary>"* FLAGS (…)": the flags defined in the mailbox.</summary>
    public ImapWriter FlagsResponse(ImapSystemFlags flags, IEnumerable<string> keywords) =>
        Raw("* FLAGS "u8).Flags(flags & ~ImapSystemFlags.Recent, keywords).Raw("\r\n"u8);

    /// <summary>"* CAPABILITY …".</summary>
    public ImapWriter Capability(IEnumerable<string> capabilities)
    {
        Raw("* CAPABILITY"u8);
        foreach (var c in capabilities)
        {
            Raw(" "u8).Atom(c);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* ENABLED …" (RFC 5161): the capabilities actually enabled by this command.</summary>
    public ImapWriter Enabled(IEnumerable<string> capabilities)
    {
        Raw("* ENABLED"u8);
        foreach (var c in capabilities)
        {
            Raw(" "u8).Atom(c);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* LIST (attributes) "/" name [(extended data)]".</summary>
    public ImapWriter List(ListEntry entry) => ListLine("* LIST "u8, entry);

    /// <summary>"* LSUB (attributes) "/" name".</summary>
    public ImapWriter Lsub(ListEntry entry) => ListLine("* LSUB "u8, entry);

    /// <summary>"* STATUS name (ITEM n …)"; a null value is written NIL (APPENDLIMIT without limit).</summary>
    public ImapWriter Status(string mailbox, IEnumerable<KeyValuePair<StatusItem, long?>> values)
    {
        Raw("* STATUS "u8).Mailbox(mailbox).Raw(" ("u8);
        var first = true;
        foreach (var (item, value) in values)
        {
            Separator(ref first).Raw(StatusCommand.ItemName(item)).Raw(" "u8);
            if (value is long v)
            {
                Number(v);
            }
            else
            {
                Nil();
            }
        }

        return Raw(")\r\n"u8);
    }

    /// <summary>"* SEARCH n n … [(MODSEQ m)]" (IMAP4rev1 form; RFC 7162 §3.1.5 adds MODSEQ when the criteria used it).</summary>
    public ImapWriter Search(IEnumerable<uint> numbers, long? highestModSeq = null)
    {
        Raw("* SEARCH"u8);
        var any = false;
        foreach (var n in numbers)
        {
            Raw(" "u8).Number(n);
            any = true;
        }

        if (highestModSeq is long m && any)
        {
            Raw(" (MODSEQ "u8).Number(m).Raw(")"u8);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>
    /// "* ESEARCH (TAG "t") [UID] MIN n MAX n COUNT n ALL set [MODSEQ m]" (RFC 4731, RFC 9051 §7.3.4):
    /// only the options asked for; MIN, MAX and ALL are left out when nothing matched. <paramref name="matches"/>
    /// are sequence numbers or UIDs, in any order. SAVE alone answers nothing (RFC 5182 §2.4): call this only
    /// when another option is set.
    /// </summary>
    public ImapWriter ESearch(string tag, bool uid, SearchReturnOptions options, IReadOnlyCollection<uint> matches, long? highestModSeq = null)
    {
        Raw("* ESEARCH (TAG "u8).String(tag).Raw(")"u8);
        if (uid)
        {
            Raw(" UID"u8);
        }

        if (matches.Count > 0)
        {
            if ((options & SearchReturnOptions.Min) != 0)
            {
                Raw(" MIN "u8).Number(matches.Min());
            }

            if ((options & SearchReturnOptions.Max) != 0)
            {
                Raw(" MAX "u8).Number(matches.Max());
            }
        }

        if ((options & SearchReturnOptions.Count) != 0)
        {
            Raw(" COUNT "u8).Number(matches.Count);
        }

        if ((options & SearchReturnOptions.All) != 0 && matches.Count > 0)
        {
            Raw(" ALL "u8).Raw(SequenceSet.Format(matches));
        }

        if (highestModSeq is long m && matches.Count > 0)
        {
            Raw(" MODSEQ "u8).Number(m);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* SORT n n …" (RFC 5256 §4), in sorted order.</summary>
    public ImapWriter Sort(IEnumerable<uint> numbers, long? highestModSeq = null)
    {
        Raw("* SORT"u8);
        var any = false;
        foreach (var n in numbers)
        {
            Raw(" "u8).Number(n);
            any = true;
        }

        if (highestModSeq is long m && any)
        {
            Raw(" (MODSEQ "u8).Number(m).Raw(")"u8);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* THREAD (2)(3 6 (4 23)(44 7 96))" (RFC 5256 §4).</summary>
    public ImapWriter Thread(IEnumerable<ThreadNode> threads)
    {
        Raw("* THREAD"u8);
        var first = true;
        foreach (var thread in threads)
        {
            if (first)
            {
                Raw(" "u8);
                first = false;
            }

            Raw("("u8);
            ThreadMembers(thread);
            Raw(")"u8);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* QUOTA root (RESOURCE usage limit …)" (RFC 9208 §5.1).</summary>
    public ImapWriter Quota(string root, IEnumerable<QuotaResource> resources)
    {
        Raw("* QUOTA "u8).AString(root).Raw(" ("u8);
        var first = true;
        foreach (var r in resources)
        {
            Separator(ref first).Atom(r.Name).Raw(" "u8).Number(r.Usage).Raw(" "u8).Number(r.Limit);
        }

        return Raw(")\r\n"u8);
    }

    /// <summary>"* QUOTAROOT mailbox root …" (RFC 9208 §5.2).</summary>
    public ImapWriter QuotaRoot(string mailbox, IEnumerable<string> roots)
    {
        Raw("* QUOTAROOT "u8).Mailbox(mailbox);
        foreach (var root in roots)
        {
            Raw(" "u8).AString(root);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* ACL mailbox identifier rights …" (RFC 4314 §3.6).</summary>
    public ImapWriter Acl(string mailbox, IEnumerable<KeyValuePair<string, string>> entries)
    {
        Raw("* ACL "u8).Mailbox(mailbox);
        foreach (var (identifier, rights) in entries)
        {
            Raw(" "u8).AString(identifier).Raw(" "u8).AString(rights);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* LISTRIGHTS mailbox identifier required optional…" (RFC 4314 §3.7); required may be empty ("").</summary>
    public ImapWriter ListRights(string mailbox, string identifier, string required, IEnumerable<string> optional)
    {
        Raw("* LISTRIGHTS "u8).Mailbox(mailbox).Raw(" "u8).AString(identifier).Raw(" "u8).AString(required);
        foreach (var group in optional)
        {
            Raw(" "u8).AString(group);
        }

        return Raw("\r\n"u8);
    }

    /// <summary>"* MYRIGHTS mailbox rights" (RFC 4314 §3.8).</summary>
    public ImapWriter MyRights(string mailbox, string rights) => Raw("* MYRIGHTS "u8).Mailbox(mailbox).Raw(" "u8).AString(rights).Raw("\r\n"u8);

    /// <summary>"* NAMESPACE personal other shared" (RFC 2342, RFC 9051 §6.3.10): each NIL or a list of (prefix delimiter).</summary>
    public ImapWriter Namespace(IReadOnlyList<NamespaceEntry>? personal, IReadOnlyList<NamespaceEntry>? otherUsers, IReadOnlyList<NamespaceEntry>? shared)
    {
        Raw("* NAMESPACE "u8);
        NamespaceList(personal).Raw(" "u8);
        NamespaceList(otherUsers).Raw(" "u8);
        return NamespaceList(shared).Raw("\r\n"u8);
    }

    /// <summary>"* ID ("name" "value" …)" or "* ID NIL" (RFC 2971).</summary>
    public ImapWriter Id(IEnumerable<KeyValuePair<string, string?>>? fields)
    {
        Raw("* ID "u8);
        if (fields is null)
        {
            return Raw("NIL\r\n"u8);
        }

        Raw("("u8);
        var first = true;
        foreach (var (name, value) in fields)
        {
            Separator(ref first).String(name).Raw(" "u8).NString(value);
        }

        return Raw(")\r\n"u8);
    }

    /// <summary>"* METADATA mailbox (entry value …)" (RFC 5464 §4.4.1); a null value is NIL.</summary>
    public ImapWriter Metadata(string mailbox, IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>?>> entries)
    {
        Raw("* METADATA "u8).Mailbox(mailbox).Raw(" ("u8);
        var first = true;
        foreach (var (entry, value) in entries)
        {
            Separator(ref first).AString(entry).Raw(" "u8);
            if (value is { } v)
            {
                Binary(v.Span);
            }
            else
            {
                Nil();
            }
        }

        return Raw(")\r\n"u8);
    }

    /// <summary>Starts "* n FETCH (" — add items, then <see cref="FetchResponseWriter.End"/>.</summary>
    public FetchResponseWriter BeginFetch(int sequenceNumber)
    {
        Raw("* "u8).Number(sequenceNumber).Raw(" FETCH ("u8);
        return new FetchResponseWriter(this);
    }

    /// <summary>Binary data: a literal8 when it holds NUL, a literal otherwise.</summary>
    internal ImapWriter Binary(ReadOnlySpan<byte> data) => data.Contains((byte)0) ? Literal8(data) : Literal(data);

    private ImapWriter ListLine(ReadOnlySpan<byte> prefix, ListEntry entry)
    {
        Raw(prefix).Raw("("u8);
        var first = true;
        foreach (var a in entry.Attributes)
        {
            Separator(ref first).Atom(a);
        }

        Raw(") "u8);
        if (entry.Delimiter is char d)
        {
            Raw(d is '"' or '\\' ? $"\"\\{d}\"" : $"\"{d}\"");
        }
        else
        {
            Nil();
        }

        Raw(" "u8).Mailbox(entry.Name);
        if (entry.ChildInfo is { Count: > 0 } || entry.OldName is not null)
        {
            Raw(" ("u8);
            var firstExt = true;
            if (entry.ChildInfo is { Count: > 0 } info)
            {
                Separator(ref firstExt).Raw("\"CHILDINFO\" ("u8);
                var firstInfo = true;
                foreach (var i in info)
                {
                    Separator(ref firstInfo).Quoted(i);
                }

                Raw(")"u8);
            }

            if (entry.OldName is not null)
            {
                Separator(ref firstExt).Raw("\"OLDNAME\" ("u8).Mailbox(entry.OldName).Raw(")"u8);
            }

            Raw(")"u8);
        }

        return Raw("\r\n"u8);
    }

    private ImapWriter NamespaceList(IReadOnlyList<NamespaceEntry>? list)
    {
        if (list is null || list.Count == 0)
        {
            return Nil();
        }

        Raw("("u8);
        foreach (var ns in list)
        {
            Raw("("u8).Mailbox(ns.Prefix).Raw(" "u8);
            if (ns.Delimiter is char d)
            {
                Raw(d is '"' or '\\' ? $"\"\\{d}\"" : $"\"{d}\"");
            }
            else
            {
                Nil();
            }

            Raw(")"u8);
        }

        return Raw(")"u8);
    }

    // thread-members = nz-number *(SP nz-number) [SP thread-nested] ; thread-nested = 2*thread-list
    // A chain of single children is one list; a branch opens one nested list per child; a dummy (Id 0)
    // writes only its children. Iterative: a crafted deep thread cannot exhaust the stack.
    private void ThreadMembers(ThreadNode root)
    {
        var pending = new Stack<(ThreadNode? Node, byte Literal)>();
        pending.Push((root, 0));
        while (pending.Count > 0)
        {
            var (node, literal) = pending.Pop();
            if (node is null)
            {
                Raw(literal == (byte)'(' ? "("u8 : ")"u8);
                continue;
            }

            var current = node;
            var wroteNumber = false;
            while (true)
            {
                if (current.Id != 0)
                {
                    if (wroteNumber)
                    {
                        Raw(" "u8);
                    }

                    Number(current.Id);
                    wroteNumber = true;
                }

                if (current.Children.Count == 1 && current.Id != 0)
                {
                    current = current.Children[0];
                    continue;
                }

                break;
            }

            if (current.Children.Count > 0)
            {
                if (wroteNumber)
                {
                    Raw(" "u8);
                }

                for (var i = current.Children.Count - 1; i >= 0; i--)
                {
                    pending.Push((null, (byte)')'));
                    pending.Push((current.Children[i], 0));
                    pending.Push((null, (byte)'('));
                }
            }
        }
    }
}
