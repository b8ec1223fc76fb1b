// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Imap.Protocol.Receiver;

/// <summary>Kinds of argument tokens (RFC 9051 §4).</summary>
public enum ImapTokenKind
{
    /// <summary>An atom, including bracketed sections such as BODY[HEADER.FIELDS (FROM)].</summary>
    Atom,
    /// <summary>A quoted string, unescaped.</summary>
    Quoted,
    /// <summary>A literal (synchronizing or not); its bytes are in <see cref="ImapToken.Bytes"/>.</summary>
    Literal,
    /// <summary>A parenthesized list; children in <see cref="ImapToken.Children"/>.</summary>
    List,
    /// <summary>NIL.</summary>
    Nil,
}

/// <summary>One argument of a command.</summary>
public sealed record ImapToken(ImapTokenKind Kind, string Text, byte[]? Bytes = null, IReadOnlyList<ImapToken>? Children = null)
{
    /// <summary>True for tokens that can stand for an astring (atom, quoted, literal).</summary>
    public bool IsString => Kind is ImapTokenKind.Atom or ImapTokenKind.Quoted or ImapTokenKind.Literal;

    /// <summary>The string value (UTF-8 for literals).</summary>
    public string Value => Kind == ImapTokenKind.Literal ? Encoding.UTF8.GetString(Bytes!) : Text;

    // Literals may hold credentials or message data: never print their content.
    public override string ToString() => Kind switch
    {
        ImapTokenKind.Literal => $"{{{Bytes!.Length}}}",
        ImapTokenKind.List => "(" + string.Join(' ', Children!) + ")",
        ImapTokenKind.Quoted => "\"…\"",
        _ => Text,
    };
}

/// <summary>A complete command: tag, command name (upper-cased; "UID FETCH" for UID commands), arguments.</summary>
public sealed record ImapRequest(string Tag, string Command, IReadOnlyList<ImapToken> Arguments);
