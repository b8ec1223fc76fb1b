// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime;

/// <summary>
/// RFC 2047 encoded words: decoding with the usual tolerance (words glued to text, lower-case
/// encodings, multibyte sequences split across adjacent words, missing padding, unknown charsets),
/// and encoding for the writer.
/// </summary>
public static class Rfc2047
{
    private const int MaxCharsetLength = 64;

    /// <summary>Decodes every encoded word in an unfolded header value. Text that is not an encoded word is kept.</summary>
    public static string DecodeText(string value)
    {
        int first = value.IndexOf("=?", StringComparison.Ordinal);
        if (first < 0)
        {
            return value;
        }

        // No "?=" after this point means no further encoded word can end: stop (keeps decoding linear).
        int lastClose = value.LastIndexOf("?=", StringComparison.Ordinal);
        var sb = new StringBuilder(value.Length);
        List<byte>? pending = null;
        string? pendingCharset = null;
        int pos = 0;
        bool lastWasWord = false;
        int search = first;
        while (search >= 0 && search < value.Length)
        {
            int at = value.IndexOf("=?", search, StringComparison.Ordinal);
            if (at < 0 || at + 2 > lastClose)
            {
                break;
            }

            if (!TryParseWord(value, at, out int end, out string charset, out char enc, out int textStart, out int textEnd))
            {
                search = at + 2;
                continue;
            }

            ReadOnlySpan<char> between = value.AsSpan(pos, at - pos);
            bool onlySpace = between.IsWhiteSpace();
            if (!(lastWasWord && onlySpace))
            {
                Flush(sb, ref pending, ref pendingCharset);
                sb.Append(between);
            }

            if (pendingCharset is not null && !string.Equals(pendingCharset, charset, StringComparison.OrdinalIgnoreCase))
            {
                Flush(sb, ref pending, ref pendingCharset);
            }

            pending ??= [];
            pendingCharset = charset;
            ReadOnlySpan<char> text = value.AsSpan(textStart, textEnd - textStart);
            if (enc is 'B' or 'b')
            {
                DecodeB(text, pending);
            }
            else
            {
                DecodeQ(text, pending);
            }

            lastWasWord = true;
            pos = end;
            search = end;
        }

        Flush(sb, ref pending, ref pendingCharset);
        sb.Append(value.AsSpan(pos));
        return sb.ToString();
    }

    private static void Flush(StringBuilder sb, ref List<byte>? pending, ref string? charset)
    {
        if (pending is { Count: > 0 })
        {
            string cs = charset ?? "utf-8";
            int star = cs.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0)
            {
                cs = cs[..star];
            }

            sb.Append(Charsets.DecodeText(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending), cs));
            pending.Clear();
        }

        charset = null;
    }

    // encoded-word = "=?" charset ["*" language] "?" encoding "?" encoded-text "?="
    private static bool TryParseWord(string s, int at, out int end, out string charset, out char enc, out int textStart, out int textEnd)
    {
        end = textStart = textEnd = 0;
        charset = string.Empty;
        enc = '\0';
        int p = at + 2;
        int q = s.IndexOf('?', p);
        if (q <= p || q - p > MaxCharsetLength)
        {
            return false;
        }

        for (int i = p; i < q; i++)
        {
            char c = s[i];
            if (c <= ' ' || c >= 127 || c is '(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '"' or '/' or '[' or ']' or '.' or '=')
            {
                return false;
            }
        }

        if (q + 2 >= s.Length || s[q + 2] != '?' || s[q + 1] is not ('B' or 'b' or 'Q' or 'q'))
        {
            return false;
        }

        enc = s[q + 1];
        textStart = q + 3;
        int close = s.IndexOf("?=", textStart, StringComparison.Ordinal);
        if (close < 0)
        {
            return false;
        }

        charset = s[p..q];
        textEnd = close;
        end = close + 2;
        return true;
    }

    private static void DecodeQ(ReadOnlySpan<char> text, List<byte> output)
    {
        Span<byte> tmp = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '_')
            {
                output.Add(0x20);
            }
            else if (c == '=' && i + 2 < text.Length && Hex(text[i + 1]) >= 0 && Hex(text[i + 2]) >= 0)
            {
                output.Add((byte)((Hex(text[i + 1]) << 4) | Hex(text[i + 2])));
                i += 2;
            }
            else if (c < 256)
            {
                output.Add((byte)c);
            }
            else
            {
                int n = Encoding.UTF8.GetBytes([c], tmp);
                for (int k = 0; k < n; k++)
                {
                    output.Add(tmp[k]);
                }
            }
        }
    }

    private static void DecodeB(ReadOnlySpan<char> text, List<byte> output)
    {
        byte[] input = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            input[i] = text[i] < 128 ? (byte)text[i] : (byte)'?';
        }

        byte[] buf = new byte[Base64Decoder.MaxOutputLength(input.Length)];
        var dec = new Base64Decoder();
        int n = dec.Decode(input, buf, isFinal: true);
        for (int i = 0; i < n; i++)
        {
            output.Add(buf[i]);
        }
    }

    internal static int Hex(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Encodes a header value for a 7-bit header: plain when it is printable ASCII, otherwise as
    /// UTF-8 B encoded words of at most 75 characters, separated by a folding CRLF SP.
    /// </summary>
    public static string EncodeText(string value) => EncodeText(value, force: false);

    /// <summary>As <see cref="EncodeText(string)"/>; with <paramref name="force"/>, encodes even printable ASCII.</summary>
    public static string EncodeText(string value, bool force)
    {
        bool ascii = true;
        foreach (char c in value)
        {
            if (c >= 127 || (c < 32 && c != '\t'))
            {
                ascii = false;
                break;
            }
        }

        if (ascii && !force && !value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }

        // 75 chars max: "=?utf-8?B?" (10) + text + "?=" (2) => 63 base64 chars => 45 bytes (multiple of 3).
        const int MaxBytes = 45;
        var sb = new StringBuilder();
        var chunk = new List<byte>();
        Span<byte> tmp = stackalloc byte[4];
        int i = 0;
        while (i < value.Length)
        {
            int len = char.IsSurrogatePair(value, i) ? 2 : 1;
            int n = Encoding.UTF8.GetBytes(value.AsSpan(i, len), tmp);
            if (chunk.Count + n > MaxBytes)
            {
                AppendWord(sb, chunk);
                chunk.Clear();
            }

            for (int k = 0; k < n; k++)
            {
                chunk.Add(tmp[k]);
            }

            i += len;
        }

        AppendWord(sb, chunk);
        return sb.ToString();
    }

    private static void AppendWord(StringBuilder sb, List<byte> chunk)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        if (sb.Length > 0)
        {
            sb.Append("\r\n ");
        }

        sb.Append("=?utf-8?B?").Append(Convert.ToBase64String(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk))).Append("?=");
    }
}
