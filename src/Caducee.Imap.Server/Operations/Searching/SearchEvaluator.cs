// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Search;
using Caducee.Imap.Protocol.Selection;
using Caducee.Mime;

namespace Caducee.Imap.Server.Operations.Searching;

/// <summary>Three-valued logic: a criterion on the text of a message is unknown until the message is parsed.</summary>
internal enum Match : byte
{
    False,
    True,
    Unknown,
}

/// <summary>What evaluating a criterion needs beyond the message row (UID, flags, size, dates, MODSEQ).</summary>
[Flags]
internal enum SearchNeeds
{
    None = 0,
    /// <summary>The cached views (subject, sent date).</summary>
    Views = 1,
    /// <summary>The stored message, parsed (headers other than Subject, body, text).</summary>
    Message = 2,
}

/// <summary>The session facts a search uses: the sequence map, the saved result ("$") and the time for OLDER/YOUNGER.</summary>
internal sealed record SearchScope(MessageSequenceMap Map, IReadOnlySet<uint> Saved, DateTimeOffset Now);

/// <summary>One message being searched: its row, views when read, and its parsed form with decoded texts when needed.</summary>
internal sealed class SearchSubject(MessageRef reference, MessageSummary message)
{
    private string? _headers;
    private string? _body;

    public MessageRef Ref { get; } = reference;

    public MessageSummary Message { get; } = message;

    public MimeMessage? Mime { get; set; }

    /// <summary>Forgets the parsed message and its texts (a search keeps only the matching rows).</summary>
    public void Release()
    {
        Mime = null;
        _headers = null;
        _body = null;
    }

    /// <summary>All header fields of the message, decoded (RFC 2047, charset of 8-bit bytes), one per line.</summary>
    public string Headers => _headers ??= BuildHeaders(Mime!);

    /// <summary>The text of every text part, transfer encoding undone and converted from its charset.</summary>
    public string Body => _body ??= BuildBody(Mime!);

    private static string BuildHeaders(MimeMessage mime)
    {
        var sb = new StringBuilder();
        foreach (var header in mime.Root.Headers)
        {
            sb.Append(header.Name).Append(": ").Append(header.Value).Append('\n');
        }

        return sb.ToString();
    }

    private static string BuildBody(MimeMessage mime)
    {
        var sb = new StringBuilder();
        foreach (var part in mime.Root.DescendantsAndSelf())
        {
            if (!part.IsMultipart && part.Message is null && part.ContentType.MediaType == "text")
            {
                sb.Append(MimeContent.GetText(part)).Append('\n');
            }
        }

        return sb.ToString();
    }
}

/// <summary>
/// Evaluates SEARCH criteria (RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER, RFC 5182 "$").
/// Text criteria are case-insensitive substring matches on decoded text: SUBJECT on the cached subject;
/// FROM, TO, CC, BCC, HEADER on the decoded header fields; BODY on the text parts decoded from their
/// transfer encoding and charset; TEXT on both. A first pass without the message answers most criteria;
/// only messages still <see cref="Match.Unknown"/> are read and parsed.
/// </summary>
internal static class SearchEvaluator
{
    public static SearchNeeds Needs(SearchKey key) => key switch
    {
        SearchTextKey { Field: SearchTextField.Subject } => SearchNeeds.Views,
        SearchTextKey => SearchNeeds.Message,
        SearchDateKey { Field: SearchDateField.Sent } => SearchNeeds.Views,
        SearchNotKey not => Needs(not.Key),
        SearchOrKey or => Needs(or.Left) | Needs(or.Right),
        SearchAndKey and => and.Keys.Aggregate(SearchNeeds.None, (a, k) => a | Needs(k)),
        _ => SearchNeeds.None,
    };

