// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>The outcome of looking for one command line in buffered input.</summary>
public enum LineStatus
{
    /// <summary>A complete line was found (without its CRLF).</summary>
    Line,
    /// <summary>No line end yet and the buffered data is within the limit: read more.</summary>
    NeedMoreData,
    /// <summary>More than the limit is buffered without a line end: drain to the next LF, then reply.</summary>
    TooLong,
}

/// <summary>
/// Finds command lines in a byte sequence, bounded (STYLE.md §4.2). RFC 5321 §4.5.3.1.4 sets 512 octets
/// for a command line including CRLF; extensions (SIZE, DSN params, AUTH initial responses) lengthen it,
/// so the limit is a parameter. A bare LF also ends a line (lenient, as Postfix).
/// </summary>
public static class LineReader
{
    private const byte ByteLf = (byte)'\n';
    private const byte ByteCr = (byte)'\r';

    /// <summary>
    /// Looks for a line in <paramref name="buffer"/>. On <see cref="LineStatus.Line"/>, <paramref name="line"/>
    /// holds the line without CRLF and <paramref name="buffer"/> is advanced past it.
    /// </summary>
    public static LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLength, out ReadOnlySequence<byte> line)
    {
        var searched = buffer.Length > maxLength ? buffer.Slice(0, maxLength) : buffer;
        var lf = searched.PositionOf(ByteLf);
        if (lf is null)
        {
            line = default;
            return buffer.Length >= maxLength ? LineStatus.TooLong : LineStatus.NeedMoreData;
        }

        var withCr = buffer.Slice(0, lf.Value);
        if (withCr.Length > 0 && EndsWithCr(withCr))
        {
            withCr = withCr.Slice(0, withCr.Length - 1);
        }

        line = withCr;
        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return LineStatus.Line;
    }

    /// <summary>
    /// Discards input up to and including the next LF. Returns true when the LF was found (the oversized
    /// line is fully drained); false when everything buffered was discarded and more must be read.
    /// </summary>
    public static bool TryDrainLine(ref ReadOnlySequence<byte> buffer)
    {
        var lf = buffer.PositionOf(ByteLf);
        if (lf is null)
        {
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return true;
    }

    private static bool EndsWithCr(ReadOnlySequence<byte> seq)
    {
        if (seq.IsSingleSegment)
        {
            return seq.FirstSpan[^1] == ByteCr;
        }

        return seq.Slice(seq.Length - 1).FirstSpan[0] == ByteCr;
    }
}
