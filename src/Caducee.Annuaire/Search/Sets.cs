// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Numerics;

namespace Caducee.Annuaire.Search;

/// <summary>A set of practitioner positions as a plain bit array (one bit per practitioner).</summary>
internal sealed class Bitset
{
    public Bitset(int size)
    {
        Size = size;
        Words = new ulong[(size + 63) >> 6];
    }

    public int Size { get; }

    public ulong[] Words { get; }

    public void Clear() => Array.Clear(Words);

    public void SetAll()
    {
        Array.Fill(Words, ulong.MaxValue);
        var tail = Size & 63;
        if (tail != 0)
        {
            Words[^1] = (1UL << tail) - 1;
        }
    }

    public void Set(int position) => Words[position >> 6] |= 1UL << position;

    public void Unset(int position) => Words[position >> 6] &= ~(1UL << position);

    public bool Get(int position) => (Words[position >> 6] & (1UL << position)) != 0;

    public void SetRange(int start, int end)
    {
        for (var i = start; i < end && (i & 63) != 0; i++)
        {
            Set(i);
            start = i + 1;
        }

        var w = start >> 6;
        for (; (w + 1) << 6 <= end; w++)
        {
            Words[w] = ulong.MaxValue;
        }

        for (var i = Math.Max(start, w << 6); i < end; i++)
        {
            Set(i);
        }
    }

    /// <summary>Keeps only positions in [start, end).</summary>
    public void KeepRange(int start, int end)
    {
        var first = start >> 6;
        var last = (end + 63) >> 6;
        Array.Clear(Words, 0, Math.Min(first, Words.Length));
        if (last < Words.Length)
        {
            Array.Clear(Words, last, Words.Length - last);
        }

        if (first < Words.Length && (start & 63) != 0)
        {
            Words[first] &= ulong.MaxValue << (start & 63);
        }

        if ((end & 63) != 0 && (end >> 6) < Words.Length)
        {
            Words[end >> 6] &= (1UL << (end & 63)) - 1;
        }
    }

    public void And(ulong[] other)
    {
        var a = Words.AsSpan();
        for (var i = 0; i < a.Length; i++)
        {
            a[i] &= other[i];
        }
    }

    public void Or(ulong[] other)
    {
        var a = Words.AsSpan();
        for (var i = 0; i < a.Length; i++)
        {
            a[i] |= other[i];
        }
    }

    public int PopCount()
    {
        var count = 0;
        foreach (var w in Words)
        {
            count += BitOperations.PopCount(w);
        }

        return count;
    }
}

/// <summary>
/// One search criterion as a set of practitioner positions: <see cref="Estimate"/> (its size, or an upper
/// bound) picks the cheapest plan, <see cref="Contains"/> checks one candidate, <see cref="OrInto"/>
/// materialises the set into a bit array.
/// </summary>
internal abstract class SetSource
{
    public abstract long Estimate { get; }

    public abstract bool Contains(int position);

    public abstract void OrInto(Bitset bits);

    /// <summary>Intersects <paramref name="result"/> with this set (<paramref name="scratch"/> is free to use).</summary>
    public virtual void AndInto(Bitset result, Bitset scratch)
    {
        scratch.Clear();
        OrInto(scratch);
        result.And(scratch.Words);
    }
}

internal sealed class EmptySource : SetSource
{
    public static readonly EmptySource Instance = new();

    public override long Estimate => 0;

    public override bool Contains(int position) => false;

    public override void OrInto(Bitset bits)
    {
    }
}

internal sealed class RangeSource(int start, int end) : SetSource
{
    public int Start { get; } = start;

    public int End { get; } = end;

    public override long Estimate => End - Start;

    public override bool Contains(int position) => position >= Start && position < End;

    public override void OrInto(Bitset bits) => bits.SetRange(Start, End);

    public override void AndInto(Bitset result, Bitset scratch) => result.KeepRange(Start, End);
}

/// <summary>A sorted posting list (sparse).</summary>
internal sealed class ListSource(int[] positions) : SetSource
{
    public int[] Positions { get; } = positions;

    public override long Estimate => Positions.Length;

    public override bool Contains(int position) => Array.BinarySearch(Positions, position) >= 0;

    public override void OrInto(Bitset bits)
    {
        foreach (var p in Positions)
        {
            bits.Set(p);
        }
    }
}

/// <summary>A posting list stored as a bit array (dense: at least one practitioner in 64).</summary>
internal sealed class DenseSource(ulong[] words, int count) : SetSource
{
    public ulong[] Words { get; } = words;

    public override long Estimate => count;

    public override bool Contains(int position) => (Words[position >> 6] & (1UL << position)) != 0;

    public override void OrInto(Bitset bits) => bits.Or(Words);

    public override void AndInto(Bitset result, Bitset scratch) => result.And(Words);

    /// <summary>Chooses the representation: a bit array when the list holds at least 1/64 of all positions.</summary>
    public static SetSource Create(List<int> sortedPositions, int size)
    {
        if (sortedPositions.Count * 64L < size)
        {
            return new ListSource(sortedPositions.ToArray());
        }

        var words = new ulong[(size + 63) >> 6];
        foreach (var p in sortedPositions)
        {
            words[p >> 6] |= 1UL << p;
        }

        return new DenseSource(words, sortedPositions.Count);
    }
}

/// <summary>A union of sets, checked per candidate by a predicate that is cheaper than probing every part.</summary>
internal sealed class UnionSource(IReadOnlyList<SetSource> parts, long estimate, Func<int, bool> contains) : SetSource
{
    public override long Estimate => estimate;

    public override bool Contains(int position) => contains(position);

    public override void OrInto(Bitset bits)
    {
        foreach (var part in parts)
        {
            part.OrInto(bits);
        }
    }
}

/// <summary>A criterion with no index (mailbox substring): checked per candidate only.</summary>
internal sealed class PredicateSource(long estimate, Func<int, bool> contains, Func<int[]> scan) : SetSource
{
    public override long Estimate => estimate;

    public override bool Contains(int position) => contains(position);

    public override void OrInto(Bitset bits)
    {
        foreach (var p in scan())
        {
            bits.Set(p);
        }
    }
}
