// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Caducee.Mime.Imap;

/// <summary>Writes IMAP syntax (RFC 9051 §4): atoms, NIL, quoted strings, literals when a quoted string cannot carry the value.</summary>
internal sealed class ImapOutput
{
    private readonly ArrayBufferWriter<byte> _w = new(256);

    public ImapOutput Raw(string ascii)
    {
        Span<byte> dst = _w.GetSpan(ascii.Length);
        for (int i = 0; i < ascii.Length; i++)
        {
            dst[i] = (byte)ascii[i];
        }

        _w.Advance(ascii.Length);
        return this;
    }

    public ImapOutput Raw(char c)
    {
        _w.GetSpan(1)[0] = (byte)c;
        _w.Advance(1);
        return this;
    }

    public ImapOutput Number(long n) => Raw(n.ToString(CultureInfo.InvariantCulture));

    public ImapOutput NString(string? s) => s is null ? Raw("NIL") : String(s);

    // quoted = DQUOTE *QUOTED-CHAR DQUOTE ; literal when CR, LF, NUL or 8-bit characters are present.
    public ImapOutput String(string s)
    {
        bool literal = false;
        foreach (char c in s)
        {
            if (c is '\r' or '\n' or '\0' || c >= 127)
            {
                literal = true;
                break;
            }
        }

        if (literal)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            Raw('{').Number(bytes.Length).Raw("}\r\n");
            _w.Write(bytes);
            return this;
        }

        Raw('"');
        foreach (char c in s)
        {
            if (c is '"' or '\\')
            {
                Raw('\\');
            }

            Raw(c);
        }

        return Raw('"');
    }

    public byte[] ToArray() => _w.WrittenSpan.ToArray();
}
