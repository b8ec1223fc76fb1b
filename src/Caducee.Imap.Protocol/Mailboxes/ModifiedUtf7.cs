// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Caducee.Imap.Protocol.Mailboxes;

/// <summary>
/// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII except "&amp;" stands for
/// itself, "&amp;" is "&amp;-", anything else is UTF-16BE in modified base64 (with "," for "/") between "&amp;"
/// and "-". Used when neither UTF8=ACCEPT (RFC 6855) nor IMAP4rev2 is enabled.
/// </summary>
public static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    /// <summary>Encodes a mailbox name.</summary>
    public static string Encode(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c is >= ' ' and <= '~')
            {
                sb.Append(c == '&' ? "&-" : c);
                i++;
                continue;
            }

            var start = i;
            while (i < name.Length && name[i] is < ' ' or > '~')
            {
                i++;
            }

            sb.Append('&');
            AppendBase64(sb, name.AsSpan(start, i - start));
            sb.Append('-');
        }

        return sb.ToString();
    }

    /// <summary>
    /// Decodes a mailbox name. False when it is not valid modified UTF-7: 8-bit or control characters,
    /// an unterminated or badly padded base64 run, printable ASCII encoded in base64, split runs, or
    /// invalid UTF-16 (every valid name is the encoding of exactly one string).
    /// </summary>
    public static bool TryDecode(string encoded, [NotNullWhen(true)] out string? name)
    {
        name = null;
        var sb = new StringBuilder(encoded.Length);
        var i = 0;
        while (i < encoded.Length)
        {
            var c = encoded[i];
            if (c is < ' ' or > '~')
            {
                return false;
            }

            if (c != '&')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var end = encoded.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }

            if (end == i + 1)
            {
                sb.Append('&');
                i = end + 1;
                continue;
            }

            if (!TryDecodeBase64(encoded.AsSpan(i + 1, end - i - 1), sb))
            {
                return false;
            }

            i = end + 1;
        }

        var decoded = sb.ToString();
        if (!string.Equals(Encode(decoded), encoded, StringComparison.Ordinal))
        {
            return false;
        }

        name = decoded;
        return true;
    }

    private static void AppendBase64(StringBuilder sb, ReadOnlySpan<char> chars)
    {
        var bits = 0;
        var buffer = 0;
        foreach (var ch in chars)
        {
            buffer = (buffer << 16) | ch;
            bits += 16;
            while (bits >= 6)
            {
                bits -= 6;
                sb.Append(Alphabet[(buffer >> bits) & 0x3F]);
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (6 - bits)) & 0x3F]);
        }
    }

    private static bool TryDecodeBase64(ReadOnlySpan<char> text, StringBuilder sb)
    {
        var bits = 0;
        var buffer = 0;
        var start = sb.Length;
        foreach (var ch in text)
        {
            var v = Alphabet.IndexOf(ch, StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 16)
            {
                bits -= 16;
                sb.Append((char)((buffer >> bits) & 0xFFFF));
                buffer &= (1 << bits) - 1;
            }
        }

        // Leftover bits must be fewer than 6 and zero; at least one character; valid UTF-16.
        if (bits >= 6 || buffer != 0 || sb.Length == start)
        {
            return false;
        }

        for (var k = start; k < sb.Length; k++)
        {
            var ch = sb[k];
            if (char.IsHighSurrogate(ch))
            {
                if (k + 1 >= sb.Length || !char.IsLowSurrogate(sb[k + 1]))
                {
                    return false;
                }

                k++;
            }
            else if (char.IsLowSurrogate(ch))
            {
                return false;
            }
        }

        return true;
    }
}
