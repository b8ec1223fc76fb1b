// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Imap.Protocol.Receiver;

/// <summary>One piece of an assembled command: a stretch of line text, or a literal's bytes.</summary>
internal readonly record struct CommandSegment(int Start, int Length, byte[]? Literal, bool Literal8, IImapLiteralSink? Sink = null)
{
    public bool IsLiteral => Literal is not null;
}

/// <summary>
/// Turns an assembled command (text lines and literals, as bytes) into tag, command name and argument
/// tokens (RFC 9051 §4, §9). Works on bytes: strings are made only for the tag and the command name.
/// Bounded by a token count and a list depth.
/// </summary>
internal static class ImapTokenizer
{
    private const byte Space = (byte)' ';
    private const byte OpenParen = (byte)'(';
    private const byte CloseParen = (byte)')';
    private const byte DoubleQuote = (byte)'"';
    private const byte Backslash = (byte)'\\';
    private const byte OpenBracket = (byte)'[';
    private const byte CloseBracket = (byte)']';

    /// <summary>Reads the tag at the start of a line: the bytes before the first space, when they form a valid tag.</summary>
    public static string? ReadTag(ReadOnlySpan<byte> line)
    {
        var sp = line.IndexOf(Space);
        var candidate = sp < 0 ? line : line[..sp];
        return IsValidTag(candidate) ? Encoding.ASCII.GetString(candidate) : null;
    }

    /// <summary>Reads the command name after the tag (upper-cased; empty when absent).</summary>
    public static string ReadVerb(ReadOnlySpan<byte> line)
    {
        var sp = line.IndexOf(Space);
        if (sp < 0)
        {
            return string.Empty;
        }

        var rest = line[(sp + 1)..];
        var end = rest.IndexOf(Space);
        var verb = end < 0 ? rest : rest[..end];
        return IsCommandName(verb) ? Encoding.ASCII.GetString(verb).ToUpperInvariant() : string.Empty;
    }

    // tag = 1*<any ASTRING-CHAR except "+">
    public static bool IsValidTag(ReadOnlySpan<byte> tag)
    {
        if (tag.IsEmpty)
        {
            return false;
        }

        foreach (var b in tag)
        {
            if (b <= Space || b >= 0x7F || b is OpenParen or CloseParen or (byte)'{' or (byte)'%' or (byte)'*' or DoubleQuote or Backslash or (byte)'+')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCommandName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > 32)
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Tokenizes a whole command. On failure, <paramref name="error"/> says what is wrong and <paramref name="tag"/> is set when it could be read.</summary>
    public static bool TryTokenize(
        byte[] text,
        IReadOnlyList<CommandSegment> segments,
        int maxTokens,
        int maxDepth,
        out string? tag,
        out string command,
        out List<ImapToken> arguments,
        out string? error)
    {
        tag = null;
        command = string.Empty;
        arguments = [];
        error = null;
        if (segments.Count == 0 || segments[0].IsLiteral)
        {
            error = "missing or invalid tag";
            return false;
        }

        var first = text.AsSpan(segments[0].Start, segments[0].Length);
        var sp = first.IndexOf(Space);
        var tagBytes = sp < 0 ? first : first[..sp];
        if (!IsValidTag(tagBytes))
        {
            error = "missing or invalid tag";
            return false;
        }

        tag = Encoding.ASCII.GetString(tagBytes);
        if (sp < 0)
        {
            error = "missing command";
            return false;
        }

        var pos = sp + 1;
        if (!TryReadCommandName(first, ref pos, out command))
        {
            error = command.Length == 0 ? "missing command" : "invalid command name";
            return false;
        }

        if (command == "UID")
        {
            if (pos >= first.Length || first[pos] != Space)
            {
                error = "UID requires a command (FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT, THREAD)";
                return false;
            }

            pos++;
            if (!TryReadCommandName(first, ref pos, out var sub))
            {
                error = "UID requires a command (FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT, THREAD)";
                return false;
            }

            command = "UID " + sub;
        }

        if (pos < first.Length && first[pos] != Space)
        {
            error = "invalid command name";
            return false;
        }

        var state = new State(text, maxTokens, maxDepth);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.IsLiteral)
            {
                if (!state.Add(new ImapToken(ImapTokenKind.Literal, segment.Literal, isLiteral8: segment.Literal8) { Sink = segment.Sink, SinkLength = segment.Sink is null ? 0 : segment.Length }, out error))
                {
                    return false;
                }

                continue;
            }

            var start = i == 0 ? segment.Start + pos : segment.Start;
            var end = segment.Start + segment.Length;
            if (!state.ReadText(start, end, out error))
            {
                return false;
            }
        }

        if (state.Depth != 0)
        {
            error = "unbalanced '('";
            return false;
        }

