// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;

namespace Caducee.Mime.Imap;

/// <summary>The text part of a section spec (RFC 9051 §6.4.5).</summary>
public enum ImapSectionText
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

/// <summary>A parsed section spec: part path, text specifier, field list, and optional partial range.</summary>
public sealed record ImapSection(IReadOnlyList<int> Part, ImapSectionText Text, IReadOnlyList<string> Fields, long? PartialStart = null, long? PartialLength = null)
{
    /// <summary>The whole message: BODY[].</summary>
    public static ImapSection Whole { get; } = new([], ImapSectionText.None, []);

    /// <summary>
    /// Parses the text between the brackets ("1.2.HEADER.FIELDS (FROM TO)", "TEXT", "") and an optional
    /// partial "&lt;n.m&gt;" (or "&lt;n&gt;") given apart. Returns false on bad syntax.
    /// </summary>
    public static bool TryParse(string section, string? partial, out ImapSection result)
    {
        result = Whole;
        var parts = new List<int>();
        string s = section.Trim();
        int pos = 0;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            int st = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            if (!int.TryParse(s.AsSpan(st, pos - st), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n == 0)
            {
                return false;
            }

            parts.Add(n);
            if (pos < s.Length && s[pos] == '.')
            {
                pos++;
                if (pos == s.Length)
                {
                    return false;
                }
            }
            else
            {
                break;
            }
        }

        string rest = s[pos..];
        ImapSectionText text;
        var fields = new List<string>();
        if (rest.Length == 0)
        {
            text = ImapSectionText.None;
        }
        else if (rest.Equals("HEADER", StringComparison.OrdinalIgnoreCase))
        {
            text = ImapSectionText.Header;
        }
        else if (rest.Equals("TEXT", StringComparison.OrdinalIgnoreCase))
        {
            text = ImapSectionText.Text;
        }
        else if (rest.Equals("MIME", StringComparison.OrdinalIgnoreCase))
        {
            if (parts.Count == 0)
            {
                return false;
            }

            text = ImapSectionText.Mime;
        }
        else if (rest.StartsWith("HEADER.FIELDS", StringComparison.OrdinalIgnoreCase))
        {
            string after = rest["HEADER.FIELDS".Length..];
            text = ImapSectionText.HeaderFields;
            if (after.StartsWith(".NOT", StringComparison.OrdinalIgnoreCase))
            {
                text = ImapSectionText.HeaderFieldsNot;
                after = after[4..];
            }

            after = after.Trim();
            if (after.Length < 2 || after[0] != '(' || after[^1] != ')')
            {
                return false;
            }

            foreach (string f in after[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                fields.Add(f.Trim('"'));
            }

            if (fields.Count == 0)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        long? start = null, length = null;
        if (!string.IsNullOrEmpty(partial))
        {
            string p = partial.Trim().TrimStart('<').TrimEnd('>');
            string[] nm = p.Split('.');
            if (nm.Length is < 1 or > 2 || !long.TryParse(nm[0], NumberStyles.None, CultureInfo.InvariantCulture, out long a))
            {
                return false;
            }

            start = a;
            if (nm.Length == 2)
            {
                if (!long.TryParse(nm[1], NumberStyles.None, CultureInfo.InvariantCulture, out long b) || b == 0)
                {
                    return false;
                }

                length = b;
            }
        }

        result = new ImapSection(parts, text, fields, start, length);
        return true;
    }
}

/// <summary>FETCH data items computed from offsets: BODY[section], BINARY[section] (RFC 3516), BINARY.SIZE, RFC822.SIZE.</summary>
public static class ImapFetch
{
    /// <summary>RFC822.SIZE: the stored size in octets.</summary>
    public static long Rfc822Size(MimeMessage message) => message.Raw.Length;

    /// <summary>
    /// Finds the entity a part path designates (RFC 9051 §6.4.5): numbers index multipart children;
    /// a non-multipart entity only has part 1 (itself); after a message/rfc822 part, numbers index its
    /// encapsulated message. An empty path is the message. Returns null when the part does not exist.
    /// </summary>
    public static MimePart? Resolve(MimeMessage message, IReadOnlyList<int> path)
    {
        MimePart e = message.Root;
        for (int i = 0; i < path.Count; i++)
        {
            int n = path[i];
            if (e.IsMultipart)
            {
                if (n < 1 || n > e.Children.Count)
                {
                    return null;
                }

                e = e.Children[n - 1];
            }
            else if (n != 1)
            {
                return null;
            }

            if (i + 1 < path.Count && e.Message is not null)
            {
                e = e.Message;
            }
        }

        return e;
    }

    /// <summary>
    /// The bytes of BODY[section]&lt;partial&gt;. Null when the part does not exist. Ranges of the
    /// stored message are returned as slices (no copy); HEADER.FIELDS builds a new buffer.
    /// </summary>
    public static ReadOnlyMemory<byte>? GetBody(MimeMessage message, ImapSection section)
    {
        MimePart? e = Resolve(message, section.Part);
        if (e is null)
        {
            return null;
        }

        bool nested = section.Part.Count > 0;
        ReadOnlyMemory<byte> raw = message.Raw;
        ReadOnlyMemory<byte> bytes;
        switch (section.Text)
        {
            case ImapSectionText.None:
                bytes = nested ? e.RawBody : raw;
                break;
            case ImapSectionText.Mime:
                bytes = e.RawHeaders;
                break;
            default:
                MimePart? m = nested ? e.Message : e;
                if (m is null)
                {
                    bytes = ReadOnlyMemory<byte>.Empty;
                    break;
                }

                bytes = section.Text switch
                {
                    ImapSectionText.Header => m.RawHeaders,
                    ImapSectionText.Text => m.RawBody,
                    _ => HeaderFields(m, section.Fields, section.Text == ImapSectionText.HeaderFieldsNot),
                };
                break;
        }

        return Partial(bytes, section);
    }

    /// <summary>
    /// BINARY[section]&lt;partial&gt; (RFC 3516): the content of a leaf part with its transfer encoding
    /// undone. Null when the part does not exist or is not a leaf (BINARY applies to leaves only).
    /// </summary>
    /// <remarks>
    /// A part whose Content-Transfer-Encoding is unknown is returned as is; RFC 3516 §4.3 wants the
    /// server to answer NO [UNKNOWN-CTE] instead, so check
    /// <c>Resolve(message, part)?.TransferEncoding == MimeTransferEncoding.Unknown</c> first.
    /// </remarks>
    public static ReadOnlyMemory<byte>? GetBinary(MimeMessage message, ImapSection section)
    {
        if (section.Text != ImapSectionText.None)
        {
            return GetBody(message, section);
        }

        MimePart? e = Resolve(message, section.Part);
        if (e is null || e.IsMultipart)
        {
            return null;
        }

        if (section.Part.Count == 0)
        {
            return Partial(message.Raw, section);
        }

        return Partial(MimeContent.Decode(e), section);
    }

    /// <summary>BINARY.SIZE[section]: the decoded size of a leaf part, or null.</summary>
    public static long? GetBinarySize(MimeMessage message, IReadOnlyList<int> part)
    {
        MimePart? e = Resolve(message, part);
        if (e is null || e.IsMultipart)
        {
            return null;
        }

        return part.Count == 0 ? message.Raw.Length : MimeContent.GetDecodedLength(e);
    }

    private static ReadOnlyMemory<byte> Partial(ReadOnlyMemory<byte> bytes, ImapSection s)
    {
        if (s.PartialStart is not long start)
        {
            return bytes;
        }

        if (start >= bytes.Length)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        long len = Math.Min(s.PartialLength ?? long.MaxValue, bytes.Length - start);
        return bytes.Slice((int)start, (int)len);
    }

    // HEADER.FIELDS: the matching fields as they came, then the blank line (RFC 9051 §6.4.5).
    private static ReadOnlyMemory<byte> HeaderFields(MimePart m, IReadOnlyList<string> names, bool not)
    {
        var w = new ArrayBufferWriter<byte>();
        foreach (MimeHeader h in m.Headers)
        {
            bool listed = false;
            foreach (string n in names)
            {
                if (h.NameIs(n))
                {
                    listed = true;
                    break;
                }
            }

            if (listed != not)
            {
                ReadOnlySpan<byte> f = h.RawField.Span;
                w.Write(f);
                if (f.Length == 0 || f[^1] != (byte)'\n')
                {
                    w.Write("\r\n"u8);
                }
            }
        }

        w.Write("\r\n"u8);
        return w.WrittenMemory;
    }
}
