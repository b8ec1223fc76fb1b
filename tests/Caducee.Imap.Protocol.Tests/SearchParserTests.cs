// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>SEARCH, ESEARCH, SORT, THREAD: every key, charsets, nesting, limits.</summary>
public class SearchParserTests
{
    [Fact]
    public void RFC9051_example_ANDs_the_top_level_keys()
    {
        var search = Wire.Command<SearchCommand>("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
        Assert.Equal("US-ASCII", search.Charset);
        Assert.Null(search.Return);
        var and = Assert.IsType<SearchAndKey>(search.Criteria);
        Assert.Equal(new SearchConditionKey(SearchCondition.Flagged), and.Keys[0]);
        Assert.Equal(new SearchDateKey(SearchDateField.Internal, SearchDateComparison.Since, new DateOnly(1994, 2, 1)), and.Keys[1]);
        Assert.Equal(new SearchNotKey(new SearchTextKey(SearchTextField.From, "Smith")), and.Keys[2]);
    }

    [Fact]
    public void A_UTF8_literal_search_string_RFC9051()
    {
        var search = Wire.Command<SearchCommand>("A284 SEARCH CHARSET UTF-8 TEXT {10+}\r\n\u0422\u0435\u043a\u0441\u0442\r\n");
        Assert.Equal("UTF-8", search.Charset);
        Assert.Equal(new SearchTextKey(SearchTextField.Text, "\u0422\u0435\u043a\u0441\u0442"), search.Criteria);
    }

    [Fact]
    public void Unknown_charsets_get_NO_BADCHARSET()
    {
        var error = Wire.Error("A1 SEARCH CHARSET KOI8-R TEXT x\r\n");
        Assert.Equal(ImapStatus.No, error.Status);
        Assert.Equal("BADCHARSET (US-ASCII UTF-8)", error.Code);
        Assert.Equal("[BADCHARSET (US-ASCII UTF-8)] SEARCH: charset KOI8-R is not supported; use UTF-8", error.ResponseText);
    }

    public static TheoryData<string, SearchKey> Keys => new()
    {
        { "ALL", new SearchConditionKey(SearchCondition.All) },
        { "answered", new SearchConditionKey(SearchCondition.Answered) },
        { "UNSEEN", new SearchConditionKey(SearchCondition.Unseen) },
        { "NEW", new SearchConditionKey(SearchCondition.New) },
        { "OLD", new SearchConditionKey(SearchCondition.Old) },
        { "RECENT", new SearchConditionKey(SearchCondition.Recent) },
        { "UNDRAFT", new SearchConditionKey(SearchCondition.Undraft) },
        { "SAVEDATESUPPORTED", new SearchConditionKey(SearchCondition.SaveDateSupported) },
        { "KEYWORD $Forwarded", new SearchKeywordKey("$Forwarded", true) },
        { "UNKEYWORD $Junk", new SearchKeywordKey("$Junk", false) },
        { "KEYWORD \\Seen", new SearchConditionKey(SearchCondition.Seen) },
        { "BCC \"a@b\"", new SearchTextKey(SearchTextField.Bcc, "a@b") },
        { "BODY x", new SearchTextKey(SearchTextField.Body, "x") },
        { "CC x", new SearchTextKey(SearchTextField.Cc, "x") },
        { "SUBJECT \"\"", new SearchTextKey(SearchTextField.Subject, "") },
        { "TO x", new SearchTextKey(SearchTextField.To, "x") },
        { "HEADER Message-ID \"<x@y>\"", new SearchTextKey(SearchTextField.Header, "<x@y>", "Message-ID") },
        { "BEFORE \"1-Feb-1994\"", new SearchDateKey(SearchDateField.Internal, SearchDateComparison.Before, new DateOnly(1994, 2, 1)) },
        { "ON 01-feb-1994", new SearchDateKey(SearchDateField.Internal, SearchDateComparison.On, new DateOnly(1994, 2, 1)) },
        { "SENTBEFORE 1-Feb-1994", new SearchDateKey(SearchDateField.Sent, SearchDateComparison.Before, new DateOnly(1994, 2, 1)) },
        { "SENTON 1-Feb-1994", new SearchDateKey(SearchDateField.Sent, SearchDateComparison.On, new DateOnly(1994, 2, 1)) },
        { "SENTSINCE 29-Feb-2024", new SearchDateKey(SearchDateField.Sent, SearchDateComparison.Since, new DateOnly(2024, 2, 29)) },
        { "SAVEDBEFORE 1-Feb-1994", new SearchDateKey(SearchDateField.Saved, SearchDateComparison.Before, new DateOnly(1994, 2, 1)) },
        { "SAVEDON 1-Feb-1994", new SearchDateKey(SearchDateField.Saved, SearchDateComparison.On, new DateOnly(1994, 2, 1)) },
        { "SAVEDSINCE 1-Feb-1994", new SearchDateKey(SearchDateField.Saved, SearchDateComparison.Since, new DateOnly(1994, 2, 1)) },
        { "LARGER 10000", new SearchSizeKey(true, 10000) },
        { "SMALLER 3000000000", new SearchSizeKey(false, 3000000000) },
        { "OLDER 3600", new SearchAgeKey(true, 3600) },
        { "YOUNGER 60", new SearchAgeKey(false, 60) },
        { "MODSEQ 620162338", new SearchModSeqKey(620162338) },
        { "MODSEQ \"/flags/\\\\draft\" all 620162338", new SearchModSeqKey(620162338, "/flags/\\draft", "all") },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Every_search_key(string key, SearchKey expected)
    {
        var search = Wire.Command<SearchCommand>($"A1 SEARCH {key}\r\n");
        Assert.Equal(expected, search.Criteria);
    }

    [Fact]
    public void Sequence_sets_UID_sets_OR_NOT_and_parentheses_nest()
    {
        var search = Wire.Command<SearchCommand>("A1 UID SEARCH OR (1:3,5 UNSEEN) NOT (UID 10:* OR DELETED $) *\r\n");
        Assert.True(search.Uid);
        Assert.Equal("UID SEARCH", search.Name);
        var and = Assert.IsType<SearchAndKey>(search.Criteria);
        var or = Assert.IsType<SearchOrKey>(and.Keys[0]);
        var left = Assert.IsType<SearchAndKey>(or.Left);
        Assert.Equal("1:3,5", Assert.IsType<SearchSetKey>(left.Keys[0]).Set.ToString());
        Assert.False(((SearchSetKey)left.Keys[0]).Uid);
        var not = Assert.IsType<SearchNotKey>(or.Right);
        var inner = Assert.IsType<SearchAndKey>(not.Key);
        Assert.True(((SearchSetKey)inner.Keys[0]).Uid);
        var innerOr = Assert.IsType<SearchOrKey>(inner.Keys[1]);
        Assert.True(((SearchSetKey)innerOr.Right).Set.IncludesSavedResult);
        Assert.Equal("*", ((SearchSetKey)and.Keys[1]).Set.ToString());
    }

    [Fact]
    public void ESEARCH_return_options_RFC4731_and_SAVE_RFC5182()
    {
        var min = Wire.Command<SearchCommand>("A285 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
        Assert.Equal(SearchReturnOptions.Min | SearchReturnOptions.Count, min.Return);
        Assert.Equal(SearchReturnOptions.All, Wire.Command<SearchCommand>("A1 SEARCH RETURN () ALL\r\n").Return);
        Assert.Equal(SearchReturnOptions.Save | SearchReturnOptions.Max, Wire.Command<SearchCommand>("A1 UID SEARCH RETURN (SAVE MAX) CHARSET UTF-8 DELETED\r\n").Return);
        Assert.Equal("SEARCH: unknown RETURN option 'FIRST' (expected MIN, MAX, ALL, COUNT or SAVE)", Wire.Error("A1 SEARCH RETURN (FIRST) ALL\r\n").Text);
    }

    [Fact]
    public void MODSEQ_enables_CONDSTORE_RFC7162()
    {
        Assert.True(Wire.Command<SearchCommand>("A1 SEARCH OR ALL (MODSEQ 5)\r\n").EnablesCondStore);
        Assert.False(Wire.Command<SearchCommand>("A1 SEARCH ALL\r\n").EnablesCondStore);
    }

    [Theory]
    [InlineData("A1 SEARCH\r\n", "SEARCH: missing search key")]
    [InlineData("A1 SEARCH FOO\r\n", "SEARCH: unknown search key 'FOO'")]
    [InlineData("A1 SEARCH ()\r\n", "SEARCH: empty parenthesized search key")]
    [InlineData("A1 SEARCH OR SEEN\r\n", "SEARCH: missing search key")]
    [InlineData("A1 SEARCH NOT\r\n", "SEARCH: missing search key")]
    [InlineData("A1 SEARCH SINCE 32-Jan-2020\r\n", "SEARCH: date must be a date like 1-Feb-1994, got '32-Jan-2020'")]
    [InlineData("A1 SEARCH SINCE 1-Foo-2020\r\n", "SEARCH: date must be a date like 1-Feb-1994, got '1-Foo-2020'")]
    [InlineData("A1 SEARCH SINCE 29-Feb-2023\r\n", "SEARCH: date must be a date like 1-Feb-1994, got '29-Feb-2023'")]
    [InlineData("A1 SEARCH LARGER -1\r\n", "SEARCH: size must be a number from 0 to 9223372036854775807, got '-1'")]
    [InlineData("A1 SEARCH OLDER 0\r\n", "SEARCH: interval in seconds must not be 0")]
    [InlineData("A1 SEARCH KEYWORD \\Recent\r\n", "SEARCH: \\Recent cannot be set by a client")]
    [InlineData("A1 SEARCH KEYWORD a]b\r\n", "SEARCH: invalid keyword 'a]b'")]
    [InlineData("A1 SEARCH UID x\r\n", "SEARCH: UID set: invalid sequence set element 'x' (expected n, n:m or *, with n from 1 to 4294967295)")]
    [InlineData("A1 SEARCH 0\r\n", "SEARCH: search key: invalid sequence set element '0' (expected n, n:m or *, with n from 1 to 4294967295)")]
    [InlineData("A1 SEARCH MODSEQ \"/x\" all 5\r\n", "SEARCH: MODSEQ entry must be \"/flags/<flag>\" followed by priv, shared or all")]
    [InlineData("A1 SEARCH HEADER Subject\r\n", "SEARCH: missing header value")]
    [InlineData("A1 SEARCH {3+}\r\nALL\r\n", "SEARCH: expected a search key, got a literal")]
    public void Search_errors(string wire, string error) => Assert.Equal(error, Wire.Error(wire).Text);

    [Fact]
    public void Nesting_is_bounded_and_refused_with_BAD()
    {
        var deep = "A1 SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 200)) + "SEEN\r\n";
        Assert.Equal("SEARCH: search criteria nested too deeply (limit 100)", Wire.Error(deep).Text);
        var ok = "A1 SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 99)) + "SEEN\r\n";
        Assert.IsType<SearchNotKey>(Wire.Command<SearchCommand>(ok).Criteria);
        var ors = "A1 SEARCH " + string.Concat(Enumerable.Repeat("OR SEEN ", 150)) + "SEEN\r\n";
        Assert.Contains("nested too deeply", Wire.Error(ors).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SORT_RFC5256_and_ESORT_RFC5267()
    {
        var sort = Wire.Command<SortCommand>("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n");
        Assert.Equal([new SortCriterion(SortKey.Subject, false), new SortCriterion(SortKey.Date, true)], sort.Criteria);
        Assert.Equal("UTF-8", sort.Charset);
        Assert.Equal(new SearchConditionKey(SearchCondition.All), sort.Search);
        Assert.Null(sort.Return);
        var esort = Wire.Command<SortCommand>("C01 UID SORT RETURN (MIN MAX) (DATE DISPLAYFROM arrival cc FROM SIZE TO DISPLAYTO) UTF-8 UNDELETED UNKEYWORD $Junk\r\n");
        Assert.Equal("UID SORT", esort.Name);
        Assert.Equal(SearchReturnOptions.Min | SearchReturnOptions.Max, esort.Return);
        Assert.Equal(8, esort.Criteria.Count);
        Assert.IsType<SearchAndKey>(esort.Search);
        Assert.Equal("SORT: unknown sort key 'NAME' (expected ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM or DISPLAYTO)", Wire.Error("A1 SORT (NAME) UTF-8 ALL\r\n").Text);
        Assert.Equal("SORT: missing charset", Wire.Error("A1 SORT (DATE)\r\n").Text);
        Assert.Equal("SORT: at least one sort criterion is needed", Wire.Error("A1 SORT () UTF-8 ALL\r\n").Text);
        Assert.Equal(ImapStatus.No, Wire.Error("A1 SORT (DATE) LATIN1 ALL\r\n").Status);
    }

    [Fact]
    public void THREAD_RFC5256()
    {
        var thread = Wire.Command<ThreadCommand>("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n");
        Assert.Equal(ThreadAlgorithm.OrderedSubject, thread.Algorithm);
        Assert.Equal(new SearchDateKey(SearchDateField.Internal, SearchDateComparison.Since, new DateOnly(2000, 3, 5)), thread.Search);
        Assert.Equal(ThreadAlgorithm.References, Wire.Command<ThreadCommand>("A284 UID THREAD REFERENCES US-ASCII TEXT \"gewp\"\r\n").Algorithm);
        Assert.Equal("THREAD: unknown threading algorithm 'JWZ' (expected ORDEREDSUBJECT or REFERENCES)", Wire.Error("A1 THREAD JWZ UTF-8 ALL\r\n").Text);
    }
}
