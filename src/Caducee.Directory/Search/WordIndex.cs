// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Directory.Search;

/// <summary>
/// Sorted distinct words, each with the sorted list of practitioner positions holding it. A prefix is a
/// contiguous range of words (binary search); the running total of posting sizes gives the number of
/// entries under a prefix in O(log n), which the planner uses to pick the most selective criterion.
/// </summary>
internal sealed class WordIndex
{
    private readonly string[] _words;
    private readonly int[][] _postings;
    private readonly long[] _cumulative;

    private WordIndex(string[] words, int[][] postings)
    {
        _words = words;
        _postings = postings;
        _cumulative = new long[words.Length + 1];
        for (var i = 0; i < postings.Length; i++)
        {
            _cumulative[i + 1] = _cumulative[i] + postings[i].Length;
        }
    }

    public static WordIndex Build(Dictionary<string, List<int>> map)
    {
        var words = map.Keys.ToArray();
        Array.Sort(words, StringComparer.Ordinal);
        var postings = new int[words.Length][];
        for (var i = 0; i < words.Length; i++)
        {
            postings[i] = map[words[i]].ToArray(); // filled in ascending position order
        }

        return new WordIndex(words, postings);
    }

    public (int Start, int End) PrefixRange(string prefix) => SortedPrefix.Range(_words, prefix);

    public long Estimate(string prefix)
    {
        var (start, end) = PrefixRange(prefix);
        return _cumulative[end] - _cumulative[start];
    }

    public int[]? Exact(string word)
    {
        var i = Array.BinarySearch(_words, word, StringComparer.Ordinal);
        return i >= 0 ? _postings[i] : null;
    }

    public void AddPrefix(string prefix, Bitset bits)
    {
        var (start, end) = PrefixRange(prefix);
        for (var w = start; w < end; w++)
        {
            foreach (var position in _postings[w])
            {
                bits.Set(position);
            }
        }
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

/// <summary>A set of practitioner positions as bits; reused per thread, cleared after each query.</summary>
internal sealed class Bitset
{
    private readonly ulong[] _words;
    private int _min = int.MaxValue;
    private int _max = -1;

    public Bitset(int size)
    {
        Size = size;
        _words = new ulong[(size + 63) >> 6];
    }

    public int Size { get; }

    public void Set(int position)
    {
        var w = position >> 6;
        _words[w] |= 1UL << position;
        if (w < _min)
        {
            _min = w;
        }

        if (w > _max)
        {
            _max = w;
        }
    }

    public void SetRange(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            Set(i);
        }
    }

    /// <summary>Calls <paramref name="visit"/> for each set position in ascending order, then clears the set.</summary>
    public void Drain<TState>(ref TState state, Visitor<TState> visit)
    {
        for (var w = _min; w <= _max; w++)
        {
            var word = _words[w];
            while (word != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                visit(ref state, (w << 6) + bit);
                word &= word - 1;
            }

            _words[w] = 0;
        }

        _min = int.MaxValue;
        _max = -1;
    }

    public delegate void Visitor<TState>(ref TState state, int position);
}
