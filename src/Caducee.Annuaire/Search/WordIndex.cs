// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Search;

/// <summary>
/// Sorted distinct words, each with the sorted list of practitioner positions holding it. A prefix is a
/// contiguous range of words (binary search); the running total of posting sizes gives the number of
/// entries under a prefix in O(log n), which the planner uses to pick the most selective criterion.
/// </summary>
internal sealed class WordIndex
{
    private readonly string[] _words;
    private readonly SetSource[] _postings;
    private readonly long[] _cumulative;

    private WordIndex(string[] words, SetSource[] postings)
    {
        _words = words;
        _postings = postings;
        _cumulative = new long[words.Length + 1];
        for (var i = 0; i < postings.Length; i++)
        {
            _cumulative[i + 1] = _cumulative[i] + postings[i].Estimate;
        }
    }

    public static WordIndex Build(Dictionary<string, List<int>> map, int size)
    {
        var words = map.Keys.ToArray();
        Array.Sort(words, StringComparer.Ordinal);
        var postings = new SetSource[words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            postings[i] = DenseSource.Create(map[words[i]], size); // filled in ascending position order
        }

        return new WordIndex(words, postings);
    }

    /// <summary>The posting sets of every word starting with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<SetSource> Prefix(string prefix)
    {
        var (start, end) = PrefixRange(prefix);
        return new ArraySegment<SetSource>(_postings, start, end - start);
    }

    public (int Start, int End) PrefixRange(string prefix) => SortedPrefix.Range(_words, prefix);

    public long Estimate(string prefix)
    {
        var (start, end) = PrefixRange(prefix);
        return _cumulative[end] - _cumulative[start];
    }

}

/// <summary>Binary search of a prefix over an ordinally sorted array.</summary>
internal static class SortedPrefix
{
    public static (int Start, int End) Range(string[] sorted, string prefix) => Range(sorted, prefix, 0, sorted.Length);

    public static (int Start, int End) Range(string[] sorted, string prefix, int lo, int hi)
    {
        // First index whose value is >= prefix.
        int a = lo, b = hi;
        while (a < b)
        {
            var mid = (a + b) >>> 1;
            if (string.CompareOrdinal(sorted[mid], prefix) < 0)
            {
                a = mid + 1;
            }
            else
            {
                b = mid;
            }
        }

        var start = a;
        b = hi;
        while (a < b)
        {
            var mid = (a + b) >>> 1;
            if (sorted[mid].StartsWith(prefix, StringComparison.Ordinal))
            {
                a = mid + 1;
            }
            else
            {
                b = mid;
            }
        }

        return (start, a);
    }

    /// <summary>The range of values equal to <paramref name="value"/> (they sort first in its prefix range).</summary>
    public static (int Start, int End) Equal(string[] sorted, string value, int lo, int hi)
    {
        var (start, _) = Range(sorted, value, lo, hi);
        var (end, _) = Range(sorted, value + "\0", start, hi);
        return (start, end);
    }
}

