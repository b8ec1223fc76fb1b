// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Testing;

/// <summary>Builds multi-segment sequences so parsers are tested on input split at any byte (STYLE.md §4.9).</summary>
internal static class Split
{
    /// <summary>A sequence of the bytes cut at the given positions.</summary>
    public static ReadOnlySequence<byte> At(byte[] bytes, params int[] cuts)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().ToList();
        if (points.Count == 0)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        Segment? first = null, last = null;
        var start = 0;
        foreach (var end in points.Append(bytes.Length))
        {
            var chunk = bytes[start..end];
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }

            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
