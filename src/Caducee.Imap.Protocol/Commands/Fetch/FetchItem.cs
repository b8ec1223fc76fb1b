// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>The text part of a section spec (RFC 9051 §6.4.5).</summary>
public enum SectionText
{
    /// <summary>No text specifier: the whole message, or the body of part N.</summary>
    None,
    /// <summary>HEADER.</summary>
    Header,
    /// <summary>HEADER.FIELDS (list).</summary>
    HeaderFields,
    /// <summary>HEADER.FIELDS.NOT (list).</summary>
    HeaderFieldsNot,
    /// <summary>TEXT.</summary>
    Text,
    /// <summary>MIME (only after a part number).</summary>
    Mime,
}

/// <summary>
/// A section spec: part path, text specifier, header field names. Same shape as
/// <c>Caducee.Mime.Imap.ImapSection</c> (which the server builds from it to extract the bytes).
/// </summary>
/// <param name="Part">The part path (1-based numbers), empty for the whole message.</param>
/// <param name="Text">The text specifier.</param>
/// <param name="Fields">The header field names for HEADER.FIELDS[.NOT], as sent.</param>
public sealed record SectionSpec(IReadOnlyList<int> Part, SectionText Text, IReadOnlyList<string> Fields)
{
    /// <summary>The whole message: "[]".</summary>
    public static SectionSpec Whole { get; } = new([], SectionText.None, []);

    /// <summary>The spec as written between the brackets ("1.2.HEADER.FIELDS (FROM TO)").</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var n in Part)
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append(n.ToString(CultureInfo.InvariantCulture));
        }

        var text = Text switch
        {
            SectionText.Header => "HEADER",
            SectionText.HeaderFields => "HEADER.FIELDS",
            SectionText.HeaderFieldsNot => "HEADER.FIELDS.NOT",
            SectionText.Text => "TEXT",
            SectionText.Mime => "MIME",
            _ => null,
        };
        if (text is not null)
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append(text);
        }

        if (Text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
        {
            sb.Append(" (");
            for (var i = 0; i < Fields.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(' ');
                }

                AppendAstring(sb, Fields[i]);
            }

            sb.Append(')');
        }

        return sb.ToString();
    }

    private static void AppendAstring(StringBuilder sb, string value)
    {
        var atom = value.Length > 0 && value.All(c => c is > ' ' and < (char)127 and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));
        if (atom)
        {
            sb.Append(value);
            return;
        }

        sb.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }
}

/// <summary>A partial range &lt;start.length&gt; (length null when only the origin was given).</summary>
public readonly record struct FetchPartial(long Start, long? Length);

/// <summary>FETCH data items (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ, RFC 8514 SAVEDATE).</summary>
public enum FetchItemKind
{
    /// <summary>ENVELOPE.</summary>
    Envelope,
    /// <summary>FLAGS.</summary>
    Flags,
    /// <summary>INTERNALDATE.</summary>
    InternalDate,
    /// <summary>RFC822 (= BODY[], sets \Seen).</summary>
    Rfc822,
    /// <summary>RFC822.HEADER (= BODY.PEEK[HEADER]).</summary>
    Rfc822Header,
    /// <summary>RFC822.SIZE.</summary>
    Rfc822Size,
    /// <summary>RFC822.TEXT (= BODY[TEXT], sets \Seen).</summary>
    Rfc822Text,
    /// <summary>BODY: the non-extensible BODYSTRUCTURE.</summary>
    Body,
    /// <summary>BODYSTRUCTURE.</summary>
    BodyStructure,
    /// <summary>BODY[section]&lt;partial&gt; or BODY.PEEK[…].</summary>
    BodySection,
    /// <summary>BINARY[part]&lt;partial&gt; or BINARY.PEEK[…].</summary>
    BinarySection,
    /// <summary>BINARY.SIZE[part].</summary>
    BinarySize,
    /// <summary>UID.</summary>
    Uid,
    /// <summary>MODSEQ.</summary>
    ModSeq,
    /// <summary>SAVEDATE.</summary>
    SaveDate,
}

/// <summary>One FETCH data item.</summary>
/// <param name="Kind">What is asked.</param>
/// <param name="Section">The section for BODY[…], BINARY[…] and BINARY.SIZE[…].</param>
/// <param name="Partial">The partial range, if any.</param>
/// <param name="Peek">True for BODY.PEEK and BINARY.PEEK (\Seen not set).</param>
public sealed record FetchItem(FetchItemKind Kind, SectionSpec? Section = null, FetchPartial? Partial = null, bool Peek = false)
{
    /// <summary>True when fetching this item sets \Seen on a read-write mailbox (RFC 9051 §6.4.5).</summary>
    public bool SetsSeen => Kind is FetchItemKind.Rfc822 or FetchItemKind.Rfc822Text
        || (Kind is FetchItemKind.BodySection or FetchItemKind.BinarySection && !Peek);

    /// <summary>
    /// The name of this item in the FETCH response: "FLAGS", "RFC822.HEADER", "BODY[1.2]&lt;0&gt;" (BODY.PEEK
    /// answers as BODY; a partial answers with its origin only, RFC 9051 §7.5.2).
    /// </summary>
    public string ResponseName => Kind switch
    {
        FetchItemKind.Envelope => "ENVELOPE",
        FetchItemKind.Flags => "FLAGS",
        FetchItemKind.InternalDate => "INTERNALDATE",
        FetchItemKind.Rfc822 => "RFC822",
        FetchItemKind.Rfc822Header => "RFC822.HEADER",
        FetchItemKind.Rfc822Size => "RFC822.SIZE",
        FetchItemKind.Rfc822Text => "RFC822.TEXT",
        FetchItemKind.Body => "BODY",
        FetchItemKind.BodyStructure => "BODYSTRUCTURE",
        FetchItemKind.BodySection => $"BODY[{Section}]{Origin}",
        FetchItemKind.BinarySection => $"BINARY[{Section}]{Origin}",
        FetchItemKind.BinarySize => $"BINARY.SIZE[{Section}]",
        FetchItemKind.Uid => "UID",
        FetchItemKind.ModSeq => "MODSEQ",
        FetchItemKind.SaveDate => "SAVEDATE",
        _ => throw new InvalidOperationException("unknown fetch item"),
    };

    private string Origin => Partial is { } p ? string.Create(CultureInfo.InvariantCulture, $"<{p.Start}>") : string.Empty;
}
