// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Receiver;

/// <summary>What <see cref="ImapReceiver.Feed"/> found.</summary>
public enum ReceiveStatus
{
    /// <summary>Nothing complete yet: read more.</summary>
    NeedMoreData,
    /// <summary>A synchronizing literal was accepted: send a "+" continuation, then read more.</summary>
    NeedContinuation,
    /// <summary>A complete request is in <see cref="ReceiveResult.Request"/>.</summary>
    Request,
    /// <summary>
    /// The command is malformed or over a limit: answer <see cref="ReceiveResult.ErrorStatus"/> (BAD, or NO
    /// for APPENDLIMIT) with <see cref="ReceiveResult.Error"/>, tagged with <see cref="ReceiveResult.Tag"/>
    /// when known ("*" otherwise). Input up to the end of the refused command is consumed.
    /// </summary>
    Error,
    /// <summary>The line that answers a continuation request (AUTHENTICATE), in <see cref="ReceiveResult.Line"/>.</summary>
    ContinuationLine,
    /// <summary>The DONE that ends IDLE (RFC 2177, RFC 9051 §6.3.13).</summary>
    IdleDone,
}

/// <summary>The outcome of one <see cref="ImapReceiver.Feed"/> call.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Request">The request, for <see cref="ReceiveStatus.Request"/>.</param>
/// <param name="Tag">The tag of the refused command, when it could be read.</param>
/// <param name="Error">The response text for <see cref="ReceiveStatus.Error"/>, starting with the response code when there is one (<c>[TOOBIG] …</c>).</param>
public readonly record struct ReceiveResult(ReceiveStatus Status, ImapRequest? Request = null, string? Tag = null, string? Error = null)
{
    /// <summary>BAD, or NO when a well-formed APPEND is refused for its size (RFC 7889).</summary>
    public ImapStatus ErrorStatus { get; init; } = ImapStatus.Bad;

    /// <summary>The response code of the error, if any (e.g. "TOOBIG").</summary>
    public string? Code { get; init; }

    /// <summary>The continuation line (CRLF removed) for <see cref="ReceiveStatus.ContinuationLine"/>.</summary>
    public ReadOnlyMemory<byte> Line { get; init; }
}

/// <summary>
/// Assembles IMAP commands from bytes (sans-I/O, STYLE.md §4.1, after Stalwart's receiver): lines,
/// synchronizing literals <c>{n}</c> (the caller sends the "+" continuation), non-synchronizing literals
/// <c>{n+}</c> (LITERAL+/LITERAL-, RFC 7888) and literal8 <c>~{n}</c> (RFC 3516); then tokenizes them on
/// bytes (<see cref="ImapToken"/>). Also reads the line that answers an AUTHENTICATE continuation and the
/// DONE that ends IDLE.
/// </summary>
/// <remarks>
/// <para>Every read is bounded (<see cref="ImapReceiverOptions"/>). A literal over its limit is refused from
/// its announced size, before any of its data is read: a synchronizing one at once (the client then sends
/// no data), a non-synchronizing one after its data is drained. Nothing is reserved for a declared size: a
/// literal buffer starts small and grows as data arrives. A refused command is drained to its end (further
/// non-synchronizing literals included), then reported once.</para>
/// <para><see cref="Feed"/> consumes what it uses (the caller advances its pipe to <c>buffer.Start</c>);
/// partial lines are copied into the receiver, so each byte is examined once.</para>
/// </remarks>
public sealed class ImapReceiver
{
    /// <summary>Largest non-synchronizing literal a LITERAL- server accepts (RFC 7888 §5).</summary>
    public const int LiteralMinusLimit = 4096;

    private const int TailSize = 32;
    private const int FirstLiteralChunk = 16 * 1024;

    private readonly ImapReceiverOptions _options;
    private readonly List<CommandSegment> _segments = [];
    private readonly byte[] _tail = new byte[TailSize];

    private State _state;
    private Expect _expect;

    // The command being assembled: its text lines in one buffer, and its segments (text and literals).
    private byte[] _text = [];
    private int _textLength;
    private int _lineStart;
    private string? _tag;
    private string _verb = string.Empty;
    private long _commandSize;
    private int _literalCount;

    // The literal being received (in memory, or streamed to a sink).
    private IImapLiteralSink? _sink;
    private byte[]? _literal;
    private int _literalLength;
    private long _literalRemaining;
    private bool _literal8;

    // A refused command being drained.
    private long _drainRemaining;
    private int _tailLength;
    private Refusal? _pending;