    public static Match Evaluate(SearchKey key, SearchSubject subject, SearchScope scope)
    {
        var m = subject.Message;
        switch (key)
        {
            case SearchConditionKey condition:
                return Of(condition.Condition switch
                {
                    SearchCondition.All => true,
                    SearchCondition.Answered => Has(m, MessageFlags.Answered),
                    SearchCondition.Deleted => Has(m, MessageFlags.Deleted),
                    SearchCondition.Draft => Has(m, MessageFlags.Draft),
                    SearchCondition.Flagged => Has(m, MessageFlags.Flagged),
                    SearchCondition.Seen => Has(m, MessageFlags.Seen),
                    SearchCondition.Unanswered => !Has(m, MessageFlags.Answered),
                    SearchCondition.Undeleted => !Has(m, MessageFlags.Deleted),
                    SearchCondition.Undraft => !Has(m, MessageFlags.Draft),
                    SearchCondition.Unflagged => !Has(m, MessageFlags.Flagged),
                    SearchCondition.Unseen => !Has(m, MessageFlags.Seen),
                    // \Recent is not kept (IMAP4rev2 removed it): no message is recent, every message is old.
                    SearchCondition.Old => true,
                    _ => false,
                });

            case SearchKeywordKey keyword:
                return Of(m.Keywords.Contains(keyword.Keyword, StringComparer.OrdinalIgnoreCase) == keyword.Present);

            case SearchTextKey text:
                return EvaluateText(text, subject);

            case SearchDateKey date:
                return date.Field switch
                {
                    SearchDateField.Internal => Of(SearchDates.Matches(m.InternalDate, date.Comparison, date.Date)),
                    SearchDateField.Sent => Of(m.Views?.SentDate is { } sent && SearchDates.Matches(sent, date.Comparison, date.Date)),
                    _ => Match.False, // no save dates are kept (SAVEDATE is not offered)
                };

            case SearchSizeKey size:
                return Of(size.Larger ? m.Size > size.Size : m.Size < size.Size);

            case SearchAgeKey age:
                return Of(SearchDates.MatchesAge(m.InternalDate, age.Older, age.Seconds, scope.Now));

            case SearchSetKey set:
            {
                var uid = subject.Ref.Uid;
                var inSet = set.Uid ? set.Set.Contains(uid, scope.Map.MaxUid) : set.Set.Contains(subject.Ref.SequenceNumber, scope.Map.Count);
                return Of(inSet || (set.Set.IncludesSavedResult && scope.Saved.Contains(uid)));
            }

            case SearchModSeqKey modSeq:
                return Of(m.ModSeq >= modSeq.ModSeq);

            case SearchNotKey not:
                return Evaluate(not.Key, subject, scope) switch
                {
                    Match.True => Match.False,
                    Match.False => Match.True,
                    _ => Match.Unknown,
                };

            case SearchOrKey or:
            {
                var left = Evaluate(or.Left, subject, scope);
                if (left == Match.True)
                {
                    return Match.True;
                }

                var right = Evaluate(or.Right, subject, scope);
                return right == Match.True ? Match.True : left == Match.Unknown || right == Match.Unknown ? Match.Unknown : Match.False;
            }

            case SearchAndKey and:
            {
                var result = Match.True;
                foreach (var k in and.Keys)
                {
                    var r = Evaluate(k, subject, scope);
                    if (r == Match.False)
                    {
                        return Match.False;
                    }

                    if (r == Match.Unknown)
                    {
                        result = Match.Unknown;
                    }
                }

                return result;
            }

            default:
                return Match.False;
        }
    }

    private static Match EvaluateText(SearchTextKey text, SearchSubject subject)
    {
        if (text.Field == SearchTextField.Subject && subject.Message.Views is { } views)
        {
            return Of(Contains(views.Subject, text.Value));
        }

        if (subject.Mime is not { } mime)
        {
            return Match.Unknown;
        }

        var headers = mime.Root.Headers;
        return Of(text.Field switch
        {
            SearchTextField.Body => Contains(subject.Body, text.Value),
            SearchTextField.Text => Contains(subject.Headers, text.Value) || Contains(subject.Body, text.Value),
            SearchTextField.Header => headers.FindAll(text.HeaderName!).Any(h => text.Value.Length == 0 || Contains(h.Value, text.Value)),
            SearchTextField.From => headers.FindAll("From").Any(h => Contains(h.Value, text.Value)),
            SearchTextField.To => headers.FindAll("To").Any(h => Contains(h.Value, text.Value)),
            SearchTextField.Cc => headers.FindAll("Cc").Any(h => Contains(h.Value, text.Value)),
            SearchTextField.Bcc => headers.FindAll("Bcc").Any(h => Contains(h.Value, text.Value)),
            _ => headers.FindAll("Subject").Any(h => Contains(h.Value, text.Value)),
        });
    }

    // Case-insensitive (simple case folding of every script, as i;unicode-casemap does for search).
    private static bool Contains(string? text, string value) => text is not null && text.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static bool Has(MessageSummary m, MessageFlags flag) => (m.Flags & flag) != 0;

    private static Match Of(bool value) => value ? Match.True : Match.False;
}
