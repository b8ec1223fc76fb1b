// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>
/// One entity of the parsed tree: a message, a multipart or a leaf. Immutable; every range is a byte
/// offset into the message the tree was parsed from (nothing is copied). For an entity,
/// [<see cref="HeaderStart"/>, <see cref="HeaderEnd"/>) are the header fields,
/// [<see cref="HeaderEnd"/>, <see cref="BodyStart"/>) the blank separator line, and
/// [<see cref="BodyStart"/>, <see cref="BodyEnd"/>) the body (for a part of a multipart, the line break
/// before the next boundary belongs to the boundary, RFC 2046 §5.1.1).
/// </summary>
public sealed class MimePart
{
    private static readonly MimePart[] s_noChildren = [];
    private static readonly MimeDefect[] s_noDefects = [];
    private readonly ReadOnlyMemory<byte> _message;
    private readonly HeaderField[] _fields;
    private readonly int _dispositionField;
    private MimeHeaderList? _headers;
    private MimeContentDisposition? _disposition;
    private readonly bool _isMultipart;

    internal MimePart(
        ReadOnlyMemory<byte> message,
        int depth,
        int headerStart,
        int headerEnd,
        int bodyStart,
        int bodyEnd,
        HeaderField[] fields,
        MimeContentType contentType,
        int dispositionField,
        MimeTransferEncoding transferEncoding,
        MimePart[]? children,
        MimePart? message2,
        MimeDefect[]? defects)
    {
        _message = message;
        Depth = depth;
        HeaderStart = headerStart;
        HeaderEnd = headerEnd;
        BodyStart = bodyStart;
        BodyEnd = bodyEnd;
        _fields = fields;
        ContentType = contentType;
        _dispositionField = dispositionField;
        TransferEncoding = transferEncoding;
        _isMultipart = children is not null;
        Children = children ?? s_noChildren;
        Message = message2;
        Defects = defects ?? s_noDefects;
    }

    /// <summary>Nesting level: 0 for the top-level message.</summary>
    public int Depth { get; }

    /// <summary>Offset of the first header field.</summary>
    public int HeaderStart { get; }

    /// <summary>Offset just after the last header field (start of the blank line, if any).</summary>
    public int HeaderEnd { get; }

    /// <summary>Offset of the first body byte (after the blank line).</summary>
    public int BodyStart { get; }

    /// <summary>Offset just after the last body byte.</summary>
    public int BodyEnd { get; }

    /// <summary>The header fields of this entity.</summary>
    public MimeHeaderList Headers => _headers ??= new MimeHeaderList(_message, _fields);

    /// <summary>The Content-Type, or the RFC 2045 default (text/plain; message/rfc822 inside multipart/digest).</summary>
    public MimeContentType ContentType { get; }

    /// <summary>The Content-Disposition (parsed on first use), or null.</summary>
    public MimeContentDisposition? ContentDisposition
    {
        get
        {
            if (_disposition is null && _dispositionField >= 0)
            {
                HeaderField f = _fields[_dispositionField];
                _disposition = MimeContentDisposition.Parse(HeaderText.Unfold(_message.Span[f.ValueStart..f.End]));
            }

            return _disposition;
        }
    }

    /// <summary>The Content-Transfer-Encoding (7bit when absent).</summary>
    public MimeTransferEncoding TransferEncoding { get; }

    /// <summary>The Content-Transfer-Encoding value as written (unfolded), or null.</summary>
    public string? RawTransferEncoding => Headers.GetUnfolded("Content-Transfer-Encoding");

    /// <summary>The parts of a multipart, in order; empty for leaves.</summary>
    public IReadOnlyList<MimePart> Children { get; }

    /// <summary>For message/rfc822 (and message/global), the encapsulated message; otherwise null.</summary>
    public MimePart? Message { get; }

    /// <summary>The oddities recorded while parsing this entity (not its children).</summary>
    public IReadOnlyList<MimeDefect> Defects { get; }

    /// <summary>True when this is a multipart whose body was split on its boundary (it may still have no children); false for multiparts kept as leaves (no boundary, depth limit).</summary>
    public bool IsMultipart => _isMultipart;

    /// <summary>The charset parameter, or null.</summary>
    public string? Charset => ContentType.Charset;

    /// <summary>The decoded attachment filename: Content-Disposition filename, else Content-Type name, trimmed; or null.</summary>
    public string? FileName
    {
        get
        {
            string? f = ContentDisposition?.FileName ?? ContentType.Parameters.Get("name");
            return f?.Trim();
        }
    }

    /// <summary>The raw header block, blank line included (IMAP BODY[HEADER] / [n.MIME]).</summary>
    public ReadOnlyMemory<byte> RawHeaders => _message[HeaderStart..BodyStart];

    /// <summary>The raw (transfer-encoded) body.</summary>
    public ReadOnlyMemory<byte> RawBody => _message[BodyStart..BodyEnd];

    /// <summary>The whole entity: headers and body.</summary>
    public ReadOnlyMemory<byte> RawEntity => _message[HeaderStart..BodyEnd];

    /// <summary>This entity and its descendants, depth first (encapsulated messages included).</summary>
    public IEnumerable<MimePart> DescendantsAndSelf()
    {
        var stack = new Stack<MimePart>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            MimePart p = stack.Pop();
            yield return p;
            if (p.Message is not null)
            {
                stack.Push(p.Message);
            }

            for (int i = p.Children.Count - 1; i >= 0; i--)
            {
                stack.Push(p.Children[i]);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ContentType.MimeType} [{HeaderStart},{BodyStart},{BodyEnd})";
}
