// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses SEARCH, and the charset and criteria shared with SORT and THREAD.</summary>
internal static class SearchParser
{
    /// <summary>The charsets we search in; others get NO [BADCHARSET (US-ASCII UTF-8)].</summary>
    public const string SupportedCharsets = "US-ASCII UTF-8";

    // search = "SEARCH" [search-return-opts] SP search-program
    // search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"
    // search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)
    public static ImapParseResult Parse(ArgumentReader r, bool uid)
    {
        SearchReturnOptions? returns = null;
        if (r.TryKeyword("RETURN"))
        {
            if (!TryReturnOptions(r, out var options))
            {
                return r.Error;
            }

            returns = options;
        }

        var charset = "US-ASCII";
        if (r.TryKeyword("CHARSET") && !TryCharset(r, out charset))
        {
            return r.Error;
        }

        if (!TryCriteria(r, out var criteria, out var usesModSeq))
        {
            return r.Error;
        }

        return new SearchCommand(uid, charset, criteria, returns) { Tag = r.Tag, UsesModSeq = usesModSeq };
    }

    // search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" / "SAVE"
    public static bool TryReturnOptions(ArgumentReader r, out SearchReturnOptions returns)
    {
        returns = SearchReturnOptions.None;
        if (!r.TryList("RETURN options", out var list))
        {
            return false;
        }

        while (!list.AtEnd)
        {
            if (!list.TryAtom("RETURN option", out var name))
            {
                return false;
            }

            var option = name.ToUpperInvariant() switch
            {
                "MIN" => SearchReturnOptions.Min,
                "MAX" => SearchReturnOptions.Max,
                "ALL" => SearchReturnOptions.All,
                "COUNT" => SearchReturnOptions.Count,
                "SAVE" => SearchReturnOptions.Save,
                _ => SearchReturnOptions.None,
            };
            if (option == SearchReturnOptions.None)
            {
                return list.Fail($"unknown RETURN option '{name}' (expected MIN, MAX, ALL, COUNT or SAVE)");
            }

            returns |= option;
        }

        // RFC 4731 §3.1: RETURN () is RETURN (ALL).
        if (returns == SearchReturnOptions.None)
        {
            returns = SearchReturnOptions.All;
        }

        return true;
    }

    // charset = atom / quoted
    public static bool TryCharset(ArgumentReader r, out string charset)
    {
        if (!r.TryAstring("charset", out charset))
        {
            return false;
        }

        charset = charset.ToUpperInvariant();
        if (charset is "UTF8")
        {
            charset = "UTF-8";
        }

        return charset is "US-ASCII" or "UTF-8"
            || r.Fail(ImapStatus.No, $"BADCHARSET ({SupportedCharsets})", $"charset {charset} is not supported; use UTF-8");
    }

    /// <summary>Reads the remaining arguments as search keys (at least one); several are ANDed.</summary>
    public static bool TryCriteria(ArgumentReader r, out SearchKey criteria, out bool usesModSeq)
    {
        criteria = new SearchConditionKey(SearchCondition.All);
        var state = new State(r.Options.MaxSearchDepth);
        var keys = new List<SearchKey>();
        do
        {
            if (!TryKey(r, state, 0, out var key))
            {
                usesModSeq = false;
                return false;
            }

            keys.Add(key);
        }
        while (!r.AtEnd);

        usesModSeq = state.UsesModSeq;
        criteria = keys.Count == 1 ? keys[0] : new SearchAndKey(keys);
        return true;
    }

