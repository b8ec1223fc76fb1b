// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;
using Caducee.Primitives;

namespace Caducee.Smtp.Protocol.Replies;

/// <summary>Serializes replies (RFC 5321 §4.2.1, multi-line with "-"; RFC 2034 enhanced codes on every line).</summary>
public static class ReplyWriter
{
    /// <summary>Writes <paramref name="reply"/> to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, SmtpReply reply)
    {
        var code = reply.Code.ToString(CultureInfo.InvariantCulture);
        var lines = reply.Lines.Count == 0 ? [string.Empty] : reply.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var sb = new StringBuilder(code.Length + 64);
            sb.Append(code).Append(i == lines.Count - 1 ? ' ' : '-');
            if (reply.Enhanced is not null)
            {
                sb.Append(reply.Enhanced).Append(' ');
            }

            // Replies never carry CR/LF from their text: strip them so a text cannot forge a reply line.
            foreach (var c in lines[i])
            {
                if (c is not '\r' and not '\n')
                {
                    sb.Append(c);
                }
            }

            sb.Append("\r\n");
            Encoding.UTF8.GetBytes(sb.ToString(), output);
        }
    }

    /// <summary>The reply as bytes (tests, one-off writes).</summary>
    public static byte[] ToBytes(SmtpReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, reply);
        return buffer.WrittenSpan.ToArray();
    }
}
