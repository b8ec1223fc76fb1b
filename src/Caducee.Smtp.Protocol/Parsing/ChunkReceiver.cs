// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>
/// Receives the chunks of a message sent with BDAT (RFC 3030 §2): after each BDAT command line, exactly
/// the announced number of octets, taken as they are (no dot-stuffing, no line structure). The message
/// size is capped <em>while</em> reading: past <see cref="MaxSize"/> nothing more is kept and
/// <see cref="TooLarge"/> is set, but every octet of the chunk is still consumed so that the next command
/// is found where the client put it. A refused BDAT (bad sequence, failed transaction) is consumed the
/// same way, in discard mode. Sans-I/O: bytes in, content out to an <see cref="IBufferWriter{T}"/>.
/// </summary>
public sealed class ChunkReceiver
{
    private bool _discard;

    public ChunkReceiver(long maxSize)
    {
        MaxSize = maxSize;
    }

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
        Remaining = 0;
        _discard = false;
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

            if (!TooLarge)
            {
                foreach (var segment in chunk)
                {
                    output.Write(segment.Span);
                }
            }
        }

        Remaining -= take;
        consumed = chunk.End;
        return Remaining == 0 ? DataStatus.Complete : DataStatus.NeedMoreData;
    }
}
