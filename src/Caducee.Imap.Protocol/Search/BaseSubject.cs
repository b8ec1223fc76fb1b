// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Imap.Protocol.Search;

/// <summary>
/// The base subject of RFC 5256 §2.1, for SORT SUBJECT and THREAD: without "Re:", "Fwd:", "[list]"
/// blobs, trailing "(fwd)" and "[fwd: …]" wrappers. The input is the Subject already decoded from
/// RFC 2047 (step 1's decoding belongs to the MIME engine).
/// </summary>
public static class BaseSubject
{
    /// <summary>Extracts the base subject.</summary>
    public static string Extract(string? subject) => Extract(subject, out _);

    /// <summary>Extracts the base subject, and whether the subject marked a reply or forward (THREAD, RFC 5256 §2.1 note).</summary>
    public static string Extract(string? subject, out bool isReplyOrForward)
    {
        isReplyOrForward = false;
        if (string.IsNullOrEmpty(subject))
        {
            return string.Empty;
        }

        // (1) tabs and folding whitespace to one space.
        var s = CollapseWhitespace(subject);
        while (true)
        {
            // (2) trailing subj-trailer = "(fwd)" / WSP, repeatedly.
            while (true)
            {
                if (s.EndsWith(' '))
                {
                    s = s[..^1];
                }
                else if (s.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase))
                {
                    s = s[..^5];
                    isReplyOrForward = true;
                }
                else
                {
                    break;
                }
            }

            // (3)-(5) leading subj-leader and subj-blob, repeatedly.
            while (true)
            {
                if (TryStripLeader(ref s, ref isReplyOrForward))
                {
                    continue;
                }

                var blob = BlobLength(s, 0);
                if (blob > 0 && blob < s.Length)
                {
                    s = s[blob..];
                    continue;
                }

                break;
            }

            // (6) "[fwd:" … "]" wrapper: remove it and start again at (2).
            if (s.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && s.EndsWith(']'))
            {
                s = s[5..^1];
                isReplyOrForward = true;
                continue;
            }

            return s;
        }
    }

    // subj-leader = (*subj-blob subj-refwd) / WSP ; subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
    private static bool TryStripLeader(ref string s, ref bool isReplyOrForward)
    {
        if (s.StartsWith(' '))
        {
            s = s[1..];
            return true;
        }

        var i = 0;
        while (true)
        {
            var blob = BlobLength(s, i);
            if (blob == 0)
            {
                break;
            }

            i += blob;
        }

        int word;
        if (At(s, i, "re"))
        {
            word = 2;
        }
        else if (At(s, i, "fwd"))
        {
            word = 3;
        }
        else if (At(s, i, "fw"))
        {
            word = 2;
        }
        else
        {
            return false;
        }

        var j = i + word;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }

        j += BlobLength(s, j);
        if (j < s.Length && s[j] == ':')
        {
            s = s[(j + 1)..];
            isReplyOrForward = true;
            return true;
        }

        return false;
    }

    // subj-blob = "[" *BLOBCHAR "]" *WSP ; returns its length at position i, 0 when none.
    private static int BlobLength(string s, int i)
    {
        if (i >= s.Length || s[i] != '[')
        {
            return 0;
        }

        var j = i + 1;
        while (j < s.Length && s[j] is not ('[' or ']'))
        {
            j++;
        }

        if (j >= s.Length || s[j] != ']')
        {
            return 0;
        }

        j++;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }

        return j - i;
    }

    private static bool At(string s, int i, string word) =>
        i + word.Length <= s.Length && string.Compare(s, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;

    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        if (space)
        {
            sb.Append(' ');
        }

        return sb.ToString();
    }
}
