// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Imap.Protocol.Search;

/// <summary>
/// The i;unicode-casemap collation (RFC 5051) used by SORT and THREAD: compatibility decomposition and
/// case folding, then octet comparison. Approximation: simple upper-casing stands for the titlecase
/// mapping of RFC 5051 (identical except for a few digraphs such as "ǆ").
/// </summary>
public static class ImapCollation
{
    /// <summary>The comparison key of a string (compare keys ordinally).</summary>
    public static string Key(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // Decompose first (the "fi" ligature has no upper case, its decomposition has), then fold case.
        var decomposed = value.IsNormalized(NormalizationForm.FormKD) ? value : value.Normalize(NormalizationForm.FormKD);
        var upper = decomposed.ToUpperInvariant();
        return upper.IsNormalized(NormalizationForm.FormKD) ? upper : upper.Normalize(NormalizationForm.FormKD);
    }

    /// <summary>Compares two strings under i;unicode-casemap.</summary>
    public static int Compare(string? a, string? b) => string.CompareOrdinal(Key(a), Key(b));
}
