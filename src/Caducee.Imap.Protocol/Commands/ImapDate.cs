// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>IMAP dates (RFC 9051 §9): <c>date</c> for SEARCH ("1-Feb-1994") and <c>date-time</c> for APPEND and INTERNALDATE ("17-Jul-1996 02:44:25 -0700").</summary>
public static class ImapDate
{
    private static readonly string[] s_months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>date-text = date-day "-" date-month "-" date-year (day of one or two digits, month in any case).</summary>
    public static bool TryParseDate(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        var first = text.IndexOf((byte)'-');
        if (first is < 1 or > 2 || text.Length != first + 9 || text[first + 4] != (byte)'-')
        {
            return false;
        }

        return TryNumber(text[..first], out var day)
            && TryMonth(text.Slice(first + 1, 3), out var month)
            && TryNumber(text.Slice(first + 5, 4), out var year)
            && year >= 1 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && Assign(new DateOnly(year, month, day), out date);
    }

    /// <summary>
    /// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE (the quotes
    /// already removed). date-day-fixed is " 5" or "05"; "5" is tolerated.
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length > 0 && text[0] == (byte)' ')
        {
            text = text[1..];
        }

        // d-Mon-yyyy hh:mm:ss +zzzz
        var sp = text.IndexOf((byte)' ');
        if (sp < 0 || !TryParseDate(text[..sp], out var date))
        {
            return false;
        }

        var rest = text[(sp + 1)..];
        if (rest.Length != 14 || rest[2] != (byte)':' || rest[5] != (byte)':' || rest[8] != (byte)' ' || rest[9] is not ((byte)'+' or (byte)'-'))
        {
            return false;
        }

        if (!TryNumber(rest[..2], out var h) || !TryNumber(rest.Slice(3, 2), out var m) || !TryNumber(rest.Slice(6, 2), out var s)
            || !TryNumber(rest.Slice(10, 2), out var zh) || !TryNumber(rest.Slice(12, 2), out var zm)
            || h > 23 || m > 59 || s > 60 || zh > 23 || zm > 59)
        {
            return false;
        }

        var offset = new TimeSpan(zh, zm, 0);
        if (rest[9] == (byte)'-')
        {
            offset = -offset;
        }

        // DateTimeOffset holds offsets up to 14 hours and years 1 to 9999.
        if (offset.Duration() > TimeSpan.FromHours(14) || date.Year is < 2 or > 9998)
        {
            return false;
        }

        // A leap second (":60") is read as the last second of the minute.
        value = new DateTimeOffset(date.Year, date.Month, date.Day, h, m, Math.Min(s, 59), offset);
        return true;
    }

    /// <summary>"dd-Mon-yyyy HH:mm:ss +zzzz" (without quotes), in the value's own offset.</summary>
    public static string FormatDateTime(DateTimeOffset value)
    {
        var offset = value.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{value.Day:00}-{s_months[value.Month - 1]}-{value.Year:0000} {value.Hour:00}:{value.Minute:00}:{value.Second:00} {sign}{offset.Hours:00}{offset.Minutes:00}");
    }

    /// <summary>"d-Mon-yyyy" (SEARCH date).</summary>
    public static string FormatDate(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{date.Day}-{s_months[date.Month - 1]}-{date.Year:0000}");

    private static bool TryMonth(ReadOnlySpan<byte> text, out int month)
    {
        for (month = 1; month <= 12; month++)
        {
            if (Ascii.EqualsIgnoreCase(text, s_months[month - 1]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryNumber(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return !text.IsEmpty;
    }

    private static bool Assign(DateOnly value, out DateOnly date)
    {
        date = value;
        return true;
    }
}
