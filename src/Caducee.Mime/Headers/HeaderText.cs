// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime;

/// <summary>Turns raw header bytes into text: unfolding (RFC 5322 §2.2.3) and UTF-8 or Latin-1 decoding.</summary>
internal static class HeaderText
{
    private static readonly Encoding s_latin1 = Encoding.Latin1;

    public static string Latin1(ReadOnlySpan<byte> bytes) => s_latin1.GetString(bytes);

    /// <summary>RFC 6532: header bytes are UTF-8; legacy 8-bit headers that are not valid UTF-8 are read as Latin-1.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        return Charsets.Windows1252.GetString(bytes);
    }

    /// <summary>Removes every CRLF (or bare LF) of the folding, trims leading and trailing whitespace, and decodes.</summary>
    public static string Unfold(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> v = raw.Trim(" \t\r\n"u8);
        if (v.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return Decode(v);
        }

        byte[] tmp = new byte[v.Length];
        int n = 0;
        foreach (byte b in v)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                tmp[n++] = b;
            }
        }

        return Decode(tmp.AsSpan(0, n));
    }
}