        arguments = state.Root;
        return true;
    }

    private static bool TryReadCommandName(ReadOnlySpan<byte> line, ref int pos, out string name)
    {
        var start = pos;
        while (pos < line.Length && line[pos] != Space)
        {
            pos++;
        }

        var bytes = line[start..pos];
        name = bytes.IsEmpty ? string.Empty : Encoding.ASCII.GetString(bytes).ToUpperInvariant();
        return IsCommandName(bytes);
    }

    private static bool StartsSectionAtom(ReadOnlySpan<byte> atom) =>
        Ascii.EqualsIgnoreCase(atom, "BODY"u8) || Ascii.EqualsIgnoreCase(atom, "BODY.PEEK"u8)
        || Ascii.EqualsIgnoreCase(atom, "BINARY"u8) || Ascii.EqualsIgnoreCase(atom, "BINARY.PEEK"u8)
        || Ascii.EqualsIgnoreCase(atom, "BINARY.SIZE"u8);

    private sealed class State
    {
        private readonly byte[] _text;
        private readonly int _maxTokens;
        private readonly int _maxDepth;
        private readonly Stack<List<ImapToken>> _stack = new();
        private List<ImapToken> _current;
        private int _count;

        public State(byte[] text, int maxTokens, int maxDepth)
        {
            _text = text;
            _maxTokens = maxTokens;
            _maxDepth = maxDepth;
            _current = Root;
        }

        public List<ImapToken> Root { get; } = [];

        public int Depth => _stack.Count;

        public bool Add(ImapToken token, out string? error)
        {
            error = null;
            if (++_count > _maxTokens)
            {
                error = $"too many arguments (limit {_maxTokens})";
                return false;
            }

            _current.Add(token);
            return true;
        }

        public bool ReadText(int pos, int end, out string? error)
        {
            error = null;
            var span = _text.AsSpan();
            while (pos < end)
            {
                var b = span[pos];
                switch (b)
                {
                    case Space:
                        pos++;
                        break;
                    case OpenParen:
                        if (_stack.Count >= _maxDepth)
                        {
                            error = $"lists nested too deeply (limit {_maxDepth})";
                            return false;
                        }

                        var list = new List<ImapToken>();
                        if (!Add(new ImapToken(ImapTokenKind.List, ReadOnlyMemory<byte>.Empty, list), out error))
                        {
                            return false;
                        }

                        _stack.Push(_current);
                        _current = list;
                        pos++;
                        break;
                    case CloseParen:
                        if (_stack.Count == 0)
                        {
                            error = "unbalanced ')'";
                            return false;
                        }

                        _current = _stack.Pop();
                        pos++;
                        break;
                    case DoubleQuote:
                        if (!TryQuoted(ref pos, end, out var quoted, out error) || !Add(new ImapToken(ImapTokenKind.Quoted, quoted), out error))
                        {
                            return false;
                        }

                        break;
                    default:
                        if (!TryAtom(ref pos, end, out var atom, out error))
                        {
                            return false;
                        }

                        var kind = Ascii.EqualsIgnoreCase(atom.Span, "NIL"u8) ? ImapTokenKind.Nil : ImapTokenKind.Atom;
                        if (!Add(new ImapToken(kind, atom), out error))
                        {
                            return false;
                        }

                        break;
                }
            }

            return true;
        }

        // quoted = DQUOTE *QUOTED-CHAR DQUOTE ; QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials / UTF8-2..4
        private bool TryQuoted(ref int pos, int end, out ReadOnlyMemory<byte> value, out string? error)
        {
            value = ReadOnlyMemory<byte>.Empty;
            error = null;
            var start = pos + 1;
            var span = _text.AsSpan(start, end - start);
            var close = span.IndexOfAny(DoubleQuote, Backslash);
            if (close >= 0 && span[close] == DoubleQuote)
            {
                // Fast path: no escape, the value is a slice of the received bytes.
                if (span[..close].Contains((byte)0))
                {
                    error = "NUL in quoted string";
                    return false;
                }

                value = _text.AsMemory(start, close);
                pos = start + close + 1;
                return true;
            }

            var copy = new List<byte>(span.Length);
            for (var i = 0; i < span.Length; i++)
            {
                var c = span[i];
                if (c == DoubleQuote)
                {
                    value = copy.ToArray();
                    pos = start + i + 1;
                    return true;
                }

                if (c == 0)
                {
                    error = "NUL in quoted string";
                    return false;
                }

                if (c == Backslash)
                {
                    if (i + 1 >= span.Length || span[i + 1] is not (DoubleQuote or Backslash))
                    {
                        error = "invalid escape in quoted string (only \\\" and \\\\ are allowed)";
                        return false;
                    }

                    c = span[++i];
                }

                copy.Add(c);
            }

            error = "unterminated quoted string";
            return false;
        }

        // An atom ends at SP, "(" or ")". BODY[...], BINARY[...] and BINARY.SIZE[...] keep their bracketed
        // section (which may hold spaces, lists and quoted header names) and the partial that follows.
        private bool TryAtom(ref int pos, int end, out ReadOnlyMemory<byte> atom, out string? error)
        {
            atom = ReadOnlyMemory<byte>.Empty;
            error = null;
            var start = pos;
            var span = _text.AsSpan();
            while (pos < end)
            {
                var b = span[pos];
                if (b is Space or OpenParen or CloseParen)
                {
                    break;
                }

                if (b == OpenBracket && StartsSectionAtom(span[start..pos]))
                {
                    if (!SkipSection(ref pos, end, out error))
                    {
                        return false;
                    }

                    continue;
                }

                if (b < Space || b == 0x7F)
                {
                    error = "control character in command";
                    return false;
                }

                if (b is DoubleQuote or (byte)'{')
                {
                    error = $"unexpected '{(char)b}' inside an atom";
                    return false;
                }

                pos++;
            }

            atom = _text.AsMemory(start, pos - start);
            return true;
        }

        private bool SkipSection(ref int pos, int end, out string? error)
        {
            error = null;
            var span = _text.AsSpan();
            pos++; // '['
            while (pos < end)
            {
                var b = span[pos];
                if (b == CloseBracket)
                {
                    pos++;
                    return true;
                }

                if (b == DoubleQuote)
                {
                    pos++;
                    while (pos < end && span[pos] != DoubleQuote)
                    {
                        pos += span[pos] == Backslash ? 2 : 1;
                    }
                }
                else if (b < Space || b == 0x7F)
                {
                    error = "control character in command";
                    return false;
                }

                pos++;
            }

            error = "unterminated '[' in a fetch attribute (a literal cannot appear inside a section)";
            return false;
        }
    }
}
