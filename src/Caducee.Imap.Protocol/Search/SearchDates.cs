// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Search;

/// <summary>
/// Date criteria of SEARCH (RFC 9051 §6.4.4): dates compare "disregarding time and timezone", that is
/// the calendar date of the value in its own zone. A Date: header "Mon, 1 Feb 1994 23:30 -0800" is on
/// 1-Feb-1994 even though it is 2-Feb in UTC. An internal date is taken in the offset it was stored with,
/// or in the zone the server passes (Dovecot uses the server's zone).
/// </summary>
public static class SearchDates
{
    /// <summary>True when <paramref name="value"/> matches the comparison, taking its date in its own offset.</summary>
    public static bool Matches(DateTimeOffset value, SearchDateComparison comparison, DateOnly date) =>
        Compare(DateOnly.FromDateTime(value.DateTime), comparison, date);

    /// <summary>True when <paramref name="value"/> matches the comparison, taking its date in <paramref name="zone"/>.</summary>
    public static bool Matches(DateTimeOffset value, SearchDateComparison comparison, DateOnly date, TimeZoneInfo zone) =>
        Compare(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(value, zone).DateTime), comparison, date);

    /// <summary>
    /// OLDER / YOUNGER (RFC 5032 §3): OLDER n matches messages that arrived more than n seconds before
    /// <paramref name="now"/>; YOUNGER n those that arrived within the last n seconds (inclusive).
    /// </summary>
    public static bool MatchesAge(DateTimeOffset internalDate, bool older, long seconds, DateTimeOffset now)
    {
        var age = (now - internalDate).TotalSeconds;
        return older ? age > seconds : age <= seconds;
    }

    private static bool Compare(DateOnly day, SearchDateComparison comparison, DateOnly date) => comparison switch
    {
        SearchDateComparison.Before => day < date,
        SearchDateComparison.On => day == date,
        _ => day >= date,
    };
}
