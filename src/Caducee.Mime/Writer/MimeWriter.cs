// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Caducee.Mime;

/// <summary>
/// Low-level writing of MIME entities: folded headers (lines ≤ 78 where possible, never over 998
/// octets, RFC 5322 §2.1.1), RFC 2047 header words, RFC 2231 parameters, and bodies in 7bit, 8bit,
/// quoted-printable or base64 with CRLF line breaks.
/// </summary>
internal sealed class MimeWriter
{
    private const int SoftLimit = 78;
    private readonly ArrayBufferWriter<byte> _w = new(4096);

    public ReadOnlySpan<byte> Written => _w.WrittenSpan;

    public void Ascii(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        Encoding.UTF8.GetBytes(s, _w.GetSpan(n));
        _w.Advance(n);
    }

    public void Bytes(ReadOnlySpan<byte> b) => _w.Write(b);

    /// <summary>Rejects a header name outside RFC 5322 ftext, or a value with a line break (header injection).</summary>
    public static void CheckField(string name, string value)
    {
        if (name.Length == 0 || name.Any(c => c <= 32 || c >= 127 || c == ':'))
        {
            throw new ArgumentException($"invalid header field name '{name}'", nameof(name));
        }

        CheckValue(value, name);
    }

    /// <summary>Rejects CR, LF and NUL in a value written as is.</summary>
    public static void CheckValue(string value, string what)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException($"line break in {what}", nameof(value));
        }
    }

    /// <summary>Writes "Name: value" folded at spaces; the value must already be 7-bit (encode it first).</summary>
    public void Header(string name, string value)
    {
        CheckField(name, value.Replace("\r\n ", " ", StringComparison.Ordinal));
        var line = new StringBuilder(name).Append(':');
        int lineStart = 0;
        foreach (string word in value.Split(' '))
        {
            string w = word;
            int current = line.Length - lineStart;
            if (current + 1 + w.Length > SoftLimit && current > name.Length + 1)
            {
                line.Append("\r\n");
                lineStart = line.Length;
            }

            // An encoded-word sequence may carry its own folding; keep it.
            line.Append(' ').Append(w);
            int lastBreak = w.LastIndexOf("\r\n", StringComparison.Ordinal);
            if (lastBreak >= 0)
            {
                lineStart = line.Length - (w.Length - lastBreak - 2);
            }
        }

        Ascii(line.Append("\r\n").ToString());
    }

    /// <summary>Writes a header whose value is a list of items joined with "," and folded between items.</summary>
    public void ListHeader(string name, IEnumerable<string> items)
    {
        var sb = new StringBuilder(name).Append(':');
        int lineLen = sb.Length;
        bool first = true;
        foreach (string item in items)
        {
            CheckValue(item.Replace("\r\n ", " ", StringComparison.Ordinal), name);
            if (!first)
            {
                sb.Append(',');
                lineLen++;
                if (lineLen + 1 + item.Length > SoftLimit)
                {
                    sb.Append("\r\n");
                    lineLen = 0;
                }
            }

            sb.Append(' ').Append(item);
            lineLen += 1 + item.Length;
            int lb = item.LastIndexOf("\r\n", StringComparison.Ordinal);
            if (lb >= 0)
            {
                lineLen = item.Length - lb - 2;
            }

            first = false;
        }

        Ascii(sb.Append("\r\n").ToString());
    }

    /// <summary>"type/subtype" with parameters, each on its own folded line, non-ASCII values as RFC 2231 (with continuations).</summary>
    public void ParameterHeader(string name, string value, IEnumerable<(string Name, string Value)> parameters)
    {
        CheckField(name, value);
        if (!value.Split('/').All(p => p.Length > 0 && p.All(MimeContentType.IsTokenChar)) || value.Count(c => c == '/') > 1)
        {
            throw new ArgumentException($"invalid media type or disposition '{value}'", nameof(value));
        }

        var sb = new StringBuilder(name).Append(": ").Append(value);
        foreach ((string pn, string pv) in parameters)
        {
            foreach (string piece in Parameter(pn, pv))
            {
                sb.Append(";\r\n ").Append(piece);
            }
        }

        Ascii(sb.Append("\r\n").ToString());
    }

    private static IEnumerable<string> Parameter(string name, string value)
    {
        bool ascii = value.All(c => c >= 32 && c < 127);
        if (ascii && name.Length + value.Length + 5 < SoftLimit)
        {
            yield return name + "=" + Quote(value);
            yield break;
        }

        // RFC 2231 §3-4: name*0*=utf-8''..., name*1*=...
        string encoded = Imap.Rfc2231.PercentEncode(value);
        const int Chunk = 60;
        if (encoded.Length + name.Length + 10 < SoftLimit)
        {
            yield return name + "*=utf-8''" + encoded;
            yield break;
        }

        int section = 0;
        int pos = 0;
        while (pos < encoded.Length)
        {
            int len = Math.Min(Chunk, encoded.Length - pos);
            // Never cut a %XX escape.
            if (pos + len < encoded.Length)
            {
                if (encoded[pos + len - 1] == '%')
                {
                    len -= 1;
                }
                else if (encoded[pos + len - 2] == '%')
                {
                    len -= 2;
                }
            }

            string prefix = section == 0 ? "utf-8''" : string.Empty;
            yield return string.Create(CultureInfo.InvariantCulture, $"{name}*{section}*={prefix}{encoded.AsSpan(pos, len)}");
            pos += len;
            section++;
        }
    }

    private static string Quote(string v)
    {
        bool token = v.Length > 0 && v.All(MimeContentType.IsTokenChar);
        return token ? v : "\"" + v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>An address for a 7-bit header: display name quoted or encoded, IDN domain in ASCII form.</summary>
    public static string Address(MailboxAddress a)
    {
        string addr = a.LocalPart.Length == 0 ? string.Empty : new MailboxAddress(null, a.LocalPart, a.AsciiDomain).Address;
        if (string.IsNullOrEmpty(a.DisplayName))
        {
            return addr;
        }

        string name = a.DisplayName;
        string display = name.Any(c => c >= 127 || c < 32) ? Rfc2047.EncodeText(name)
            : name.Any(c => c is '(' or ')' or '<' or '>' or '[' or ']' or ':' or ';' or '@' or '\\' or ',' or '.' or '"') ? Quote(name) : name;
        return display + " <" + addr + ">";
    }

    public void Blank() => Ascii("\r\n");

    /// <summary>Chooses the transfer encoding for text: 7bit when possible, 8bit when allowed, else quoted-printable.</summary>
    public static MimeTransferEncoding ChooseTextEncoding(ReadOnlySpan<byte> crlfText, bool allow8Bit)
    {
        bool eightBit = false;
        int lineLen = 0;
        int maxLine = 0;
        for (int i = 0; i < crlfText.Length; i++)
        {
            byte b = crlfText[i];
            if (b == (byte)'\n')
            {
                maxLine = Math.Max(maxLine, lineLen);
                lineLen = 0;
                continue;
            }

            if (b == 0 || (b == (byte)'\r' && (i + 1 >= crlfText.Length || crlfText[i + 1] != (byte)'\n')))
            {
                return MimeTransferEncoding.QuotedPrintable;
            }

            if (b >= 128)
            {
                eightBit = true;
            }

            if (b != (byte)'\r')
            {
                lineLen++;
            }
        }

        maxLine = Math.Max(maxLine, lineLen);
        if (maxLine > 998)
        {
            return MimeTransferEncoding.QuotedPrintable;
        }

        if (!eightBit)
        {
            return MimeTransferEncoding.SevenBit;
        }

        return allow8Bit ? MimeTransferEncoding.EightBit : MimeTransferEncoding.QuotedPrintable;
    }

    public static byte[] ToCrlf(string text)
    {
        string t = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\r", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(t);
    }

    public void Base64Body(ReadOnlySpan<byte> data)
    {
        // 57 input bytes per 76-character line (RFC 2045 §6.8).
        for (int i = 0; i < data.Length; i += 57)
        {
            ReadOnlySpan<byte> chunk = data.Slice(i, Math.Min(57, data.Length - i));
            Span<byte> dst = _w.GetSpan(80);
            System.Buffers.Text.Base64.EncodeToUtf8(chunk, dst, out _, out int n);
            dst[n++] = (byte)'\r';
            dst[n++] = (byte)'\n';
            _w.Advance(n);
        }
    }

    // RFC 2045 §6.7: "=XX" for '=', controls and 8-bit; lines ≤ 76 with soft breaks; whitespace before a line break encoded.
    public void QuotedPrintableBody(ReadOnlySpan<byte> crlfText)
    {
        var sb = new StringBuilder(crlfText.Length + (crlfText.Length / 10));
        int col = 0;
        for (int i = 0; i < crlfText.Length; i++)
        {
            byte b = crlfText[i];
            if (b == (byte)'\r' && i + 1 < crlfText.Length && crlfText[i + 1] == (byte)'\n')
            {
                sb.Append("\r\n");
                col = 0;
                i++;
                continue;
            }

            bool atLineEnd = i + 1 >= crlfText.Length || crlfText[i + 1] == (byte)'\r';
            bool literal = (b >= 33 && b <= 126 && b != (byte)'=') || ((b == (byte)' ' || b == (byte)'\t') && !atLineEnd);
            // A leading '.' or "From " never harms here: the SMTP layer dot-stuffs.
            int width = literal ? 1 : 3;
            if (col + width > 75)
            {
                sb.Append("=\r\n");
                col = 0;
            }

            if (literal)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('=').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }

            col += width;
        }

        // No line break is added: the CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        Ascii(sb.ToString());
    }

    public void TextBody(ReadOnlySpan<byte> crlfText, MimeTransferEncoding enc)
    {
        if (enc == MimeTransferEncoding.QuotedPrintable)
        {
            QuotedPrintableBody(crlfText);
            return;
        }

        Bytes(crlfText);
    }

    public static string EncodingName(MimeTransferEncoding e) => e switch
    {
        MimeTransferEncoding.SevenBit => "7bit",
        MimeTransferEncoding.EightBit => "8bit",
        MimeTransferEncoding.QuotedPrintable => "quoted-printable",
        MimeTransferEncoding.Base64 => "base64",
        _ => "binary",
    };

    public static string NewBoundary() => "=_caducee_" + Guid.NewGuid().ToString("N");
}
