// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Responses;

/// <summary>
/// A response code, the bracketed part of a status response (RFC 9051 §7.1, RFC 5530, RFC 4315, RFC 7162,
/// RFC 6154, RFC 4978, RFC 5464, RFC 3516). Built only by the factories below, so it always is valid syntax.
/// </summary>
public sealed class ResponseCode
{
    private ResponseCode(string text)
    {
        Text = text;
    }

    /// <summary>The code as written between the brackets ("COPYUID 38505 304,319:320 3956:3958").</summary>
    public string Text { get; }

    /// <summary>The atom ("COPYUID").</summary>
    public string Name => Text.Split(' ', 2)[0];

    /// <summary>ALERT: show the text to the user.</summary>
    public static ResponseCode Alert { get; } = new("ALERT");

    /// <summary>ALREADYEXISTS (RFC 5530).</summary>
    public static ResponseCode AlreadyExists { get; } = new("ALREADYEXISTS");

    /// <summary>AUTHENTICATIONFAILED (RFC 5530).</summary>
    public static ResponseCode AuthenticationFailed { get; } = new("AUTHENTICATIONFAILED");

    /// <summary>AUTHORIZATIONFAILED (RFC 5530).</summary>
    public static ResponseCode AuthorizationFailed { get; } = new("AUTHORIZATIONFAILED");

    /// <summary>CANNOT (RFC 5530): the operation violates some invariant of the server.</summary>
    public static ResponseCode Cannot { get; } = new("CANNOT");

    /// <summary>CLIENTBUG (RFC 5530).</summary>
    public static ResponseCode ClientBug { get; } = new("CLIENTBUG");

    /// <summary>CLOSED (RFC 7162 §3.2.11): the previous mailbox is closed (sent when SELECT replaces a selection).</summary>
    public static ResponseCode Closed { get; } = new("CLOSED");

    /// <summary>COMPRESSIONACTIVE (RFC 4978).</summary>
    public static ResponseCode CompressionActive { get; } = new("COMPRESSIONACTIVE");

    /// <summary>CONTACTADMIN (RFC 5530).</summary>
    public static ResponseCode ContactAdmin { get; } = new("CONTACTADMIN");

    /// <summary>CORRUPTION (RFC 5530).</summary>
    public static ResponseCode Corruption { get; } = new("CORRUPTION");

    /// <summary>EXPIRED (RFC 5530).</summary>
    public static ResponseCode Expired { get; } = new("EXPIRED");

    /// <summary>EXPUNGEISSUED (RFC 5530).</summary>
    public static ResponseCode ExpungeIssued { get; } = new("EXPUNGEISSUED");

    /// <summary>HASCHILDREN (RFC 9051): DELETE of a mailbox with children.</summary>
    public static ResponseCode HasChildren { get; } = new("HASCHILDREN");

    /// <summary>INUSE (RFC 5530).</summary>
    public static ResponseCode InUse { get; } = new("INUSE");

    /// <summary>LIMIT (RFC 5530).</summary>
    public static ResponseCode Limit { get; } = new("LIMIT");

    /// <summary>NOMODSEQ (RFC 7162): the mailbox does not keep mod-sequences.</summary>
    public static ResponseCode NoModSeq { get; } = new("NOMODSEQ");

    /// <summary>NONEXISTENT (RFC 5530).</summary>
    public static ResponseCode NonExistent { get; } = new("NONEXISTENT");

    /// <summary>NOPERM (RFC 5530).</summary>
    public static ResponseCode NoPerm { get; } = new("NOPERM");

    /// <summary>NOTSAVED (RFC 5182): the search result could not be saved.</summary>
    public static ResponseCode NotSaved { get; } = new("NOTSAVED");

    /// <summary>OVERQUOTA (RFC 5530).</summary>
    public static ResponseCode OverQuota { get; } = new("OVERQUOTA");

    /// <summary>PARSE: the message could not be parsed.</summary>
    public static ResponseCode Parse { get; } = new("PARSE");

    /// <summary>PRIVACYREQUIRED (RFC 5530): TLS first.</summary>
    public static ResponseCode PrivacyRequired { get; } = new("PRIVACYREQUIRED");

    /// <summary>READ-ONLY.</summary>
    public static ResponseCode ReadOnly { get; } = new("READ-ONLY");

    /// <summary>READ-WRITE.</summary>
    public static ResponseCode ReadWrite { get; } = new("READ-WRITE");

    /// <summary>SERVERBUG (RFC 5530).</summary>
    public static ResponseCode ServerBug { get; } = new("SERVERBUG");

    /// <summary>TOOBIG (RFC 7889, RFC 4469).</summary>
    public static ResponseCode TooBig { get; } = new("TOOBIG");

    /// <summary>TRYCREATE: the destination mailbox does not exist.</summary>
    public static ResponseCode TryCreate { get; } = new("TRYCREATE");

