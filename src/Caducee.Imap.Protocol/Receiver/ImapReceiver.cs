// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Protocol.Receiver;

/// <summary>What <see cref="ImapReceiver.Feed"/> found.</summary>
public enum ReceiveStatus
{
    /// <summary>Nothing complete yet: read more.</summary>
    NeedMoreData,
    /// <summary>A synchronizing literal was announced: send a "+" continuation, then read more.</summary>
    NeedContinuation,
    /// <summary>A complete request is in <see cref="ReceiveResult.Request"/>.</summary>
    Request,
    /// <summary>The command is malformed or over a limit: answer BAD (tag in <see cref="ReceiveResult.Tag"/> when known). Input up to the end of the bad command is consumed.</summary>
    Error,
}

/// <summary>The outcome of one <see cref="ImapReceiver.Feed"/> call.</summary>
public readonly record struct ReceiveResult(ReceiveStatus Status, ImapRequest? Request = null, string? Tag = null, string? Error = null);

/// <summary>
/// Assembles IMAP commands from bytes (sans-I/O, STYLE.md §4.1, after Stalwart's receiver): lines,
/// synchronizing literals <c>{n}</c> (the caller sends the "+" continuation) and non-synchronizing
/// literals <c>{n+}</c> (LITERAL+, RFC 7888). Bounded: a line longer than <see cref="MaxLineLength"/>
/// or a literal larger than <see cref="MaxLiteralSize"/> is refused before its data is buffered, and the
/// rest of the command is drained.
/// </summary>
public sealed class ImapReceiver(int maxLineLength = 64 * 1024, long maxLiteralSize = 64L * 1024 * 1024, long maxCommandSize = 80L * 1024 * 1024)
{
    private readonly List<object> _parts = [];
    private long _commandSize;
    private long _literalRemaining = -1;
    private ArrayBufferWriter<byte>? _literal;
    private long _drainLiteral;
    private bool _drainLine;
    private string? _errorTag;
    private string? _error;

    public int MaxLineLength { get; } = maxLineLength;

    public long MaxLiteralSize { get; } = maxLiteralSize;

    /// <summary>Consumes what it can of <paramref name="buffer"/>.</summary>
    public ReceiveResult Feed(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_drainLiteral > 0)
            {
                var skip = Math.Min(_drainLiteral, buffer.Length);
                buffer = buffer.Slice(skip);
                _drainLiteral -= skip;
                if (_drainLiteral > 0)
                {
                    return new ReceiveResult(ReceiveStatus.NeedMoreData);
                }

                _drainLine = true;
            }

