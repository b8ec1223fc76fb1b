// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// A SEARCH criterion (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER,
/// RFC 8514 SAVEDATE). A closed hierarchy: the server evaluates it with a switch on the type. Nesting
/// is bounded by <see cref="ImapParserOptions.MaxSearchDepth"/>.
/// </summary>
public abstract record SearchKey;

/// <summary>Criteria without argument.</summary>
public enum SearchCondition
{
    /// <summary>ALL.</summary>
    All,
    /// <summary>ANSWERED.</summary>
    Answered,
    /// <summary>DELETED.</summary>
    Deleted,
    /// <summary>DRAFT.</summary>
    Draft,
    /// <summary>FLAGGED.</summary>
    Flagged,
    /// <summary>SEEN.</summary>
    Seen,
    /// <summary>UNANSWERED.</summary>
    Unanswered,
    /// <summary>UNDELETED.</summary>
    Undeleted,
    /// <summary>UNDRAFT.</summary>
    Undraft,
    /// <summary>UNFLAGGED.</summary>
    Unflagged,
    /// <summary>UNSEEN.</summary>
    Unseen,
    /// <summary>NEW: RECENT and UNSEEN (IMAP4rev1).</summary>
    New,
    /// <summary>OLD: not RECENT (IMAP4rev1).</summary>
    Old,
    /// <summary>RECENT (IMAP4rev1).</summary>
    Recent,
    /// <summary>SAVEDATESUPPORTED (RFC 8514): all messages if the mailbox records save dates, else none.</summary>
    SaveDateSupported,
}

/// <summary>A criterion without argument.</summary>
public sealed record SearchConditionKey(SearchCondition Condition) : SearchKey;

/// <summary>KEYWORD or UNKEYWORD.</summary>
/// <param name="Keyword">The keyword (compare case-insensitively).</param>
/// <param name="Present">True for KEYWORD, false for UNKEYWORD.</param>
public sealed record SearchKeywordKey(string Keyword, bool Present) : SearchKey;

/// <summary>Where a text criterion looks.</summary>
public enum SearchTextField
{
    /// <summary>BCC header.</summary>
    Bcc,
    /// <summary>BODY: the text body.</summary>
    Body,
    /// <summary>CC header.</summary>
    Cc,
    /// <summary>FROM header.</summary>
    From,
    /// <summary>SUBJECT header.</summary>
    Subject,
    /// <summary>TEXT: header and body.</summary>
    Text,
    /// <summary>TO header.</summary>
    To,
    /// <summary>HEADER name value: a named header (an empty value matches any message having it).</summary>
    Header,
}

/// <summary>A substring criterion (case-insensitive, RFC 9051 §6.4.4).</summary>
/// <param name="Field">Where to look.</param>
/// <param name="Value">The substring (decoded from the search charset).</param>
/// <param name="HeaderName">The header name for <see cref="SearchTextField.Header"/>.</param>
public sealed record SearchTextKey(SearchTextField Field, string Value, string? HeaderName = null) : SearchKey;

/// <summary>Which date a date criterion compares.</summary>
public enum SearchDateField
{
    /// <summary>The internal date (BEFORE, ON, SINCE).</summary>
    Internal,
    /// <summary>The Date: header (SENTBEFORE, SENTON, SENTSINCE).</summary>
    Sent,
    /// <summary>The save date (SAVEDBEFORE, SAVEDON, SAVEDSINCE; RFC 8514).</summary>
    Saved,
}

/// <summary>How a date criterion compares (dates without time and zone: see <see cref="Search.SearchDates"/>).</summary>
public enum SearchDateComparison
{
    /// <summary>Earlier than the date.</summary>
    Before,
    /// <summary>Within the date.</summary>
    On,
    /// <summary>Within or later than the date.</summary>
    Since,
}

/// <summary>A date criterion.</summary>
public sealed record SearchDateKey(SearchDateField Field, SearchDateComparison Comparison, DateOnly Date) : SearchKey;

/// <summary>LARGER or SMALLER (RFC822.SIZE, strictly).</summary>
public sealed record SearchSizeKey(bool Larger, long Size) : SearchKey;

/// <summary>OLDER or YOUNGER (RFC 5032): internal date more/less than so many seconds before now.</summary>
public sealed record SearchAgeKey(bool Older, long Seconds) : SearchKey;

/// <summary>A sequence set (message numbers) or UID set; may be or include "$".</summary>
public sealed record SearchSetKey(SequenceSet Set, bool Uid) : SearchKey;

/// <summary>MODSEQ (RFC 7162 §3.1.5): messages whose mod-sequence is at least <paramref name="ModSeq"/>.</summary>
/// <param name="ModSeq">The mod-sequence.</param>
/// <param name="EntryName">The optional entry ("/flags/\Seen"), informational.</param>
/// <param name="EntryType">"priv", "shared" or "all" with the entry.</param>
public sealed record SearchModSeqKey(long ModSeq, string? EntryName = null, string? EntryType = null) : SearchKey;

/// <summary>NOT key.</summary>
public sealed record SearchNotKey(SearchKey Key) : SearchKey;

/// <summary>OR key key.</summary>
public sealed record SearchOrKey(SearchKey Left, SearchKey Right) : SearchKey;

/// <summary>Several keys that must all match (the top level, or a parenthesized list).</summary>
public sealed record SearchAndKey(IReadOnlyList<SearchKey> Keys) : SearchKey;