    /// <summary>Creates a receiver with the given line and literal limits (other limits at their defaults).</summary>
    public ImapReceiver(int maxLineLength = 64 * 1024, long maxLiteralSize = 64L * 1024 * 1024, long maxCommandSize = 80L * 1024 * 1024)
        : this(new ImapReceiverOptions
        {
            MaxLineLength = maxLineLength,
            MaxLiteralSize = maxLiteralSize,
            MaxCommandSize = Math.Max(maxCommandSize, maxLiteralSize),
            MaxCommandText = Math.Max(1024 * 1024, maxLineLength),
        })
    {
    }

    /// <summary>Creates a receiver with the given limits.</summary>
    public ImapReceiver(ImapReceiverOptions options)
    {
        options.Validate();
        _options = options;
    }

    private enum State
    {
        Line,
        Literal,
        DrainLiteral,
        DrainLine,
    }

    private enum Expect
    {
        Command,
        ContinuationLine,
        IdleDone,
    }

    /// <summary>Longest line.</summary>
    public int MaxLineLength => _options.MaxLineLength;

    /// <summary>Largest APPEND literal.</summary>
    public long MaxLiteralSize => _options.MaxLiteralSize;

    /// <summary>
    /// The APPENDLIMIT (RFC 7889) of the current context, when lower than <see cref="MaxLiteralSize"/>: an
    /// APPEND literal over it gets NO [TOOBIG] before its data (or after draining it, when non-synchronizing).
    /// </summary>
    public long? AppendLimit { get; set; }

    /// <summary>
    /// True when LITERAL+ is advertised (the default). When false (LITERAL- only), a non-synchronizing
    /// literal over <see cref="LiteralMinusLimit"/> octets is refused with BAD [TOOBIG] and drained (RFC 7888 §5).
    /// </summary>
    public bool LiteralPlus { get; set; } = true;

    /// <summary>
    /// Optional: asked for a sink for each accepted APPEND literal of at least <see cref="SinkThreshold"/> octets;
    /// when it returns one, the literal's bytes go there instead of memory and the token carries the sink
    /// (<see cref="ImapToken.Sink"/>). Sinks of a command that is then refused get <see cref="IImapLiteralSink.Abort"/>.
    /// </summary>
    public Func<LiteralAnnouncement, IImapLiteralSink?>? LiteralSinkFactory { get; set; }

    /// <summary>The smallest literal offered to <see cref="LiteralSinkFactory"/> (default 1 MiB).</summary>
    public long SinkThreshold { get; set; } = 1024 * 1024;

    /// <summary>True between commands (nothing partial buffered).</summary>
    public bool IsIdle => _state == State.Line && _segments.Count == 0 && _textLength == 0;

