// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// A sequence set (RFC 9051 §9 sequence-set): ranges of numbers where "*" is the largest number in use.
/// Resolved against a mailbox's largest sequence number or UID.
/// </summary>
public sealed class SequenceSet
{
    private readonly (long Start, long End)[] _ranges; // 0 stands for "*"

    private SequenceSet((long, long)[] ranges)
    {
        _ranges = ranges;
    }

    /// <summary>Parses "1:3,5,7:*"; false on bad syntax.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SequenceSet? set)
    {
        set = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var ranges = new List<(long, long)>();
        foreach (var item in text.Split(','))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (!TryNumber(item, out var n))
                {
                    return false;
                }

                ranges.Add((n, n));
            }
            else if (!TryNumber(item[..colon], out var a) || !TryNumber(item[(colon + 1)..], out var b))
            {
                return false;
            }
            else
            {
                ranges.Add((a, b));
            }
        }

        set = new SequenceSet([.. ranges]);
        return true;
    }

    /// <summary>True when <paramref name="value"/> is in the set, "*" standing for <paramref name="max"/>.</summary>
    public bool Contains(long value, long max)
    {
        foreach (var (start, end) in _ranges)
        {
            var a = start == 0 ? max : start;
            var b = end == 0 ? max : end;
            if (a > b)
            {
                (a, b) = (b, a);
            }

            if (value >= a && value <= b)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryNumber(string text, out long value)
    {
        if (text == "*")
        {
            value = 0;
            return true;
        }

        // nz-number: no leading zero, 1..4294967295
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value is > 0 and <= uint.MaxValue && text[0] != '0';
    }
}
