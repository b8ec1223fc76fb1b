// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>The outcome of feeding DATA input.</summary>
public enum DataStatus
{
    /// <summary>The terminating "CRLF.CRLF" has not been seen yet.</summary>
    NeedMoreData,
    /// <summary>The terminator was seen; the message is complete (or was drained because it was too large).</summary>
    Complete,
}

/// <summary>
/// Receives the content of a DATA command (RFC 5321 §4.1.1.4, §4.5.2): removes dot-stuffing, finds the
/// ".CRLF" line that ends the message, and caps the size <em>while</em> reading (the lesson of
/// SmtpServer#225): past <see cref="MaxSize"/> the content is drained, not buffered, and
/// <see cref="TooLarge"/> is set so the session answers 552 after the terminator. Lines are bounded the same
/// way (RFC 5321 §4.5.3.1.6: 1000 octets including CRLF): a longer line sets <see cref="LineTooLong"/> and the
/// rest of the message is drained. Sans-I/O: bytes in, unstuffed bytes out to an <see cref="IBufferWriter{T}"/>.
/// </summary>
/// <remarks>
/// Only CRLF "." CRLF ends the message. A bare LF followed by "." is content (no SMTP smuggling here);
/// the outbound client re-stuffs with canonical CRLF so such input cannot end a message downstream.
/// </remarks>
public sealed class DataReceiver
{
    private const byte ByteCr = (byte)'\r';
    private const byte ByteLf = (byte)'\n';
    private const byte ByteDot = (byte)'.';

    private State _state = State.LineStart;
    private long _lineLength;

    /// <param name="maxSize">The largest message kept, in octets after unstuffing.</param>
    /// <param name="maxLineLength">The longest line, in octets on the wire including CRLF; 0 for no limit.</param>
    public DataReceiver(long maxSize, int maxLineLength = 0)
    {
        MaxSize = maxSize;
        MaxLineLength = maxLineLength;
    }

    private enum State
    {
        LineStart,
        Body,
        Cr,
        Dot,
        DotCr,
        Done,
    }

    /// <summary>The largest message accepted, in octets after unstuffing.</summary>
    public long MaxSize { get; }

    /// <summary>The longest line accepted, in octets on the wire including CRLF (0: no limit).</summary>
    public int MaxLineLength { get; }

    /// <summary>True once a line passed <see cref="MaxLineLength"/>; the rest is drained.</summary>
    public bool LineTooLong { get; private set; }

    /// <summary>Octets of content seen so far (after unstuffing), counted even when draining.</summary>
    public long Size { get; private set; }

    /// <summary>True once the content passed <see cref="MaxSize"/>; the rest is drained.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>True when the content held a bare LF or bare CR (recorded for the trace and policy).</summary>
    public bool SawBareLineEnding { get; private set; }

    /// <summary>Resets for a new message.</summary>
    public void Reset()
    {
        _state = State.LineStart;
        Size = 0;
        TooLarge = false;
        LineTooLong = false;
        SawBareLineEnding = false;
        _lineLength = 0;
    }

    /// <summary>
    /// Consumes <paramref name="input"/>; writes content to <paramref name="output"/>. Returns
    /// <see cref="DataStatus.Complete"/> when the terminator was consumed; <paramref name="consumed"/> is
    /// where the next command starts (pipelined input after DATA stays in the buffer).
    /// </summary>
    public DataStatus Feed(ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed)
    {
        long offset = 0;
        foreach (var segment in input)
        {
            var span = segment.Span;
            var i = 0;
            while (i < span.Length)
            {
                var start = i;
                switch (_state)
                {
                    case State.LineStart:
                        if (span[i] == ByteDot)
                        {
                            _state = State.Dot;
                            i++;
                        }
                        else
                        {
                            _state = State.Body;
                        }

                        break;

                    case State.Body:
                        {
                            // Fast path: copy up to the next CR or LF in one go.
                            var rest = span[i..];
                            var stop = rest.IndexOfAny(ByteCr, ByteLf);
                            if (MaxLineLength > 0 && _lineLength + (stop < 0 ? rest.Length : stop) + 1 > MaxLineLength)
                            {
                                // Even the shortest line end (a bare LF) would not fit: stop keeping content now.
                                LineTooLong = true;
                            }

                            if (stop < 0)
                            {
                                Write(output, rest);
                                i = span.Length;
                                break;
                            }

                            Write(output, rest[..stop]);
                            i += stop;
                            if (span[i] == ByteCr)
                            {
                                _state = State.Cr;
                            }
                            else
                            {
                                // Bare LF: content, and a new line for unstuffing purposes is NOT started.
                                SawBareLineEnding = true;
                                Write(output, span.Slice(i, 1));
                            }

                            i++;
                            break;
                        }

                    case State.Cr:
                        if (span[i] == ByteLf)
                        {
                            Write(output, "\r\n"u8);
                            _state = State.LineStart;
                            i++;
                        }
                        else
                        {
                            SawBareLineEnding = true;
                            Write(output, "\r"u8);
                            _state = State.Body;
                        }

                        break;

                    case State.Dot:
                        if (span[i] == ByteCr)
                        {
                            _state = State.DotCr;
                            i++;
                        }
                        else
                        {
                            // RFC 5321 §4.5.2: a leading period is deleted; the rest of the line is content.
                            _state = State.Body;
                        }

                        break;

                    case State.DotCr:
                        if (span[i] == ByteLf)
                        {
                            _state = State.Done;
                            _lineLength = 0;
                            consumed = input.GetPosition(offset + i + 1);
                            return DataStatus.Complete;
                        }

                        // ".\r" not followed by LF: the dot was stuffing, CR is content.
                        SawBareLineEnding = true;
                        Write(output, "\r"u8);
                        _state = State.Body;
                        break;

                    case State.Done:
                        consumed = input.GetPosition(offset + i);
                        return DataStatus.Complete;
                }

                CountLine(span, start, i);
            }

            offset += span.Length;
        }

        consumed = input.End;
        return DataStatus.NeedMoreData;
    }

    // RFC 5321 §4.5.3.1.6: counts the wire octets of the current line; any LF ends a line.
    private void CountLine(ReadOnlySpan<byte> span, int start, int end)
    {
        if (MaxLineLength <= 0 || end == start)
        {
            return;
        }

        _lineLength += end - start;
        if (_lineLength > MaxLineLength)
        {
            LineTooLong = true;
        }

        if (span[end - 1] == ByteLf)
        {
            _lineLength = 0;
        }
    }

    private void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        Size += bytes.Length;
        if (TooLarge || LineTooLong)
        {
            return;
        }

        if (Size > MaxSize)
        {
            TooLarge = true;
            return;
        }

        output.Write(bytes);
    }
}
