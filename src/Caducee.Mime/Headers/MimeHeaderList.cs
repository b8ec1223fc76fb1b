// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections;

namespace Caducee.Mime;

/// <summary>Where one header field lies in the message: the field start, the value start and the end (after its line break).</summary>
internal readonly record struct HeaderField(int Start, int NameLength, int ValueStart, int End);

/// <summary>One header field, read from the raw bytes of the message.</summary>
public readonly struct MimeHeader
{
    private readonly ReadOnlyMemory<byte> _message;
    private readonly HeaderField _field;

    internal MimeHeader(ReadOnlyMemory<byte> message, HeaderField field)
    {
        _message = message;
        _field = field;
    }

    /// <summary>Offset of the field's first byte in the message.</summary>
    public int Offset => _field.Start;

    /// <summary>Offset just after the field's last line break.</summary>
    public int End => _field.End;

    /// <summary>The field name as written (trailing whitespace removed).</summary>
    public string Name => HeaderText.Latin1(_message.Span.Slice(_field.Start, _field.NameLength));

    /// <summary>The whole field as it came, folding and line break included.</summary>
    public ReadOnlyMemory<byte> RawField => _message[_field.Start.._field.End];

    /// <summary>The value bytes as they came, after the colon, folding and line break included.</summary>
    public ReadOnlyMemory<byte> RawValue => _message[_field.ValueStart.._field.End];

    /// <summary>The value unfolded and trimmed, UTF-8 (RFC 6532) or Latin-1 when not valid UTF-8; encoded words kept.</summary>
    public string UnfoldedValue => HeaderText.Unfold(RawValue.Span);

    /// <summary>The value unfolded with RFC 2047 encoded words decoded (unstructured semantics).</summary>
    public string Value => Rfc2047.DecodeText(UnfoldedValue);

    internal bool NameIs(string name)
    {
        ReadOnlySpan<byte> n = _message.Span.Slice(_field.Start, _field.NameLength);
        if (n.Length != name.Length)
        {
            return false;
        }

        for (int i = 0; i < n.Length; i++)
        {
            int a = n[i] | 0x20;
            int b = name[i] | 0x20;
            if (a != b)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {UnfoldedValue}";
}

/// <summary>The header fields of one part, in order.</summary>
public sealed class MimeHeaderList : IReadOnlyList<MimeHeader>
{
    private readonly ReadOnlyMemory<byte> _message;
    private readonly HeaderField[] _fields;

    internal static readonly HeaderField[] s_none = [];

    internal MimeHeaderList(ReadOnlyMemory<byte> message, HeaderField[] fields)
    {
        _message = message;
        _fields = fields;
    }

    /// <inheritdoc/>
    public int Count => _fields.Length;

    /// <inheritdoc/>
    public MimeHeader this[int index] => new(_message, _fields[index]);

    /// <summary>The first field with this name (case-insensitive), if any.</summary>
    public MimeHeader? Find(string name)
    {
        foreach (HeaderField f in _fields)
        {
            var h = new MimeHeader(_message, f);
            if (h.NameIs(name))
            {
                return h;
            }
        }

        return null;
    }

    /// <summary>The decoded (RFC 2047, unstructured) value of the first field with this name, or null.</summary>
    public string? GetValue(string name) => Find(name)?.Value;

    /// <summary>The unfolded raw value of the first field with this name, or null.</summary>
    public string? GetUnfolded(string name) => Find(name)?.UnfoldedValue;

    /// <summary>Every field with this name, in order.</summary>
    public IEnumerable<MimeHeader> FindAll(string name)
    {
        foreach (HeaderField f in _fields)
        {
            var h = new MimeHeader(_message, f);
            if (h.NameIs(name))
            {
                yield return h;
            }
        }
    }

    /// <inheritdoc/>
    public IEnumerator<MimeHeader> GetEnumerator()
    {
        foreach (HeaderField f in _fields)
        {
            yield return new MimeHeader(_message, f);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
