// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;

namespace Caducee.Mime;

/// <summary>
/// RFC 5322 §3.3 date-time with the obsolete forms (§4.3: two- and three-digit years, named zones,
/// comments) and common breakage: missing day name or comma, missing seconds, full month names,
/// zones without sign, asctime order, ISO 8601.
/// </summary>
public static class DateParser
{
    private static readonly string[] s_months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>Tries to read a date; never throws.</summary>
    public static bool TryParse(string? value, out DateTimeOffset result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 256)
        {
            return false;
        }

        if (value.Length >= 10 && char.IsDigit(value[0]) && value[4] == '-'
            && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out result))
        {
            return true;
        }

        int day = -1, month = -1, year = -1, hour = -1, minute = -1, second = 0;
        TimeSpan? zone = null;
        foreach (string raw in Split(value))
        {
            string tok = raw;
            if (tok.Contains(':', StringComparison.Ordinal) && hour < 0)
            {
                string[] hms = tok.Split(':');
                if (hms.Length is 2 or 3 && int.TryParse(hms[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
                    && int.TryParse(hms[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m))
                {
                    hour = h;
                    minute = m;
                    if (hms.Length == 3)
                    {
                        string sPart = hms[2];
                        int dot = sPart.IndexOf('.', StringComparison.Ordinal);
                        if (dot >= 0)
                        {
                            sPart = sPart[..dot];
                        }

                        _ = int.TryParse(sPart, NumberStyles.None, CultureInfo.InvariantCulture, out second);
                    }
                }

                continue;
            }

            if ((tok[0] is '+' or '-') && tok.Length == 5 && int.TryParse(tok.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int z) && hour >= 0)
            {
                int minutes = (z / 100 * 60) + (z % 100);
                zone = TimeSpan.FromMinutes(tok[0] == '-' ? -minutes : minutes);
                continue;
            }

            if (char.IsDigit(tok[0]))
            {
                if (!int.TryParse(tok, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                {
                    continue;
                }

                if (hour >= 0 && zone is null && tok.Length == 4 && year >= 0)
                {
                    // A zone without its sign: "0100".
                    zone = TimeSpan.FromMinutes((n / 100 * 60) + (n % 100));
                }
                else if (day < 0 && tok.Length <= 2 && n is >= 1 and <= 31 && (month < 0 || year < 0))
                {
                    day = n;
                }
                else if (year < 0)
                {
                    // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx; three digits add 1900.
                    year = tok.Length switch
                    {
                        <= 2 => n < 50 ? 2000 + n : 1900 + n,
                        3 => 1900 + n,
                        _ => n,
                    };
                }

                continue;
            }

            string low = tok.ToLowerInvariant();
            if (low.Length >= 3 && month < 0)
            {
                int idx = Array.IndexOf(s_months, low[..3]);
                if (idx >= 0)
                {
                    month = idx + 1;
                    continue;
                }
            }

            if (zone is null && hour >= 0)
            {
                zone = low switch
                {
                    "ut" or "utc" or "gmt" or "z" => TimeSpan.Zero,
                    "edt" => TimeSpan.FromHours(-4),
                    "est" or "cdt" => TimeSpan.FromHours(-5),
                    "cst" or "mdt" => TimeSpan.FromHours(-6),
                    "mst" or "pdt" => TimeSpan.FromHours(-7),
                    "pst" => TimeSpan.FromHours(-8),
                    "cet" => TimeSpan.FromHours(1),
                    "cest" => TimeSpan.FromHours(2),
                    _ => null,
                };
            }
        }

        if (day < 1 || month < 1 || year < 1 || hour < 0 || hour > 23 || minute is < 0 or > 59 || second is < 0 or > 60)
        {
            return false;
        }

        if (second == 60)
        {
            second = 59;
        }

        if (year > 9999 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        TimeSpan offset = zone ?? TimeSpan.Zero;
        if (offset.Duration() > TimeSpan.FromHours(14))
        {
            offset = TimeSpan.Zero;
        }

        DateTime local = new(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        long utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false; // 1 Jan 0001 east of UTC, or 31 Dec 9999 west of it
        }

        result = new DateTimeOffset(local, offset);
        return true;
    }

    private static IEnumerable<string> Split(string value)
    {
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i];
            if (c == '(')
            {
                i = Tokens.SkipComment(value, i);
                continue;
            }

            if (char.IsWhiteSpace(c) || c is ',' or '.' or '/')
            {
                i++;
                continue;
            }

            int st = i;
            i++;
            while (i < value.Length && !char.IsWhiteSpace(value[i]) && value[i] is not (',' or '(' or '/') && !(value[i] is '+' or '-' && i > st && value[i - 1] != ':'))
            {
                if (value[i] == '.' && !value[st..i].Contains(':', StringComparison.Ordinal))
                {
                    break;
                }

                i++;
            }

            yield return value[st..i];
        }
    }
}