    private static bool TryKey(ArgumentReader r, State state, int depth, out SearchKey key)
    {
        key = null!;
        if (depth >= state.MaxDepth)
        {
            return r.Fail($"search criteria nested too deeply (limit {state.MaxDepth})");
        }

        if (!r.TryNext("search key", out var token))
        {
            return false;
        }

        if (token.Kind == ImapTokenKind.List)
        {
            // "(" search-key *(SP search-key) ")"
            var inner = r.Sub(token);
            var keys = new List<SearchKey>();
            while (!inner.AtEnd)
            {
                if (!TryKey(inner, state, depth + 1, out var k))
                {
                    return false;
                }

                keys.Add(k);
            }

            if (keys.Count == 0)
            {
                return r.Fail("empty parenthesized search key");
            }

            key = keys.Count == 1 ? keys[0] : new SearchAndKey(keys);
            return true;
        }

        if (token.Kind != ImapTokenKind.Atom)
        {
            return r.Fail($"expected a search key, got {r.Describe(token)}");
        }

        var first = token.Data.Span[0];
        if (first is (byte)'*' or (byte)'$' || char.IsAsciiDigit((char)first))
        {
            // sequence-set as a key
            if (!SequenceSet.TryParse(token.Data.Span, r.Options.MaxSequenceRanges, out var set, out var error))
            {
                return r.Fail($"search key: {error}");
            }

            key = new SearchSetKey(set, Uid: false);
            return true;
        }

        var name = token.Text.ToUpperInvariant();
        switch (name)
        {
            case "ALL": key = new SearchConditionKey(SearchCondition.All); return true;
            case "ANSWERED": key = new SearchConditionKey(SearchCondition.Answered); return true;
            case "DELETED": key = new SearchConditionKey(SearchCondition.Deleted); return true;
            case "DRAFT": key = new SearchConditionKey(SearchCondition.Draft); return true;
            case "FLAGGED": key = new SearchConditionKey(SearchCondition.Flagged); return true;
            case "SEEN": key = new SearchConditionKey(SearchCondition.Seen); return true;
            case "UNANSWERED": key = new SearchConditionKey(SearchCondition.Unanswered); return true;
            case "UNDELETED": key = new SearchConditionKey(SearchCondition.Undeleted); return true;
            case "UNDRAFT": key = new SearchConditionKey(SearchCondition.Undraft); return true;
            case "UNFLAGGED": key = new SearchConditionKey(SearchCondition.Unflagged); return true;
            case "UNSEEN": key = new SearchConditionKey(SearchCondition.Unseen); return true;
            case "NEW": key = new SearchConditionKey(SearchCondition.New); return true;
            case "OLD": key = new SearchConditionKey(SearchCondition.Old); return true;
            case "RECENT": key = new SearchConditionKey(SearchCondition.Recent); return true;
            case "SAVEDATESUPPORTED": key = new SearchConditionKey(SearchCondition.SaveDateSupported); return true;
            case "KEYWORD":
            case "UNKEYWORD":
                return TryKeyword(r, name == "KEYWORD", out key);
            case "BCC": return TryText(r, SearchTextField.Bcc, out key);
            case "BODY": return TryText(r, SearchTextField.Body, out key);
            case "CC": return TryText(r, SearchTextField.Cc, out key);
            case "FROM": return TryText(r, SearchTextField.From, out key);
            case "SUBJECT": return TryText(r, SearchTextField.Subject, out key);
            case "TEXT": return TryText(r, SearchTextField.Text, out key);
            case "TO": return TryText(r, SearchTextField.To, out key);
            case "HEADER":
                if (!r.TryAstring("header field name", out var header) || !r.TryAstring("header value", out var value))
                {
                    return false;
                }

                key = new SearchTextKey(SearchTextField.Header, value, header);
                return true;
            case "BEFORE": return TryDate(r, SearchDateField.Internal, SearchDateComparison.Before, out key);
            case "ON": return TryDate(r, SearchDateField.Internal, SearchDateComparison.On, out key);
            case "SINCE": return TryDate(r, SearchDateField.Internal, SearchDateComparison.Since, out key);
            case "SENTBEFORE": return TryDate(r, SearchDateField.Sent, SearchDateComparison.Before, out key);
            case "SENTON": return TryDate(r, SearchDateField.Sent, SearchDateComparison.On, out key);
            case "SENTSINCE": return TryDate(r, SearchDateField.Sent, SearchDateComparison.Since, out key);
            case "SAVEDBEFORE": return TryDate(r, SearchDateField.Saved, SearchDateComparison.Before, out key);
            case "SAVEDON": return TryDate(r, SearchDateField.Saved, SearchDateComparison.On, out key);
            case "SAVEDSINCE": return TryDate(r, SearchDateField.Saved, SearchDateComparison.Since, out key);
            case "LARGER":
            case "SMALLER":
                if (!r.TryNumber64("size", out var size))
                {
                    return false;
                }

                key = new SearchSizeKey(name == "LARGER", size);
                return true;
            case "OLDER":
            case "YOUNGER":
                if (!r.TryNzNumber("interval in seconds", out var seconds))
                {
                    return false;
                }

                key = new SearchAgeKey(name == "OLDER", seconds);
                return true;
            case "UID":
                if (!r.TrySequenceSet("UID set", out var uids))
                {
                    return false;
                }

                key = new SearchSetKey(uids, Uid: true);
                return true;
            case "MODSEQ":
                return TryModSeq(r, state, out key);
            case "NOT":
                if (!TryKey(r, state, depth + 1, out var negated))
                {
                    return false;
                }

                key = new SearchNotKey(negated);
                return true;
            case "OR":
                if (!TryKey(r, state, depth + 1, out var left) || !TryKey(r, state, depth + 1, out var right))
                {
                    return false;
                }

                key = new SearchOrKey(left, right);
                return true;
            default:
                return r.Fail($"unknown search key '{(name.Length > 40 ? name[..40] : name)}'");
        }
    }

