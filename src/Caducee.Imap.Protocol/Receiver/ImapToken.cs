// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Imap.Protocol.Receiver;

/// <summary>Kinds of argument tokens (RFC 9051 §4).</summary>
public enum ImapTokenKind
{
    /// <summary>An atom, including flags (<c>\Seen</c>), sequence sets, wildcards, and fetch attributes with their bracketed section (<c>BODY[HEADER.FIELDS (FROM)]&lt;0.10&gt;</c>).</summary>
    Atom,
    /// <summary>A quoted string, unescaped.</summary>
    Quoted,
    /// <summary>A literal <c>{n}</c>, <c>{n+}</c> or literal8 <c>~{n}</c>; its bytes are in <see cref="ImapToken.Data"/>.</summary>
    Literal,
    /// <summary>A parenthesized list; children in <see cref="ImapToken.Children"/>.</summary>
    List,
    /// <summary>The atom NIL (any case). A quoted "NIL" is a <see cref="Quoted"/> string.</summary>
    Nil,
}

/// <summary>
/// One argument of a command, kept as the bytes received (STYLE.md §4.3: strings are made late).
/// <see cref="Text"/> decodes them on first use.
/// </summary>
public sealed class ImapToken
{
    private string? _text;

    internal ImapToken(ImapTokenKind kind, ReadOnlyMemory<byte> data, IReadOnlyList<ImapToken>? children = null, bool isLiteral8 = false)
    {
        Kind = kind;
        Data = data;
        Children = children ?? [];
        IsLiteral8 = isLiteral8;
    }

    /// <summary>What this token is.</summary>
    public ImapTokenKind Kind { get; }

    /// <summary>The atom's bytes, the quoted string's content without escapes, or the literal's bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The elements of a list (empty for other kinds).</summary>
    public IReadOnlyList<ImapToken> Children { get; }

    /// <summary>True for a literal8 <c>~{n}</c> (RFC 3516, RFC 9051): binary data, NUL allowed.</summary>
    public bool IsLiteral8 { get; }

    /// <summary>
    /// For a literal streamed to a sink (<see cref="ImapReceiver.LiteralSinkFactory"/>): the sink holding its
    /// bytes; <see cref="Data"/> is then empty and <see cref="SinkLength"/> is the literal's size.
    /// </summary>
    public IImapLiteralSink? Sink { get; init; }

    /// <summary>The size of a literal streamed to <see cref="Sink"/>.</summary>
    public long SinkLength { get; init; }

    /// <summary>True for tokens that can stand for an astring (atom, quoted, literal).</summary>
    public bool IsString => Kind is ImapTokenKind.Atom or ImapTokenKind.Quoted or ImapTokenKind.Literal;

    /// <summary>The text (UTF-8, invalid sequences replaced); empty for a list.</summary>
    public string Text => _text ??= Kind == ImapTokenKind.List ? string.Empty : Encoding.UTF8.GetString(Data.Span);

    /// <summary>The string value: same as <see cref="Text"/>.</summary>
    public string Value => Text;

    /// <summary>A copy of a literal's bytes (null for other kinds). Prefer <see cref="Data"/>.</summary>
    public byte[]? Bytes => Kind == ImapTokenKind.Literal ? Data.ToArray() : null;

    /// <summary>Decodes <see cref="Data"/> as strict UTF-8; false when the bytes are not valid UTF-8.</summary>
    public bool TryGetUtf8(out string value)
    {
        if (!System.Text.Unicode.Utf8.IsValid(Data.Span))
        {
            value = string.Empty;
            return false;
        }

        value = Text;
        return true;
    }

    /// <summary>True when this is an atom equal to <paramref name="ascii"/>, ignoring ASCII case.</summary>
    public bool IsAtom(string ascii) => Kind == ImapTokenKind.Atom && Ascii.EqualsIgnoreCase(Data.Span, ascii);

    /// <summary>The token for logs: atoms as they are, strings and literals redacted (they may hold credentials or message data).</summary>
    public override string ToString() => Kind switch
    {
        ImapTokenKind.Literal => $"{(IsLiteral8 ? "~" : string.Empty)}{{{Data.Length}}}",
        ImapTokenKind.List => "(" + string.Join(' ', Children) + ")",
        ImapTokenKind.Quoted => "\"…\"",
        _ => Text,
    };
}

/// <summary>A complete command: tag, command name (upper-cased; "UID FETCH" for UID commands), arguments.</summary>
public sealed record ImapRequest(string Tag, string Command, IReadOnlyList<ImapToken> Arguments)
{
    /// <summary>Tag, command and argument count only: arguments may hold credentials (LOGIN takes atoms too).</summary>
    public override string ToString() => $"{Tag} {Command} ({Arguments.Count} arguments)";
}