    /// <summary>UIDNOTSTICKY (RFC 4315).</summary>
    public static ResponseCode UidNotSticky { get; } = new("UIDNOTSTICKY");

    /// <summary>UNAVAILABLE (RFC 5530): temporary failure.</summary>
    public static ResponseCode Unavailable { get; } = new("UNAVAILABLE");

    /// <summary>UNKNOWN-CTE (RFC 3516): BINARY on an unknown transfer encoding.</summary>
    public static ResponseCode UnknownCte { get; } = new("UNKNOWN-CTE");

    /// <summary>USEATTR (RFC 6154): the special-use attribute cannot be set.</summary>
    public static ResponseCode UseAttr { get; } = new("USEATTR");

    /// <summary>METADATA TOOMANY (RFC 5464).</summary>
    public static ResponseCode MetadataTooMany { get; } = new("METADATA TOOMANY");

    /// <summary>METADATA NOPRIVATE (RFC 5464).</summary>
    public static ResponseCode MetadataNoPrivate { get; } = new("METADATA NOPRIVATE");

    /// <summary>UIDNEXT n.</summary>
    public static ResponseCode UidNext(uint next) => new($"UIDNEXT {N(next)}");

    /// <summary>UIDVALIDITY n.</summary>
    public static ResponseCode UidValidity(uint validity) => new($"UIDVALIDITY {N(validity)}");

    /// <summary>UNSEEN n: the first unseen message (IMAP4rev1).</summary>
    public static ResponseCode Unseen(int sequenceNumber) => new($"UNSEEN {N(sequenceNumber)}");

    /// <summary>HIGHESTMODSEQ n (RFC 7162).</summary>
    public static ResponseCode HighestModSeq(long modSeq) => new($"HIGHESTMODSEQ {N(modSeq)}");

    /// <summary>APPENDUID uidvalidity uid-set (RFC 4315; a set for MULTIAPPEND).</summary>
    public static ResponseCode AppendUid(uint uidValidity, IReadOnlyList<uint> uids) => new($"APPENDUID {N(uidValidity)} {SequenceSet.FormatOrdered(uids)}");

    /// <summary>COPYUID uidvalidity source-set destination-set (RFC 4315): the two lists correspond element by element.</summary>
    public static ResponseCode CopyUid(uint uidValidity, IReadOnlyList<uint> source, IReadOnlyList<uint> destination)
    {
        if (source.Count != destination.Count || source.Count == 0)
        {
            throw new ArgumentException("COPYUID needs as many destination UIDs as source UIDs, at least one");
        }

        return new($"COPYUID {N(uidValidity)} {SequenceSet.FormatOrdered(source)} {SequenceSet.FormatOrdered(destination)}");
    }

    /// <summary>MODIFIED set (RFC 7162 §3.1.3): the messages STORE UNCHANGEDSINCE did not change.</summary>
    public static ResponseCode Modified(IEnumerable<uint> numbers) => new($"MODIFIED {SequenceSet.Format(numbers)}");

    /// <summary>CAPABILITY list (in a greeting or a tagged OK).</summary>
    public static ResponseCode Capability(IEnumerable<string> capabilities) => new("CAPABILITY " + string.Join(' ', capabilities.Select(Atom)));

    /// <summary>PERMANENTFLAGS (flags) — with "\*" when new keywords may be created.</summary>
    public static ResponseCode PermanentFlags(ImapSystemFlags flags, IEnumerable<string> keywords, bool canCreateKeywords)
    {
        var list = FlagList.Each(flags & ~ImapSystemFlags.Recent).Select(FlagList.Name).Concat(keywords.Select(Atom));
        if (canCreateKeywords)
        {
            list = list.Append("\\*");
        }

        return new($"PERMANENTFLAGS ({string.Join(' ', list)})");
    }

    /// <summary>BADCHARSET (charsets).</summary>
    public static ResponseCode BadCharset(IEnumerable<string> supported) => new($"BADCHARSET ({string.Join(' ', supported.Select(Atom))})");

    /// <summary>METADATA LONGENTRIES n (RFC 5464).</summary>
    public static ResponseCode MetadataLongEntries(long size) => new($"METADATA LONGENTRIES {N(size)}");

    /// <summary>METADATA MAXSIZE n (RFC 5464).</summary>
    public static ResponseCode MetadataMaxSize(long size) => new($"METADATA MAXSIZE {N(size)}");

    /// <summary>A code without arguments not listed above, by its atom ("X-FOO").</summary>
    public static ResponseCode Of(string atom)
    {
        if (atom.Length == 0 || !atom.All(c => c is > ' ' and < (char)127 and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']' or '[')))
        {
            throw new ArgumentException("a response code is an atom", nameof(atom));
        }

        return new(atom.ToUpperInvariant());
    }

    /// <summary>"[TEXT]".</summary>
    public override string ToString() => $"[{Text}]";

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Atom(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is > ' ' and < (char)127 and not ('(' or ')' or '{' or '"' or ']' or '['))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