    /// <summary>Consumes what it can of <paramref name="buffer"/> and reports the first complete result.</summary>
    public ReceiveResult Feed(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Literal:
                    if (_literalRemaining > 0)
                    {
                        if (buffer.IsEmpty)
                        {
                            return default;
                        }

                        var take = (int)Math.Min(_literalRemaining, buffer.Length);
                        if (_sink is not null)
                        {
                            foreach (var segment in buffer.Slice(0, take))
                            {
                                _sink.Write(segment.Span);
                            }
                        }
                        else
                        {
                            GrowLiteral(take);
                            buffer.Slice(0, take).CopyTo(_literal.AsSpan(_literalLength));
                        }

                        _literalLength += take;
                        _literalRemaining -= take;
                        buffer = buffer.Slice(take);
                        if (_literalRemaining > 0)
                        {
                            return default;
                        }
                    }

                    if (_sink is not null)
                    {
                        // Data left in the sink: the token carries the sink and the size (Length holds it, capped for the record).
                        _segments.Add(new CommandSegment(0, (int)Math.Min(_literalLength, int.MaxValue), [], _literal8, _sink));
                        _sink = null;
                    }
                    else
                    {
                        var data = _literal!.Length == _literalLength ? _literal : _literal.AsSpan(0, _literalLength).ToArray();
                        _segments.Add(new CommandSegment(0, 0, data, _literal8));
                    }

                    _literal = null;
                    _state = State.Line;
                    _lineStart = _textLength;
                    continue;

                case State.DrainLiteral:
                    var skip = Math.Min(_drainRemaining, buffer.Length);
                    buffer = buffer.Slice(skip);
                    _drainRemaining -= skip;
                    if (_drainRemaining > 0)
                    {
                        return default;
                    }

                    _state = State.DrainLine;
                    _tailLength = 0;
                    continue;

                default:
                    if (buffer.IsEmpty)
                    {
                        return default;
                    }

                    var lf = buffer.PositionOf((byte)'\n');
                    var chunk = lf is null ? buffer : buffer.Slice(0, lf.Value);
                    buffer = lf is null ? buffer.Slice(buffer.End) : buffer.Slice(buffer.GetPosition(1, lf.Value));
                    if (_state == State.Line)
                    {
                        AppendToLine(chunk, endsLine: lf is not null);
                    }
                    else
                    {
                        KeepTail(chunk);
                    }

                    if (lf is null)
                    {
                        return default;
                    }

                    var result = _state == State.Line ? EndLine() : EndDrainedLine();
                    if (result.Status != ReceiveStatus.NeedMoreData)
                    {
                        return result;
                    }

                    continue;
            }
        }
    }

    /// <summary>
    /// The next line answers a continuation request (AUTHENTICATE, RFC 9051 §6.2.2): <see cref="Feed"/>
    /// returns it as <see cref="ReceiveStatus.ContinuationLine"/> (bounded by <see cref="MaxLineLength"/>).
    /// </summary>
    public void ExpectContinuationLine() => SetExpect(Expect.ContinuationLine);

    /// <summary>
    /// The client is idling (RFC 9051 §6.3.13): the next line must be DONE, reported as
    /// <see cref="ReceiveStatus.IdleDone"/>; anything else is an <see cref="ReceiveStatus.Error"/> without tag.
    /// </summary>
    public void ExpectIdleDone() => SetExpect(Expect.IdleDone);

    /// <summary>Forgets any partial command and any expectation (after STARTTLS or COMPRESS); sinks of a partial command are aborted.</summary>
    public void Reset()
    {
        AbortSinks();
        ResetCommand();
        _expect = Expect.Command;
        _drainRemaining = 0;
        _tailLength = 0;
    }

    private void SetExpect(Expect expect)
    {
        if (!IsIdle)
        {
            throw new InvalidOperationException("the receiver is in the middle of a command");
        }

        _expect = expect;
    }

    private void AppendToLine(ReadOnlySequence<byte> chunk, bool endsLine)
    {
        // The CR of CRLF is not part of the line; a CR at the end of a partial chunk may be, so allow it.
        var lineLength = _textLength - _lineStart;
        var endsWithCr = chunk.IsEmpty ? lineLength > 0 && _text[_textLength - 1] == (byte)'\r' : EndsWithCr(chunk);
        var counted = chunk.Length - (endsLine && endsWithCr ? 1 : 0);
        var slack = endsLine ? 0 : 1;
        if (lineLength + counted > _options.MaxLineLength + slack || _textLength + counted > _options.MaxCommandText + slack)
        {
            var limit = lineLength + counted > _options.MaxLineLength + slack ? _options.MaxLineLength : _options.MaxCommandText;
            _pending ??= new Refusal(ImapStatus.Bad, null, $"command line too long (limit {limit} octets)");
            if (_segments.Count == 0 && _expect == Expect.Command)
            {
                // Keep the tag for the answer: it is in the first bytes of the line.
                Span<byte> start = stackalloc byte[64];
                var fromLine = Math.Min(lineLength, start.Length);
                _text.AsSpan(_lineStart, fromLine).CopyTo(start);
                var fromChunk = (int)Math.Min(chunk.Length, start.Length - fromLine);
                chunk.Slice(0, fromChunk).CopyTo(start[fromLine..]);
                var head = start[..(fromLine + fromChunk)];
                if (head.IndexOf((byte)' ') > 0)
                {
                    _tag = ImapTokenizer.ReadTag(head);
                }
            }

            _state = State.DrainLine;
            _tailLength = 0;
            KeepTail(new ReadOnlySequence<byte>(_text, _lineStart, lineLength));
            KeepTail(chunk);
            return;
        }

        var needed = _textLength + (int)chunk.Length;
        if (needed > _text.Length)
        {
            var size = Math.Max(needed, Math.Min(Math.Max(256, _text.Length * 2), _options.MaxCommandText));
            Array.Resize(ref _text, size);
        }

        chunk.CopyTo(_text.AsSpan(_textLength));
        _textLength = needed;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> chunk) =>
        !chunk.IsEmpty && chunk.Slice(chunk.Length - 1).FirstSpan[0] == (byte)'\r';

    private void KeepTail(ReadOnlySequence<byte> chunk)
    {
        if (chunk.Length >= TailSize)
        {
            chunk.Slice(chunk.Length - TailSize).CopyTo(_tail);
            _tailLength = TailSize;
            return;
        }

        var n = (int)chunk.Length;
        var keep = Math.Min(_tailLength, TailSize - n);
        _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
        chunk.CopyTo(_tail.AsSpan(keep));
        _tailLength = keep + n;
    }

    private ReceiveResult EndLine()
    {
        if (_textLength > _lineStart && _text[_textLength - 1] == (byte)'\r')
        {
            _textLength--;
        }

        var line = _text.AsSpan(_lineStart, _textLength - _lineStart);
        switch (_expect)
        {
            case Expect.ContinuationLine:
            {
                var copy = line.ToArray();
                _expect = Expect.Command;
                ResetCommand();
                return new ReceiveResult(ReceiveStatus.ContinuationLine) { Line = copy };
            }

            case Expect.IdleDone:
            {
                var done = Ascii.EqualsIgnoreCase(line, "DONE"u8);
                _expect = Expect.Command;
                ResetCommand();
                return done
                    ? new ReceiveResult(ReceiveStatus.IdleDone)
                    : new ReceiveResult(ReceiveStatus.Error, Error: "expected DONE to end IDLE");
            }
        }

        if (_segments.Count == 0 && line.IsEmpty)
        {
            // A stray empty line between commands (some clients add CRLF after a literal): ignored.
            ResetCommand();
            return default;
        }

        if (_segments.Count == 0)
        {
            _tag = ImapTokenizer.ReadTag(line);
            _verb = ImapTokenizer.ReadVerb(line);
        }

        if (TryLiteralSpec(line, quoteAware: true, out var size, out var nonSync, out var literal8, out var specStart, out var wellPlaced))
        {
            _segments.Add(new CommandSegment(_lineStart, specStart, null, false));
            _textLength = _lineStart + specStart;
            _commandSize += specStart;
            return StartLiteral(size, nonSync, literal8, wellPlaced);
        }

        _segments.Add(new CommandSegment(_lineStart, line.Length, null, false));
        return Complete();
    }

    private ReceiveResult StartLiteral(long size, bool nonSync, bool literal8, bool wellPlaced)
    {
        var refusal = Check(size, nonSync, wellPlaced);
        if (refusal is not null)
        {
            _pending = refusal;
            if (!nonSync)
            {
                // The client waits for "+" before sending the data: answering now is enough.
                return Emit();
            }

            _drainRemaining = size;
            _state = State.DrainLiteral;
            return default;
        }

        _commandSize += size;
        _sink = size >= SinkThreshold && _verb == "APPEND" ? LiteralSinkFactory?.Invoke(new LiteralAnnouncement(_tag, _verb, size, literal8)) : null;
        _literal = _sink is null ? new byte[(int)Math.Min(size, FirstLiteralChunk)] : null;
        _literalLength = 0;
        _literalRemaining = size;
        _literal8 = literal8;
        _state = State.Literal;
        return nonSync ? default : new ReceiveResult(ReceiveStatus.NeedContinuation);
    }

    private Refusal? Check(long size, bool nonSync, bool wellPlaced)
    {
        if (!wellPlaced)
        {
            return new Refusal(ImapStatus.Bad, null, "a literal must follow a space or '('");
        }

        if (++_literalCount > _options.MaxLiterals)
        {
            return new Refusal(ImapStatus.Bad, null, $"too many literals in one command (limit {_options.MaxLiterals})");
        }

        if (nonSync && !LiteralPlus && size > LiteralMinusLimit)
        {
            return new Refusal(ImapStatus.Bad, "TOOBIG", $"non-synchronizing literal of {Format(size)} octets; LITERAL- allows {LiteralMinusLimit} at most (RFC 7888)");
        }

        var isAppend = _verb is "APPEND" or "SETMETADATA";
        if (isAppend && AppendLimit is long appendLimit && size > appendLimit)
        {
            return new Refusal(ImapStatus.No, "TOOBIG", $"message of {Format(size)} octets exceeds the APPENDLIMIT of {appendLimit} octets");
        }

        var limit = isAppend ? _options.MaxLiteralSize : _options.MaxLineLength;
        if (size > limit)
        {
            return isAppend
                ? new Refusal(ImapStatus.No, "TOOBIG", $"message of {Format(size)} octets exceeds the limit of {limit} octets")
                : new Refusal(ImapStatus.Bad, "TOOBIG", $"literal of {Format(size)} octets exceeds the limit of {limit} octets for {(_verb.Length == 0 ? "this command" : _verb)}");
        }

        if (_commandSize + size > _options.MaxCommandSize)
        {
            return new Refusal(isAppend ? ImapStatus.No : ImapStatus.Bad, "TOOBIG", $"command exceeds the limit of {_options.MaxCommandSize} octets");
        }

        return null;
    }

    private static string Format(long size) => size == long.MaxValue ? "too many" : size.ToString(CultureInfo.InvariantCulture);

    private void GrowLiteral(int incoming)
    {
        var needed = _literalLength + incoming;
        if (needed <= _literal!.Length)
        {
            return;
        }

        // Grow as data arrives, never to more than the announced size (STYLE.md §4.2).
        var size = (int)Math.Min(Math.Max(needed, (long)_literal.Length * 2), _literalLength + _literalRemaining);
        Array.Resize(ref _literal, size);
    }

    private ReceiveResult EndDrainedLine()
    {
        var tail = _tail.AsSpan(0, _tailLength);
        if (tail.Length > 0 && tail[^1] == (byte)'\r')
        {
            tail = tail[..^1];
        }

        if (_expect == Expect.Command && TryLiteralSpec(tail, quoteAware: false, out var size, out var nonSync, out _, out _, out _) && nonSync)
        {
            // The refused command goes on with another non-synchronizing literal: drain it too.
            _drainRemaining = size;
            _state = State.DrainLiteral;
            return default;
        }

        _expect = Expect.Command;
        return Emit();
    }

    private ReceiveResult Emit()
    {
        AbortSinks();
        var refusal = _pending ?? new Refusal(ImapStatus.Bad, null, "command refused");
        var tag = _expect == Expect.Command ? _tag : null;
        ResetCommand();
        var text = refusal.Code is null ? refusal.Text : $"[{refusal.Code}] {refusal.Text}";
        return new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: text) { ErrorStatus = refusal.Status, Code = refusal.Code };
    }

    private ReceiveResult Complete()
    {
        var text = _text;
        var ok = ImapTokenizer.TryTokenize(text, _segments, _options.MaxArguments, _options.MaxDepth, out var tag, out var command, out var arguments, out var error);
        if (!ok)
        {
            AbortSinks();
        }

        _text = [];
        ResetCommand();
        return ok
            ? new ReceiveResult(ReceiveStatus.Request, new ImapRequest(tag!, command, arguments))
            : new ReceiveResult(ReceiveStatus.Error, Tag: tag, Error: error);
    }

    private void AbortSinks()
    {
        _sink?.Abort();
        _sink = null;
        foreach (var segment in _segments)
        {
            segment.Sink?.Abort();
        }
    }

    private void ResetCommand()
    {
        _state = State.Line;
        _segments.Clear();
        _textLength = 0;
        _lineStart = 0;
        _tag = null;
        _verb = string.Empty;
        _commandSize = 0;
        _literalCount = 0;
        _literal = null;
        _sink = null;
        _literalLength = 0;
        _literalRemaining = 0;
        _pending = null;
        if (_text.Length > 64 * 1024)
        {
            _text = [];
        }
    }

    // literal = "{" number64 ["+"] "}" CRLF ; literal8 = "~{" number64 ["+"] "}" CRLF (RFC 9051 §9, RFC 7888)
    // A line ending in a literal inside an unterminated quoted string is not a literal announcement.
    private static bool TryLiteralSpec(ReadOnlySpan<byte> line, bool quoteAware, out long size, out bool nonSync, out bool literal8, out int start, out bool wellPlaced)
    {
        size = 0;
        nonSync = false;
        literal8 = false;
        start = 0;
        wellPlaced = true;
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

        if (digits.IsEmpty || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        if (quoteAware && EndsInsideQuote(line[..open]))
        {
            return false;
        }

        size = digits.Length > 18 ? long.MaxValue : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        start = open;
        if (open > 0 && line[open - 1] == (byte)'~')
        {
            literal8 = true;
            start = open - 1;
        }

        wellPlaced = start == 0 || line[start - 1] is (byte)' ' or (byte)'(';
        return true;
    }

    private static bool EndsInsideQuote(ReadOnlySpan<byte> text)
    {
        var inQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (inQuote && b == (byte)'\\')
            {
                i++;
            }
            else if (b == (byte)'"')
            {
                inQuote = !inQuote;
            }
        }

        return inQuote;
    }

    private sealed record Refusal(ImapStatus Status, string? Code, string Text);
}
