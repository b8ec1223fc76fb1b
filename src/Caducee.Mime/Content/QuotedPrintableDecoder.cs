// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>
/// A streaming, lenient quoted-printable decoder (RFC 2045 §6.7): soft line breaks removed, "=XX" in
/// either case decoded, trailing whitespace before a line break dropped, bad escapes kept literally.
/// Input may be fed in chunks split anywhere.
/// </summary>
public sealed class QuotedPrintableDecoder : IContentDecoder
{
    private const int MaxPendingSpace = 998;
    private int _state; // 0 normal, 1 after '=', 2 after '=' + hex, 3 after '=' + whitespace (soft break pending)
    private byte _hex1;
    private int _pendingSpaces; // run of spaces/tabs not yet written, kept in _space
    private readonly byte[] _space = new byte[MaxPendingSpace];
    private bool _pendingCr;

    /// <summary>Number of malformed escapes kept literally.</summary>
    public int InvalidEscapes { get; private set; }

    /// <inheritdoc/>
    public int MaxOutputLength(int inputLength) => inputLength + MaxPendingSpace + 3;

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, bool isFinal)
    {
        int w = 0;
        for (int i = 0; i < input.Length; i++)
        {
            byte b = input[i];
            switch (_state)
            {
                case 0:
                    if (_pendingCr && b != (byte)'\n')
                    {
                        // A bare CR: keep it as data.
                        w = FlushSpaces(output, w);
                        output[w++] = (byte)'\r';
                        _pendingCr = false;
                    }

                    if (b is (byte)' ' or (byte)'\t')
                    {
                        if (_pendingCr)
                        {
                            _pendingCr = false;
                        }

                        if (_pendingSpaces == MaxPendingSpace)
                        {
                            w = FlushSpaces(output, w);
                        }

                        _space[_pendingSpaces++] = b;
                    }
                    else if (b == (byte)'\r')
                    {
                        _pendingCr = true;
                    }
                    else if (b == (byte)'\n')
                    {
                        // Hard line break: trailing whitespace is dropped (RFC 2045 §6.7 rule 3).
                        _pendingSpaces = 0;
                        if (_pendingCr)
                        {
                            output[w++] = (byte)'\r';
                            _pendingCr = false;
                        }

                        output[w++] = (byte)'\n';
                    }
                    else if (b == (byte)'=')
                    {
                        w = FlushSpaces(output, w);
                        _state = 1;
                    }
                    else
                    {
                        w = FlushSpaces(output, w);
                        output[w++] = b;
                    }

                    break;
                case 1:
                    if (Hex(b) >= 0)
                    {
                        _hex1 = b;
                        _state = 2;
                    }
                    else if (b == (byte)'\n')
                    {
                        _state = 0; // soft line break "=\n"
                    }
                    else if (b is (byte)'\r' or (byte)' ' or (byte)'\t')
                    {
                        _state = 3; // "=" then whitespace/CR: a soft break if only whitespace follows to the line end
                        _pendingSpaces = 0;
                        _space[_pendingSpaces++] = b;
                    }
                    else
                    {
                        InvalidEscapes++;
                        output[w++] = (byte)'=';
                        _state = 0;
                        i--; // reprocess b in the normal state
                    }

                    break;
                case 2:
                    if (Hex(b) >= 0)
                    {
                        output[w++] = (byte)((Hex(_hex1) << 4) | Hex(b));
                        _state = 0;
                    }
                    else
                    {
                        InvalidEscapes++;
                        output[w++] = (byte)'=';
                        output[w++] = _hex1;
                        _state = 0;
                        i--;
                    }

                    break;
                default: // 3
                    if (b == (byte)'\n')
                    {
                        _pendingSpaces = 0;
                        _state = 0;
                    }
                    else if (b is (byte)'\r' or (byte)' ' or (byte)'\t')
                    {
                        if (_pendingSpaces < MaxPendingSpace)
                        {
                            _space[_pendingSpaces++] = b;
                        }
                    }
                    else
                    {
                        // Not a soft break after all: keep "=" and the whitespace.
                        InvalidEscapes++;
                        output[w++] = (byte)'=';
                        for (int k = 0; k < _pendingSpaces; k++)
                        {
                            output[w++] = _space[k];
                        }

                        _pendingSpaces = 0;
                        _state = 0;
                        i--;
                    }

                    break;
            }
        }

        if (isFinal)
        {
            if (_state == 1)
            {
                // "=" at the very end: a soft break with no line after it.
                _state = 0;
            }
            else if (_state == 2)
            {
                output[w++] = (byte)'=';
                output[w++] = _hex1;
                InvalidEscapes++;
            }
            else if (_state == 3)
            {
                _pendingSpaces = 0;
            }

            if (_pendingCr)
            {
                output[w++] = (byte)'\r';
                _pendingCr = false;
            }

            // Trailing whitespace at the end of the data is dropped like at the end of a line.
            _pendingSpaces = 0;
            _state = 0;
        }

        return w;
    }

    private int FlushSpaces(Span<byte> output, int w)
    {
        if (_pendingSpaces > 0)
        {
            _space.AsSpan(0, _pendingSpaces).CopyTo(output[w..]);
            w += _pendingSpaces;
            _pendingSpaces = 0;
        }

        return w;
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <inheritdoc/>
    public void Reset()
    {
        _state = 0;
        _pendingSpaces = 0;
        _pendingCr = false;
        InvalidEscapes = 0;
    }
}
