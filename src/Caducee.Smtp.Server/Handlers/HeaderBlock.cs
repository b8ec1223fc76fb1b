// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>Minimal look into a message's header block (before the MIME engine is wired): does a field exist?</summary>
internal static class HeaderBlock
{
    /// <summary>True when a header field named <paramref name="name"/> starts a line of the header block.</summary>
    public static bool HasField(ReadOnlySpan<byte> message, string name)
    {
        var prefix = Encoding.ASCII.GetBytes(name + ":");
        var lineStart = 0;
        while (lineStart < message.Length)
        {
            var rest = message[lineStart..];
            // An empty line ends the header block.
            if (rest[0] == (byte)'\n' || (rest.Length > 1 && rest[0] == (byte)'\r' && rest[1] == (byte)'\n'))
            {
                return false;
            }

            if (rest.Length >= prefix.Length && Ascii.EqualsIgnoreCase(rest[..prefix.Length], prefix))
            {
                return true;
            }

            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                return false;
            }

            lineStart += lf + 1;
        }

        return false;
    }
}
