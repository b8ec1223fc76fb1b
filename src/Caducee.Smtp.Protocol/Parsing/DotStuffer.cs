// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>
/// Prepares message content for DATA (RFC 5321 §4.5.2): every line end becomes CRLF (a bare CR or LF
/// cannot end the message at a peer, so no smuggling passes through us), a leading "." is doubled, the
/// content ends with CRLF, and the terminating ".CRLF" is appended.
/// </summary>
public static class DotStuffer
{
    /// <summary>Writes the stuffed form of <paramref name="content"/> to <paramref name="output"/>.</summary>
    public static void Write(ReadOnlySpan<byte> content, IBufferWriter<byte> output)
    {
        var atLineStart = true;
        var i = 0;
        while (i < content.Length)
        {
            if (atLineStart && content[i] == (byte)'.')
            {
                output.Write("."u8);
            }

            var rest = content[i..];
            var stop = rest.IndexOfAny((byte)'\r', (byte)'\n');
            if (stop < 0)
            {
                output.Write(rest);
                i = content.Length;
                atLineStart = false;
                break;
            }

            output.Write(rest[..stop]);
            i += stop;
            // CRLF, bare CR or bare LF: all become CRLF.
            if (content[i] == (byte)'\r' && i + 1 < content.Length && content[i + 1] == (byte)'\n')
            {
                i += 2;
            }
            else
            {
                i++;
            }

            output.Write("\r\n"u8);
            atLineStart = true;
        }

        if (!atLineStart)
        {
            output.Write("\r\n"u8);
        }

        output.Write(".\r\n"u8);
    }
}
