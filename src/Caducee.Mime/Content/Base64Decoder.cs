// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Buffers.Text;

namespace Caducee.Mime;

/// <summary>
/// A streaming, lenient base64 decoder (RFC 2045 §6.8): whitespace and line breaks are skipped,
/// characters outside the alphabet are skipped and counted, missing padding is tolerated. Input may be
/// fed in chunks split anywhere. Whole lines go through the vectorised <see cref="Base64"/> decoder.
/// </summary>
public sealed class Base64Decoder : IContentDecoder
{
    private static readonly sbyte[] s_map = BuildMap();
    private uint _bits;
    private int _count;
    private bool _ended;

    /// <summary>Number of bytes skipped because they are outside the base64 alphabet.</summary>
    public int InvalidBytes { get; private set; }

    /// <summary>The largest output a call with <paramref name="inputLength"/> bytes may write.</summary>
    public static int MaxOutputLength(int inputLength) => ((inputLength + 3) / 4 * 3) + 3;

    int IContentDecoder.MaxOutputLength(int inputLength) => MaxOutputLength(inputLength);

    /// <summary>Decodes a chunk; returns the number of bytes written. With <paramref name="isFinal"/>, flushes a partial quantum.</summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, bool isFinal)
    {
        int written = 0;
        int i = 0;
        while (i < input.Length)
        {
            if (_count == 0 && !_ended)
            {
                // Fast path: a whole run up to the next line break, a multiple of 4, decoded at once.
                ReadOnlySpan<byte> rest = input[i..];
                int eol = rest.IndexOfAny((byte)'\r', (byte)'\n');
                int runLength = eol < 0 ? rest.Length : eol;
                if (runLength >= 4 && (runLength & 3) == 0)
                {
                    OperationStatus st = Base64.DecodeFromUtf8(rest[..runLength], output[written..], out int consumed, out int n, isFinalBlock: true);
                    if (st == OperationStatus.Done)
                    {
                        written += n;
                        i += consumed;
                        if (rest[runLength - 1] == (byte)'=')
                        {
                            _ended = true;
                        }

                        continue;
                    }
                }

                if (runLength == 0)
                {
                    i++;
                    continue;
                }
            }

            byte b = input[i++];
            int v = s_map[b];
            if (v >= 0)
            {
                if (_ended)
                {
                    // Data after padding: a new stream (concatenated base64); start again.
                    _ended = false;
                }

                _bits = (_bits << 6) | (uint)v;
                if (++_count == 4)
                {
                    output[written++] = (byte)(_bits >> 16);
                    output[written++] = (byte)(_bits >> 8);
                    output[written++] = (byte)_bits;
                    _bits = 0;
                    _count = 0;
                }
            }
            else if (b == (byte)'=')
            {
                written += FlushPartial(output[written..]);
                _ended = true;
            }
            else if (v == -1)
            {
                InvalidBytes++;
            }
        }

        if (isFinal)
        {
            written += FlushPartial(output[written..]);
        }

        return written;
    }

    private int FlushPartial(Span<byte> output)
    {
        int n = 0;
        if (_count == 2)
        {
            output[n++] = (byte)(_bits >> 4);
        }
        else if (_count == 3)
        {
            output[n++] = (byte)(_bits >> 10);
            output[n++] = (byte)(_bits >> 2);
        }
        else if (_count == 1)
        {
            InvalidBytes++;
        }

        _bits = 0;
        _count = 0;
        return n;
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _bits = 0;
        _count = 0;
        _ended = false;
        InvalidBytes = 0;
    }

    private static sbyte[] BuildMap()
    {
        var map = new sbyte[256];
        Array.Fill(map, (sbyte)-1);
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < Alphabet.Length; i++)
        {
            map[Alphabet[i]] = (sbyte)i;
        }

        // Whitespace is skipped silently (-2); '=' handled apart.
        map[' '] = -2;
        map['\t'] = -2;
        map['\r'] = -2;
        map['\n'] = -2;
        map['='] = -3;
        return map;
    }
}
