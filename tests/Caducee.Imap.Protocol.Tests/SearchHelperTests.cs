// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Search;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>SEARCH/SORT helpers that need no storage: dates, base subject, collation, sort order.</summary>
public class SearchHelperTests
{
    [Fact]
    public void Dates_compare_without_time_and_zone_RFC9051_6_4_4()
    {
        // 23:30 -0800 on 1 Feb is 2 Feb in UTC, but the message was sent on 1 Feb.
        var sent = new DateTimeOffset(1994, 2, 1, 23, 30, 0, TimeSpan.FromHours(-8));
        var feb1 = new DateOnly(1994, 2, 1);
        Assert.True(SearchDates.Matches(sent, SearchDateComparison.On, feb1));
        Assert.True(SearchDates.Matches(sent, SearchDateComparison.Since, feb1));
        Assert.False(SearchDates.Matches(sent, SearchDateComparison.Before, feb1));
        Assert.True(SearchDates.Matches(sent, SearchDateComparison.Before, new DateOnly(1994, 2, 2)));
        Assert.False(SearchDates.Matches(sent, SearchDateComparison.Since, new DateOnly(1994, 2, 2)));

        // Taken in a given zone instead (internal dates, the server's zone).
        Assert.True(SearchDates.Matches(sent, SearchDateComparison.On, new DateOnly(1994, 2, 2), TimeZoneInfo.Utc));
    }

    [Fact]
    public void OLDER_and_YOUNGER_RFC5032()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var hourAgo = now.AddHours(-1);
        Assert.True(SearchDates.MatchesAge(hourAgo, older: true, 3599, now));
        Assert.False(SearchDates.MatchesAge(hourAgo, older: true, 3600, now));
        Assert.True(SearchDates.MatchesAge(hourAgo, older: false, 3600, now));
        Assert.False(SearchDates.MatchesAge(hourAgo, older: false, 3599, now));
    }

    [Theory]
    [InlineData("Hello", "Hello", false)]
    [InlineData("Re: Hello", "Hello", true)]
    [InlineData("RE: re: Fw: FWD:Hello", "Hello", true)]
    [InlineData("Re[2]: Hello", "Hello", true)]
    [InlineData("[list] Re: [other] Hello", "Hello", true)]
    [InlineData("[PATCH] fix it", "fix it", false)]
    [InlineData("[PATCH]", "[PATCH]", false)]
    [InlineData("Hello (fwd)", "Hello", true)]
    [InlineData("Hello (FWD) (fwd)  ", "Hello", true)]
    [InlineData("[fwd: Re: test]", "test", true)]
    [InlineData("[Fwd: [fwd: Hello]]", "Hello", true)]
    [InlineData("  Re:\t\tspaced \r\n  out  ", "spaced out", true)]
    [InlineData("Réponse: hello", "Réponse: hello", false)]
    [InlineData("Re:", "", true)]
    [InlineData("", "", false)]
    [InlineData("Reply to all", "Reply to all", false)]
    public void Base_subject_RFC5256_2_1(string subject, string expected, bool replyOrForward)
    {
        Assert.Equal(expected, BaseSubject.Extract(subject, out var isReply));
        Assert.Equal(replyOrForward, isReply);
    }

    [Fact]
    public void The_casemap_collation_folds_case_and_compatibility_forms_RFC5051()
    {
        Assert.Equal(0, ImapCollation.Compare("\u00e9t\u00e9", "E\u0301TE\u0301"));
        Assert.Equal(0, ImapCollation.Compare("\ufb01le", "FILE"));
        Assert.True(ImapCollation.Compare("abc", "ABD") < 0);
        Assert.Equal(string.Empty, ImapCollation.Key(null));
    }

    [Fact]
    public void SORT_orders_by_criteria_with_REVERSE_and_breaks_ties_by_sequence_number_RFC5256()
    {
        var t = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        SortValues M(int seq, string subject, long size, DateTimeOffset? sent, string from) =>
            new(seq, (uint)(seq * 10), t.AddMinutes(seq), sent, size, subject, new SortAddress(null, from, "x.test"), null, null);
        var messages = new[]
        {
            M(1, "Re: beta", 300, t.AddDays(2), "zoe"),
            M(2, "alpha", 100, null, "Adam"),
            M(3, "Fwd: Beta", 200, t.AddDays(-1), "bob"),
            M(4, "ALPHA", 100, t, "adam"),
        };
        Assert.Equal([2, 4, 1, 3], SortKeys.Sort(messages, [new(SortKey.Subject, false)]).Select(m => m.SequenceNumber));
        Assert.Equal([1, 3, 2, 4], SortKeys.Sort(messages, [new(SortKey.Subject, true)]).Select(m => m.SequenceNumber));
        Assert.Equal([2, 4, 3, 1], SortKeys.Sort(messages, [new(SortKey.Size, false)]).Select(m => m.SequenceNumber));
        Assert.Equal([1, 3, 2, 4], SortKeys.Sort(messages, [new(SortKey.Size, true)]).Select(m => m.SequenceNumber));
        // DATE: a missing Date: header falls back to the internal date (message 2 arrived at t+2min).
        Assert.Equal([3, 4, 2, 1], SortKeys.Sort(messages, [new(SortKey.Date, false)]).Select(m => m.SequenceNumber));
        Assert.Equal([1, 2, 3, 4], SortKeys.Sort(messages, [new(SortKey.Arrival, false)]).Select(m => m.SequenceNumber));
        Assert.Equal([2, 4, 3, 1], SortKeys.Sort(messages, [new(SortKey.From, false)]).Select(m => m.SequenceNumber));
        Assert.Equal([4, 2, 3, 1], SortKeys.Sort(messages, [new(SortKey.From, false), new(SortKey.Arrival, true)]).Select(m => m.SequenceNumber));
        // No To: header sorts first (empty key), ties by sequence number.
        Assert.Equal([1, 2, 3, 4], SortKeys.Sort(messages, [new(SortKey.To, false)]).Select(m => m.SequenceNumber));
    }

    [Fact]
    public void DISPLAYFROM_uses_the_display_name_else_the_address_RFC5957()
    {
        Assert.Equal("DR MARTIN", SortKeys.DisplayKey(new SortAddress(" Dr Martin ", "zzz", "h.test")));
        Assert.Equal("ALICE@H.TEST", SortKeys.DisplayKey(new SortAddress(null, "alice", "h.test")));
        Assert.Equal(string.Empty, SortKeys.DisplayKey(null));
        Assert.Equal("ALICE", SortKeys.AddressKey(new SortAddress("Someone", "alice", "h.test")));
    }
}
