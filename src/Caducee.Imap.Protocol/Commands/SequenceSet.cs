// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>One element of a sequence set: a number or a range. 0 stands for "*"; <see cref="Start"/> may exceed <see cref="End"/> (ranges are unordered, "4:2" = "2:4").</summary>
public readonly record struct SequenceRange(uint Start, uint End)
{
    /// <summary>True when this element is a single number (or "*").</summary>
    public bool IsSingle => Start == End;

    /// <summary>The range with "*" replaced by <paramref name="max"/>, low bound first.</summary>
    public (uint Low, uint High) Resolve(uint max)
    {
        var a = Start == 0 ? max : Start;
        var b = End == 0 ? max : End;
        return a <= b ? (a, b) : (b, a);
    }
}

/// <summary>
/// A sequence set (RFC 9051 §9 sequence-set): numbers and ranges where "*" is the largest number in
/// use, plus "$", the saved search result (SEARCHRES, RFC 5182). Parsed bounded by a range count;
/// resolved against a mailbox by <see cref="Selection.MessageSequenceMap"/>.
/// </summary>
public sealed class SequenceSet
{
    /// <summary>Default bound on the number of elements of one set.</summary>
    public const int DefaultMaxRanges = 50_000;

    private readonly SequenceRange[] _ranges;

    private SequenceSet(SequenceRange[] ranges, bool savedResult)
    {
        _ranges = ranges;
        IncludesSavedResult = savedResult;
    }

    /// <summary>The numbers and ranges, as given ("$" excluded).</summary>
    public IReadOnlyList<SequenceRange> Ranges => _ranges;

    /// <summary>True when "$" (the saved search result, RFC 5182) is part of the set.</summary>
    public bool IncludesSavedResult { get; }

    /// <summary>True when "*" appears.</summary>
    public bool UsesStar => Array.Exists(_ranges, r => r.Start == 0 || r.End == 0);

    /// <summary>A set of the given ranges.</summary>
    public static SequenceSet Of(params SequenceRange[] ranges) => new([.. ranges], savedResult: false);

    /// <summary>"$" alone.</summary>
    public static SequenceSet SavedResult { get; } = new([], savedResult: true);

    /// <summary>Parses "1:3,5,7:*" or "$"; false on bad syntax.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SequenceSet? set) =>
        TryParse(Encoding.ASCII.GetBytes(text ?? string.Empty), DefaultMaxRanges, out set, out _);

    /// <summary>
    /// Parses a sequence set from bytes: <c>sequence-set = (seq-number / seq-range / "$") ["," sequence-set]</c>,
    /// <c>seq-number = nz-number / "*"</c>. At most <paramref name="maxRanges"/> elements.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, int maxRanges, [NotNullWhen(true)] out SequenceSet? set, [NotNullWhen(false)] out string? error)
    {
        set = null;
        error = null;
        if (text.IsEmpty)
        {
            error = "empty sequence set";
            return false;
        }

        var count = text.Count((byte)',') + 1;
        if (count > maxRanges)
        {
            error = $"sequence set has too many elements (limit {maxRanges})";
            return false;
        }

        var ranges = new List<SequenceRange>(Math.Min(count, 1024));
        var saved = false;
        foreach (var range in text.Split((byte)','))
        {
            var item = text[range];
            if (item.Length == 1 && item[0] == (byte)'$')
            {
                saved = true;
                continue;
            }

            var colon = item.IndexOf((byte)':');
            if (colon < 0)
            {
                if (!TryNumber(item, out var n))
                {
                    error = Invalid(item);
                    return false;
                }

                ranges.Add(new SequenceRange(n, n));
            }
            else if (TryNumber(item[..colon], out var a) && TryNumber(item[(colon + 1)..], out var b))
            {
                ranges.Add(new SequenceRange(a, b));
            }
            else
            {
                error = Invalid(item);
                return false;
            }
        }

        set = new SequenceSet([.. ranges], saved);
        return true;
    }

    /// <summary>True when <paramref name="value"/> is in the set, "*" standing for <paramref name="max"/> ("$" is ignored here).</summary>
    public bool Contains(long value, long max)
    {
        if (value is < 1 or > uint.MaxValue)
        {
            return false;
        }

        var m = (uint)Math.Clamp(max, 0, uint.MaxValue);
        foreach (var range in _ranges)
        {
            var (low, high) = range.Resolve(m);
            if (value >= low && value <= high)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The set as sent on the wire ("1:3,5,*", "$").</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var range in _ranges)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            AppendNumber(sb, range.Start);
            if (!range.IsSingle)
            {
                sb.Append(':');
                AppendNumber(sb, range.End);
            }
        }

        if (IncludesSavedResult)
        {
            sb.Append(sb.Length > 0 ? ",$" : "$");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The compact form of a set of numbers, sorted and merged: 1,2,3,4,5,7,9,10,11,12 → "1:5,7,9:12"
    /// (UIDPLUS, MODIFIED, VANISHED, ESEARCH ALL). Empty input gives an empty string.
    /// </summary>
    public static string Format(IEnumerable<uint> numbers)
    {
        var sorted = numbers.Where(n => n != 0).Distinct().Order().ToList();
        return FormatOrdered(sorted);
    }

    /// <summary>
    /// The compact form of numbers in the order given, merging ascending runs only (COPYUID: the source
    /// and destination sets correspond element by element, RFC 4315 §3). 1,2,3,9,8 → "1:3,9,8".
    /// </summary>
    public static string FormatOrdered(IReadOnlyList<uint> numbers)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < numbers.Count)
        {
            var start = numbers[i];
            var end = start;
            while (i + 1 < numbers.Count && end != uint.MaxValue && numbers[i + 1] == end + 1)
            {
                end = numbers[++i];
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(start.ToString(CultureInfo.InvariantCulture));
            if (end != start)
            {
                sb.Append(':').Append(end.ToString(CultureInfo.InvariantCulture));
            }

            i++;
        }

        return sb.ToString();
    }

    private static void AppendNumber(StringBuilder sb, uint n)
    {
        if (n == 0)
        {
            sb.Append('*');
        }
        else
        {
            sb.Append(n.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string Invalid(ReadOnlySpan<byte> item)
    {
        var shown = item.Length > 20 ? Encoding.ASCII.GetString(item[..20]) + "…" : Encoding.ASCII.GetString(item);
        return $"invalid sequence set element '{shown}' (expected n, n:m or *, with n from 1 to 4294967295)";
    }

    // nz-number = digit-nz *DIGIT ; 1..4294967295, or "*" (0 here)
    private static bool TryNumber(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        if (text.Length == 1 && text[0] == (byte)'*')
        {
            return true;
        }

        return text.Length is > 0 and <= 10 && text[0] != (byte)'0'
            && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
    }
}
