// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Annuaire.Search;

/// <summary>
/// Folds names for search: lower case, diacritics removed (é→e, ç→c, œ→oe, æ→ae, ß→ss), every character
/// that is not a letter or digit becomes a single space (so "D'ARTAGNAN-LÉVÊQUE" gives "d artagnan leveque").
/// </summary>
internal static class TextNormalizer
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (IsAlreadyNormal(text))
        {
            return text;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                pendingSpace = false;
                switch (c)
                {
                    case 'œ' or 'Œ':
                        sb.Append("oe");
                        break;
                    case 'æ' or 'Æ':
                        sb.Append("ae");
                        break;
                    case 'ß':
                        sb.Append("ss");
                        break;
                    default:
                        sb.Append(char.ToLowerInvariant(c));
                        break;
                }
            }
            else
            {
                pendingSpace = true;
            }
        }

        return sb.ToString();
    }

    /// <summary>Splits a query into normalised tokens.</summary>
    public static string[] Tokens(string? text)
    {
        var normal = Normalize(text);
        return normal.Length == 0 ? [] : normal.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>True when some word of <paramref name="key"/> (a normalised text) starts with <paramref name="token"/>.</summary>
    public static bool HasWordStartingWith(string key, string token)
    {
        var span = key.AsSpan();
        var start = 0;
        while (true)
        {
            if (span[start..].StartsWith(token, StringComparison.Ordinal))
            {
                return true;
            }

            var next = span[start..].IndexOf(' ');
            if (next < 0)
            {
                return false;
            }

            start += next + 1;
        }
    }

    private static bool IsAlreadyNormal(string text)
    {
        var previousSpace = true;
        foreach (var c in text)
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                previousSpace = false;
            }
            else if (c == ' ' && !previousSpace)
            {
                previousSpace = true;
            }
            else
            {
                return false;
            }
        }

        return !previousSpace || text.Length == 0;
    }
}
