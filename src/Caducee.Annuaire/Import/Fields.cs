// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Import;

/// <summary>Splits one '|' separated line into field ranges, tolerating one trailing separator.</summary>
internal static class Fields
{
    /// <summary>
    /// Splits <paramref name="line"/> into <paramref name="ranges"/> (which must hold at least expected + 2
    /// entries) and returns the number of fields, not counting an empty field after a trailing '|'.
    /// </summary>
    public static int Split(ReadOnlySpan<char> line, Span<Range> ranges)
    {
        var count = line.Split(ranges, '|');
        if (count > 0 && line.Length > 0 && line[^1] == '|')
        {
            count--; // the trailing separator of PS_LibreAcces lines
        }

        return count;
    }

    public static string Text(string line, Range range)
    {
        var span = line.AsSpan()[range].Trim();
        return span.Length == 0 ? string.Empty : span.ToString();
    }

    /// <summary>A stable 64-bit hash of a row (FNV-1a over UTF-16 code units), stored to detect changed rows.</summary>
    public static long Hash(ReadOnlySpan<char> text)
    {
        const ulong Offset = 14695981039346656037UL;
        const ulong Prime = 1099511628211UL;
        var hash = Offset;
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return unchecked((long)hash);
    }

    public static bool IsDigits(ReadOnlySpan<char> text)
    {
        return text.Length > 0 && !text.ContainsAnyExceptInRange('0', '9');
    }
}
