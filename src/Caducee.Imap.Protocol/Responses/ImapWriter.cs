// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Protocol.Responses;

/// <summary>
/// Builds IMAP responses into a buffer: atoms, quoted strings when safe, literals otherwise
/// (RFC 9051 §4.3), numbers, and complete status lines.
/// </summary>
public sealed class ImapWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public int Length => _buffer.WrittenCount;

    public void Clear() => _buffer.Clear();

    public ImapWriter Raw(string text)
    {
        Encoding.UTF8.GetBytes(text, _buffer);
        return this;
    }

    public ImapWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public ImapWriter Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A string: quoted when it is short ASCII without CR/LF, else a literal.</summary>
    public ImapWriter String(string? value)
    {
        if (value is null)
        {
            return Raw("NIL");
        }

        if (value.Length < 1024 && value.All(c => c is >= ' ' and < (char)127))
        {
            var sb = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                if (c is '"' or '\\')
                {
                    sb.Append('\\');
                }

                sb.Append(c);
            }

            return Raw(sb.Append('"').ToString());
        }

        return Literal(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A literal: {n} CRLF followed by the bytes.</summary>
    public ImapWriter Literal(ReadOnlySpan<byte> bytes)
    {
        Raw("{").Number(bytes.Length).Raw("}\r\n");
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>"* text CRLF".</summary>
    public ImapWriter Untagged(string text) => Raw("* ").Raw(text).Raw("\r\n");

    /// <summary>"tag OK|NO|BAD text CRLF" (the text may start with a [response-code]).</summary>
    public ImapWriter Tagged(string tag, string status, string text) => Raw(tag).Raw(" ").Raw(status).Raw(" ").Raw(Sanitize(text)).Raw("\r\n");

    // Response text never carries CR or LF from its inputs.
    private static string Sanitize(string text) => text.Replace('\r', ' ').Replace('\n', ' ');
}
