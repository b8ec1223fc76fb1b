// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>
/// A streaming uudecoder for the x-uuencode transfer encoding: skips to the "begin" line, decodes
/// each line by its length character, stops at "end". Lines are buffered up to a bounded length.
/// </summary>
public sealed class UUDecoder : IContentDecoder
{
    private const int MaxLine = 1024;
    private readonly byte[] _line = new byte[MaxLine];
    private int _len;
    private int _state; // 0 before begin, 1 in data, 2 ended

    /// <inheritdoc/>
    public int MaxOutputLength(int inputLength) => inputLength + MaxLine;

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, bool isFinal)
    {
        int w = 0;
        foreach (byte b in input)
        {
            if (b == (byte)'\n')
            {
                w += Line(output[w..]);
                _len = 0;
            }
            else if (_len < MaxLine)
            {
                _line[_len++] = b;
            }
        }

        if (isFinal && _len > 0)
        {
            w += Line(output[w..]);
            _len = 0;
        }

        return w;
    }

    private int Line(Span<byte> output)
    {
        ReadOnlySpan<byte> l = _line.AsSpan(0, _len).TrimEnd((byte)'\r');
        if (_state == 0)
        {
            if (l.StartsWith("begin"u8))
            {
                _state = 1;
            }

            return 0;
        }

        if (_state == 2 || l.Length == 0)
        {
            return 0;
        }

        if (l.StartsWith("end"u8) && l.Length <= 4)
        {
            _state = 2;
            return 0;
        }

        int n = (l[0] - 32) & 63;
        int w = 0;
        int i = 1;
        while (w < n && i < l.Length)
        {
            int c0 = Get(l, i), c1 = Get(l, i + 1), c2 = Get(l, i + 2), c3 = Get(l, i + 3);
            int v = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
            if (w < n)
            {
                output[w++] = (byte)(v >> 16);
            }

            if (w < n)
            {
                output[w++] = (byte)(v >> 8);
            }

            if (w < n)
            {
                output[w++] = (byte)v;
            }

            i += 4;
        }

        return w;
    }

    private static int Get(ReadOnlySpan<byte> l, int i) => i < l.Length ? (l[i] - 32) & 63 : 0;

    /// <inheritdoc/>
    public void Reset()
    {
        _len = 0;
        _state = 0;
    }
}
