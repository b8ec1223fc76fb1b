// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Responses;

/// <summary>
/// Writes the items of one "* n FETCH (…)" response (RFC 9051 §7.5.2), separating them with spaces; ends
/// with <see cref="End"/>. Body data goes out as a literal (a literal8 for BINARY data holding NUL).
/// ENVELOPE and BODYSTRUCTURE take the bytes built by <c>Caducee.Mime.Imap</c>.
/// </summary>
public sealed class FetchResponseWriter
{
    private readonly ImapWriter _w;
    private bool _first = true;
    private bool _ended;

    internal FetchResponseWriter(ImapWriter writer)
    {
        _w = writer;
    }

    /// <summary>UID n.</summary>
    public FetchResponseWriter Uid(uint uid)
    {
        Item("UID"u8).Number(uid);
        return this;
    }

    /// <summary>FLAGS (…).</summary>
    public FetchResponseWriter Flags(ImapSystemFlags flags, IEnumerable<string> keywords)
    {
        Item("FLAGS"u8).Flags(flags, keywords);
        return this;
    }

    /// <summary>MODSEQ (n) (RFC 7162 §3.1.4).</summary>
    public FetchResponseWriter ModSeq(long modSeq)
    {
        Item("MODSEQ"u8).Raw("("u8).Number(modSeq).Raw(")"u8);
        return this;
    }

    /// <summary>INTERNALDATE "…".</summary>
    public FetchResponseWriter InternalDate(DateTimeOffset date)
    {
        Item("INTERNALDATE"u8).DateTime(date);
        return this;
    }

    /// <summary>SAVEDATE "…" or NIL (RFC 8514).</summary>
    public FetchResponseWriter SaveDate(DateTimeOffset? date)
    {
        if (date is { } d)
        {
            Item("SAVEDATE"u8).DateTime(d);
        }
        else
        {
            Item("SAVEDATE"u8).Nil();
        }

        return this;
    }

    /// <summary>RFC822.SIZE n.</summary>
    public FetchResponseWriter Rfc822Size(long size)
    {
        Item("RFC822.SIZE"u8).Number(size);
        return this;
    }

    /// <summary>ENVELOPE (…), from <c>ImapEnvelope.Build</c>.</summary>
    public FetchResponseWriter Envelope(ReadOnlySpan<byte> envelope)
    {
        Item("ENVELOPE"u8).Raw(envelope);
        return this;
    }

    /// <summary>BODYSTRUCTURE (…) or, for the non-extensible form, BODY (…), from <c>ImapBodyStructure.Build</c>.</summary>
    public FetchResponseWriter BodyStructure(ReadOnlySpan<byte> structure, bool extensible = true)
    {
        Item(extensible ? "BODYSTRUCTURE"u8 : "BODY"u8).Raw(structure);
        return this;
    }

    /// <summary>
    /// BODY[section]&lt;origin&gt;, BINARY[…], RFC822, RFC822.HEADER or RFC822.TEXT with its data; NIL when
    /// <paramref name="data"/> is null (a part that does not exist). BINARY data holding NUL is a literal8.
    /// </summary>
    public FetchResponseWriter Section(FetchItem item, ReadOnlyMemory<byte>? data)
    {
        if (item.Kind is not (FetchItemKind.BodySection or FetchItemKind.BinarySection or FetchItemKind.Rfc822 or FetchItemKind.Rfc822Header or FetchItemKind.Rfc822Text))
        {
            throw new ArgumentException($"{item.Kind} carries no body data", nameof(item));
        }

        Item(item.ResponseName);
        if (data is not { } bytes)
        {
            _w.Nil();
        }
        else if (item.Kind == FetchItemKind.BinarySection)
        {
            _w.Binary(bytes.Span);
        }
        else
        {
            _w.Literal(bytes.Span);
        }

        return this;
    }

    /// <summary>
    /// Only the name and "{n}" CRLF of a body item, when the server streams the <paramref name="length"/>
    /// bytes itself (then continues with more items or <see cref="End"/>).
    /// </summary>
    public FetchResponseWriter SectionHeader(FetchItem item, long length, bool literal8 = false)
    {
        Item(item.ResponseName).LiteralHeader(length, literal8 && item.Kind == FetchItemKind.BinarySection);
        return this;
    }

    /// <summary>BINARY.SIZE[part] n, or NIL.</summary>
    public FetchResponseWriter BinarySize(FetchItem item, long? size)
    {
        Item(item.ResponseName);
        if (size is long s)
        {
            _w.Number(s);
        }
        else
        {
            _w.Nil();
        }

        return this;
    }

    /// <summary>Any other item: name and raw value bytes (the caller guarantees the syntax).</summary>
    public FetchResponseWriter Raw(string name, ReadOnlySpan<byte> value)
    {
        Item(name).Raw(value);
        return this;
    }

    /// <summary>")" CRLF.</summary>
    public ImapWriter End()
    {
        if (_ended)
        {
            throw new InvalidOperationException("this FETCH response is already ended");
        }

        _ended = true;
        return _w.Raw(")\r\n"u8);
    }

    private ImapWriter Item(ReadOnlySpan<byte> name)
    {
        if (!_first)
        {
            _w.Raw(" "u8);
        }

        _first = false;
        return _w.Raw(name).Raw(" "u8);
    }

    private ImapWriter Item(string name)
    {
        if (!_first)
        {
            _w.Raw(" "u8);
        }

        _first = false;
        return _w.Raw(name).Raw(" "u8);
    }
}
