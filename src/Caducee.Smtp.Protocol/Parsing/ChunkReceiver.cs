// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>
/// Receives the chunks of a message sent with BDAT (RFC 3030 §2): after each BDAT command line, exactly
/// the announced number of octets, taken as they are (no dot-stuffing, no line structure). The message
/// size is capped <em>while</em> reading: past <see cref="MaxSize"/> nothing more is kept and
/// <see cref="TooLarge"/> is set, but every octet of the chunk is still consumed so that the next command
/// is found where the client put it. A refused BDAT (bad sequence, failed transaction) is consumed the
/// same way, in discard mode. Lines are bounded as in DATA (RFC 5321 §4.5.3.1.6 still applies to 7BIT and
/// 8BITMIME content sent with BDAT): past <see cref="MaxLineLength"/> <see cref="LineTooLong"/> is set and
/// nothing more is kept. Sans-I/O: bytes in, content out to an <see cref="IBufferWriter{T}"/>.
/// </summary>
public sealed class ChunkReceiver
{
    private const byte ByteLf = (byte)'\n';

    private bool _discard;
    private long _lineLength;

    /// <param name="maxSize">The largest message kept, in octets.</param>
    /// <param name="maxLineLength">The longest line, in octets including CRLF; 0 for no limit.</param>
    public ChunkReceiver(long maxSize, int maxLineLength = 0)
    {
        MaxSize = maxSize;
        MaxLineLength = maxLineLength;
    }

    /// <summary>The longest line accepted, in octets including CRLF (0: no limit).</summary>
    public int MaxLineLength { get; }

    /// <summary>True once a line passed <see cref="MaxLineLength"/>; the rest is drained.</summary>
    public bool LineTooLong { get; private set; }

    /// <summary>The largest message accepted, in octets.</summary>
    public long MaxSize { get; }

    /// <summary>Octets of the message received so far over all its chunks (discarded chunks excluded).</summary>
    public long Size { get; private set; }

    /// <summary>True once the message passed <see cref="MaxSize"/>; the rest of every chunk is drained.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>Octets of the current chunk not yet received.</summary>
    public long Remaining { get; private set; }

    /// <summary>Resets for a new message.</summary>
    public void Reset()
    {
        Size = 0;
        TooLarge = false;
        LineTooLong = false;
        Remaining = 0;
        _discard = false;
        _lineLength = 0;
    }

    /// <summary>
    /// Expects a chunk of <paramref name="chunkSize"/> octets. With <paramref name="discard"/> the chunk is
    /// consumed and dropped (a refused BDAT). When the chunk cannot fit under <see cref="MaxSize"/> it is
    /// known at once: the message is marked <see cref="TooLarge"/> and nothing of the chunk is kept.
    /// </summary>
    public void StartChunk(long chunkSize, bool discard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkSize);
        Remaining = chunkSize;
        _discard = discard;
        if (!discard && chunkSize > MaxSize - Size)
        {
            TooLarge = true;
        }
    }

    /// <summary>
    /// Consumes up to the rest of the current chunk from <paramref name="input"/>. Returns
    /// <see cref="DataStatus.Complete"/> when the chunk is complete; <paramref name="consumed"/> is where the
    /// next command starts (pipelined input after the chunk stays in the buffer).
    /// </summary>
    public DataStatus Feed(ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed)
    {
        var take = Math.Min(Remaining, input.Length);
        var chunk = input.Slice(0, take);
        if (!_discard)
        {
            Size += take;
            if (!TooLarge && Size > MaxSize)
            {
                TooLarge = true;
            }

            foreach (var segment in chunk)
            {
                CountLines(segment.Span);
                if (!TooLarge && !LineTooLong)
                {
                    output.Write(segment.Span);
                }
            }
        }

        Remaining -= take;
        consumed = chunk.End;
        return Remaining == 0 ? DataStatus.Complete : DataStatus.NeedMoreData;
    }

    // Lines run across chunks: the count goes on from one chunk to the next; any LF ends a line.
    private void CountLines(ReadOnlySpan<byte> span)
    {
        if (MaxLineLength <= 0 || LineTooLong)
        {
            return;
        }

        while (!span.IsEmpty)
        {
            var lf = span.IndexOf(ByteLf);
            var run = lf < 0 ? span.Length : lf + 1;
            _lineLength += run;
            if (_lineLength > MaxLineLength)
            {
                LineTooLong = true;
                return;
            }

            if (lf >= 0)
            {
                _lineLength = 0;
            }

            span = span[run..];
        }
    }
}
