// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Mime;
using Caducee.Mime.Imap;

namespace Caducee.Core.Model;

/// <summary>The first address of a header field, as SORT (RFC 5256) and DISPLAY (RFC 5957) use it.</summary>
public sealed record ViewAddress(string Address, string? DisplayName);

/// <summary>
/// What IMAP needs of a message without reading and parsing it again, computed once at delivery or append:
/// ENVELOPE, BODY and BODYSTRUCTURE (IMAP syntax), and the SORT/SEARCH keys. These views hold health data
/// (subjects name patients): the store keeps them encrypted at rest.
/// </summary>
public sealed record MessageViews(
    byte[] Envelope,
    byte[] Body,
    byte[] BodyStructure,
    DateTimeOffset? SentDate,
    string? Subject,
    string BaseSubject,
    ViewAddress? From,
    ViewAddress? To,
    ViewAddress? Cc,
    string? MessageId)
{
    /// <summary>Computes the views of raw message bytes with the MIME engine.</summary>
    public static MessageViews Compute(ReadOnlyMemory<byte> content)
    {
        var message = MimeParser.Parse(content);
        var subject = message.Subject;
        return new MessageViews(
            ImapEnvelope.Build(message),
            ImapBodyStructure.Build(message, extensible: false),
            ImapBodyStructure.Build(message, extensible: true),
            message.Date,
            subject,
            BaseSubjects.Extract(subject),
            First(message.From),
            First(message.To),
            First(message.Cc),
            message.MessageId?.Trim());
    }

    private static ViewAddress? First(IReadOnlyList<MailboxAddress> list) =>
        list.Count == 0 ? null : new ViewAddress(list[0].Address, string.IsNullOrWhiteSpace(list[0].DisplayName) ? null : list[0].DisplayName);
}

/// <summary>The base subject of RFC 5256 §2.1 (SORT SUBJECT, THREAD): no "Re:", "Fwd:", "[tag]" or "(fwd)".</summary>
public static class BaseSubjects
{
    public static string Extract(string? subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return string.Empty;
        }

        // (1) encoded words are already decoded; whitespace runs become one space.
        var sb = new StringBuilder(subject.Length);
        var space = false;
        foreach (var c in subject)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                space = true;
                continue;
            }

            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(c);
        }

        var s = sb.ToString();
        while (true)
        {
            var before = s;
            // (2) subj-trailer = "(fwd)" / WSP, at the end, repeatedly.
            while (true)
            {
                var t = s.TrimEnd();
                if (t.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase))
                {
                    t = t[..^5];
                }

                if (t == s)
                {
                    break;
                }

                s = t;
            }

            // (3)-(5) subj-leader and subj-blob, repeatedly; a blob is removed only if something remains.
            while (true)
            {
                var t = RemoveLeader(s);
                if (t == s)
                {
                    break;
                }

                s = t;
            }

            // (6) subj-fwd = "[fwd:" subject "]".
            if (s.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && s.EndsWith(']'))
            {
                s = s[5..^1].Trim();
            }

            if (s == before)
            {
                return s;
            }
        }
    }

    private static string RemoveLeader(string s)
    {
        s = s.TrimStart();
        var i = 0;
        // *subj-blob then subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
        var afterBlobs = SkipBlobs(s, 0);
        i = afterBlobs;
        var word = i + 3 <= s.Length && s.AsSpan(i, 3).Equals("fwd", StringComparison.OrdinalIgnoreCase) ? 3
            : i + 2 <= s.Length && (s.AsSpan(i, 2).Equals("re", StringComparison.OrdinalIgnoreCase) || s.AsSpan(i, 2).Equals("fw", StringComparison.OrdinalIgnoreCase)) ? 2
            : 0;
        if (word > 0)
        {
            var j = i + word;
            while (j < s.Length && s[j] == ' ')
            {
                j++;
            }

            j = SkipOneBlob(s, j);
            if (j < s.Length && s[j] == ':')
            {
                return s[(j + 1)..].TrimStart();
            }
        }

        // A lone leading blob goes when something is left after it.
        if (afterBlobs > 0 && afterBlobs < s.Length)
        {
            var first = SkipOneBlob(s, 0);
            var rest = s[first..].TrimStart();
            if (rest.Length > 0)
            {
                return rest;
            }
        }

        return s;
    }

    private static int SkipBlobs(string s, int i)
    {
        while (true)
        {
            var j = SkipOneBlob(s, i);
            if (j == i)
            {
                return i;
            }

            i = j;
        }
    }

    // subj-blob = "[" *BLOBCHAR "]" *WSP, BLOBCHAR = any CHAR except "[" and "]".
    private static int SkipOneBlob(string s, int i)
    {
        if (i >= s.Length || s[i] != '[')
        {
            return i;
        }

        var close = s.IndexOfAny(['[', ']'], i + 1);
        if (close < 0 || s[close] != ']')
        {
            return i;
        }

        close++;
        while (close < s.Length && s[close] == ' ')
        {
            close++;
        }

        return close;
    }
}
