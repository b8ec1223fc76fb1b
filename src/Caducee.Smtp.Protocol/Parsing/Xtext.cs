// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>xtext (RFC 3461 §4): printable ASCII except "+" and "=", with "+XX" hex escapes.</summary>
public static class Xtext
{
    /// <summary>Decodes xtext; false when malformed.</summary>
    public static bool TryDecode(string text, out string? decoded)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+')
            {
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    decoded = null;
                    return false;
                }

                sb.Append((char)b);
                i += 2;
            }
            else if (c is < '!' or > '~' or '=')
            {
                decoded = null;
                return false;
            }
            else
            {
                sb.Append(c);
            }
        }

        decoded = sb.ToString();
        return true;
    }

    /// <summary>Encodes a string as xtext.</summary>
    public static string Encode(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is < '!' or > '~' or '+' or '=')
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    sb.Append('+').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