    private static bool TryKeyword(ArgumentReader r, bool present, out SearchKey key)
    {
        key = null!;
        if (!r.TryAtom("keyword", out var text))
        {
            return false;
        }

        if (!FlagList.TryParseFlag(System.Text.Encoding.UTF8.GetBytes(text), out var system, out var keyword, out var error))
        {
            return r.Fail(error!);
        }

        if (keyword is null)
        {
            // KEYWORD \Seen: clients mean the flag.
            key = new SearchConditionKey(system switch
            {
                ImapSystemFlags.Seen => present ? SearchCondition.Seen : SearchCondition.Unseen,
                ImapSystemFlags.Answered => present ? SearchCondition.Answered : SearchCondition.Unanswered,
                ImapSystemFlags.Flagged => present ? SearchCondition.Flagged : SearchCondition.Unflagged,
                ImapSystemFlags.Deleted => present ? SearchCondition.Deleted : SearchCondition.Undeleted,
                _ => present ? SearchCondition.Draft : SearchCondition.Undraft,
            });
            return true;
        }

        key = new SearchKeywordKey(keyword, present);
        return true;
    }

    private static bool TryText(ArgumentReader r, SearchTextField field, out SearchKey key)
    {
        key = null!;
        if (!r.TryAstring("search string", out var value))
        {
            return false;
        }

        key = new SearchTextKey(field, value);
        return true;
    }

    private static bool TryDate(ArgumentReader r, SearchDateField field, SearchDateComparison comparison, out SearchKey key)
    {
        key = null!;
        if (!r.TryDate("date", out var date))
        {
            return false;
        }

        key = new SearchDateKey(field, comparison, date);
        return true;
    }

    // search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer
    // search-modseq-ext = SP entry-name SP entry-type-req ; entry-name = DQUOTE "/flags/" attr-flag DQUOTE ; entry-type-req = "priv" / "shared" / "all"
    private static bool TryModSeq(ArgumentReader r, State state, out SearchKey key)
    {
        key = null!;
        string? entry = null, type = null;
        if (r.Peek() is { Kind: ImapTokenKind.Quoted })
        {
            if (!r.TryString("MODSEQ entry name", out var e) || !r.TryAtom("MODSEQ entry type", out var t))
            {
                return false;
            }

            t = t.ToLowerInvariant();
            if (!e.StartsWith("/flags/", StringComparison.OrdinalIgnoreCase) || t is not ("priv" or "shared" or "all"))
            {
                return r.Fail("MODSEQ entry must be \"/flags/<flag>\" followed by priv, shared or all");
            }

            (entry, type) = (e, t);
        }

        if (!r.TryNumber64("mod-sequence", out var modSeq))
        {
            return false;
        }

        state.UsesModSeq = true;
        key = new SearchModSeqKey(modSeq, entry, type);
        return true;
    }

    private sealed class State(int maxDepth)
    {
        public int MaxDepth { get; } = maxDepth;

        public bool UsesModSeq { get; set; }
    }
}