            if (_literalRemaining >= 0)
            {
                var take = Math.Min(_literalRemaining, buffer.Length);
                foreach (var segment in buffer.Slice(0, take))
                {
                    _literal!.Write(segment.Span);
                }

                buffer = buffer.Slice(take);
                _literalRemaining -= take;
                if (_literalRemaining > 0)
                {
                    return new ReceiveResult(ReceiveStatus.NeedMoreData);
                }

                _parts.Add(_literal!.WrittenSpan.ToArray());
                _literal = null;
                _literalRemaining = -1;
            }

            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null && _drainLine)
            {
                buffer = buffer.Slice(buffer.End);
                return new ReceiveResult(ReceiveStatus.NeedMoreData);
            }

            if (lf is null)
            {
                if (buffer.Length > MaxLineLength)
                {
                    buffer = buffer.Slice(buffer.End);
                    return Fail("command line too long", drainLine: true);
                }

                return new ReceiveResult(ReceiveStatus.NeedMoreData);
            }

            var lineSeq = buffer.Slice(0, lf.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
            if (_drainLine)
            {
                // The tail of a refused command: discard it, then report the error once.
                _drainLine = false;
                var (tag, error) = (_errorTag, _error);
                Reset();
                return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: error ?? "command refused");
            }

            if (lineSeq.Length > MaxLineLength)
            {
                return Fail("command line too long", drainLine: false, immediate: true);
            }

            var line = lineSeq.ToArray();
            var length = line.Length;
            if (length > 0 && line[length - 1] == (byte)'\r')
            {
                length--;
            }

            _commandSize += length;
            var text = line.AsSpan(0, length);
            if (TryLiteralSpec(text, out var size, out var nonSync, out var specStart))
            {
                _parts.Add(Encoding.UTF8.GetString(text[..specStart]));
                if (_parts.Count == 1)
                {
                    _errorTag = FirstWord((string)_parts[0]);
                }

                if (size > MaxLiteralSize || _commandSize + size > maxCommandSize)
                {
                    if (nonSync)
                    {
                        // The client sends the data anyway: drain it, then the rest of the line.
                        _drainLiteral = size;
                        _error = $"[TOOBIG] literal of {size} octets exceeds the limit of {MaxLiteralSize}";
                        continue;
                    }

                    var tag = _errorTag;
                    Reset();
                    return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: $"[TOOBIG] literal of {size} octets exceeds the limit of {MaxLiteralSize}");
                }

                _commandSize += size;
                _literalRemaining = size;
                _literal = new ArrayBufferWriter<byte>((int)Math.Min(size, 1 << 20) + 1);
                if (!nonSync)
                {
                    return new ReceiveResult(ReceiveStatus.NeedContinuation);
                }

                continue;
            }

            _parts.Add(Encoding.UTF8.GetString(text));
            var parts = _parts.ToArray();
            Reset();
            return Tokenize(parts);
        }
    }

    /// <summary>Forgets any partial command (after STARTTLS or an error).</summary>
    public void Reset()
    {
        _parts.Clear();
        _commandSize = 0;
        _literalRemaining = -1;
        _literal = null;
        _errorTag = null;
        _error = null;
    }

    private ReceiveResult Fail(string error, bool drainLine, bool immediate = false)
    {
        var tag = _errorTag ?? (_parts.Count > 0 ? FirstWord((string)_parts[0]) : null);
        if (drainLine && !immediate)
        {
            _drainLine = true;
            _error = error;
            _errorTag = tag;
            return new ReceiveResult(ReceiveStatus.NeedMoreData);
        }

        Reset();
        return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: error);
    }

    private static string? FirstWord(string text)
    {
        var sp = text.IndexOf(' ', StringComparison.Ordinal);
        return sp <= 0 ? null : text[..sp];
    }

    // literal = "{" number64 ["+"] "}" CRLF (RFC 9051 §9, RFC 7888)
    private static bool TryLiteralSpec(ReadOnlySpan<byte> line, out long size, out bool nonSync, out int start)
    {
        size = 0;
        nonSync = false;
        start = 0;
        if (line.Length < 3 || line[^1] != (byte)'}')
        {
            return false;
        }

        var open = line.LastIndexOf((byte)'{');
        if (open < 0)
        {
            return false;
        }

        var digits = line[(open + 1)..^1];
        if (digits.Length > 0 && digits[^1] == (byte)'+')
        {
            nonSync = true;
            digits = digits[..^1];
        }

        if (digits.Length is 0 or > 18 || !long.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            return false;
        }

        start = open;
        return true;
    }

    private static ReceiveResult Tokenize(object[] parts)
    {
        var tokenizer = new Tokenizer(parts);
        if (!tokenizer.TryReadWord(out var tag) || tag.Length == 0 || tag.Any(c => c is '+' or '(' or ')' or '{' or '"' or '%' or '*' or '\\' || c < ' '))
        {
            return new ReceiveResult(ReceiveStatus.Error, Tag: null, Error: "missing or invalid tag");
        }

        if (!tokenizer.TryReadWord(out var command) || command.Length == 0)
        {
            return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: "missing command");
        }

        command = command.ToUpperInvariant();
        if (command == "UID")
        {
            if (!tokenizer.TryReadWord(out var sub) || sub.Length == 0)
            {
                return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: "UID requires a command");
            }

            command = "UID " + sub.ToUpperInvariant();
        }

        if (!tokenizer.TryReadArguments(out var args, out var error))
        {
            return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: error);
        }

        return new ReceiveResult(ReceiveStatus.Request, new ImapRequest(tag, command, args));
    }

    /// <summary>Tokenizes text parts interleaved with literal byte arrays.</summary>
    private sealed class Tokenizer(object[] parts)
    {
        private int _part;
        private int _pos;

        private string Text => (string)parts[_part];

        public bool TryReadWord(out string word)
        {
            word = string.Empty;
            if (_part >= parts.Length || parts[_part] is not string text)
            {
                return false;
            }

            var end = text.IndexOf(' ', _pos);
            if (end < 0)
            {
                end = text.Length;
            }

            word = text[_pos..end];
            _pos = Math.Min(end + 1, text.Length);
            return true;
        }

        public bool TryReadArguments(out List<ImapToken> tokens, out string? error)
        {
            var stack = new Stack<List<ImapToken>>();
            tokens = [];
            var current = tokens;
            error = null;
            while (_part < parts.Length)
            {
                if (parts[_part] is byte[] literal)
                {
                    current.Add(new ImapToken(ImapTokenKind.Literal, string.Empty, literal));
                    _part++;
                    _pos = 0;
                    continue;
                }

                var text = Text;
                if (_pos >= text.Length)
                {
                    _part++;
                    _pos = 0;
                    continue;
                }

                var c = text[_pos];
                switch (c)
                {
                    case ' ':
                        _pos++;
                        break;
                    case '(':
                        stack.Push(current);
                        var list = new List<ImapToken>();
                        current.Add(new ImapToken(ImapTokenKind.List, string.Empty, Children: list));
                        current = list;
                        _pos++;
                        break;
                    case ')':
                        if (stack.Count == 0)
                        {
                            error = "unbalanced ')'";
                            return false;
                        }

                        current = stack.Pop();
                        _pos++;
                        break;
                    case '"':
                        if (!TryQuoted(text, out var quoted))
                        {
                            error = "unterminated quoted string";
                            return false;
                        }

                        current.Add(new ImapToken(ImapTokenKind.Quoted, quoted));
                        break;
                    default:
                        var atom = ReadAtom(text);
                        current.Add(atom.Equals("NIL", StringComparison.OrdinalIgnoreCase)
                            ? new ImapToken(ImapTokenKind.Nil, atom)
                            : new ImapToken(ImapTokenKind.Atom, atom));
                        break;
                }
            }

            if (stack.Count != 0)
            {
                error = "unbalanced '('";
                return false;
            }

            return true;
        }

        private bool TryQuoted(string text, out string value)
        {
            var sb = new StringBuilder();
            var i = _pos + 1;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\\' && i + 1 < text.Length)
                {
                    sb.Append(text[i + 1]);
                    i += 2;
                    continue;
                }

                if (c == '"')
                {
                    _pos = i + 1;
                    value = sb.ToString();
                    return true;
                }

                sb.Append(c);
                i++;
            }

            value = string.Empty;
            return false;
        }

        // An atom ends at SP, ")" or "(" — except inside "[...]" (section specs, RFC 9051 fetch-att).
        private string ReadAtom(string text)
        {
            var start = _pos;
            var depth = 0;
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '[')
                {
                    depth++;
                }
                else if (c == ']')
                {
                    depth = Math.Max(0, depth - 1);
                }
                else if (depth == 0 && (c == ' ' || c == ')' || c == '('))
                {
                    break;
                }

                _pos++;
            }

            return text[start.._pos];
        }
    }
}
