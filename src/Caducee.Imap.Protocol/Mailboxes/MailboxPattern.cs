// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Mailboxes;

/// <summary>
/// A LIST/LSUB pattern (RFC 9051 §6.3.9): the reference and the mailbox pattern joined, where "*"
/// matches anything and "%" anything but the hierarchy delimiter. INBOX matches in any case. Matching
/// is a dynamic programme over the name, linear in pattern × name (no exponential backtracking).
/// </summary>
public sealed class MailboxPattern
{
    /// <summary>Patterns longer than this match nothing (no real mailbox name is that long).</summary>
    public const int MaxLength = 4096;

    private readonly string _pattern;
    private readonly char _delimiter;

    private MailboxPattern(string pattern, char delimiter)
    {
        _pattern = pattern;
        _delimiter = delimiter;
    }

    /// <summary>The joined, simplified pattern ("**" → "*", "%*" → "*").</summary>
    public string Pattern => _pattern;

    /// <summary>
    /// Joins a reference and a pattern (RFC 9051 §6.3.9 examples: "~smith/Mail/" + "foo.*", "#news." +
    /// "comp.mail.*"): concatenated, with one delimiter kept when the reference ends with it and the pattern
    /// starts with it. Decoded names (not modified UTF-7) are expected.
    /// </summary>
    public static MailboxPattern Create(string reference, string pattern, char delimiter)
    {
        var joined = reference.Length > 0 && pattern.Length > 0 && reference[^1] == delimiter && pattern[0] == delimiter
            ? reference + pattern[1..]
            : reference + pattern;
        return new MailboxPattern(Simplify(joined), delimiter);
    }

    /// <summary>True when the (decoded) mailbox name matches.</summary>
    public bool IsMatch(string name)
    {
        if (_pattern.Length > MaxLength)
        {
            return false;
        }

        // INBOX (and INBOX<delim>…) compares its first five characters in any case.
        var inbox = name.StartsWith("INBOX", StringComparison.Ordinal) && (name.Length == 5 || name[5] == _delimiter);
        var reach = new bool[name.Length + 1];
        var next = new bool[name.Length + 1];
        reach[0] = true;
        foreach (var c in _pattern)
        {
            Array.Clear(next);
            switch (c)
            {
                case '*':
                {
                    var any = false;
                    for (var j = 0; j <= name.Length; j++)
                    {
                        any |= reach[j];
                        next[j] = any;
                    }

                    break;
                }

                case '%':
                    for (var j = 0; j <= name.Length; j++)
                    {
                        next[j] = reach[j] || (j > 0 && next[j - 1] && name[j - 1] != _delimiter);
                    }

                    break;
                default:
                {
                    var any = false;
                    for (var j = 0; j < name.Length; j++)
                    {
                        if (reach[j] && (name[j] == c || (inbox && j < 5 && char.ToUpperInvariant(c) == name[j])))
                        {
                            next[j + 1] = true;
                            any = true;
                        }
                    }

                    if (!any)
                    {
                        return false;
                    }

                    break;
                }
            }

            (reach, next) = (next, reach);
        }

        return reach[name.Length];
    }

    /// <summary>
    /// True when some descendant of <paramref name="name"/> could match (RECURSIVEMATCH / CHILDINFO and
    /// \HasChildren decisions): the pattern matches name + delimiter + something.
    /// </summary>
    public bool CouldMatchDescendantOf(string name)
    {
        if (_pattern.Length > MaxLength)
        {
            return false;
        }

        // A descendant "name/x…" matches when the pattern matches some extension of "name/"; test with
        // the prefix followed by a character no literal in the pattern can require: a trailing "*" or "%" suffices.
        var probe = new MailboxPattern(_pattern, _delimiter);
        return probe.PrefixCanMatch(name + _delimiter);
    }

    // True when some string starting with prefix matches the pattern.
    private bool PrefixCanMatch(string prefix)
    {
        var inbox = prefix.StartsWith("INBOX", StringComparison.Ordinal) && (prefix.Length == 5 || prefix[5] == _delimiter);
        var reach = new bool[prefix.Length + 1];
        var next = new bool[prefix.Length + 1];
        reach[0] = true;
        foreach (var c in _pattern)
        {
            // Once the whole prefix is consumed, anything may follow: a match exists.
            if (reach[prefix.Length])
            {
                return true;
            }

            Array.Clear(next);
            if (c == '*')
            {
                var any = false;
                for (var j = 0; j <= prefix.Length; j++)
                {
                    any |= reach[j];
                    next[j] = any;
                }
            }
            else if (c == '%')
            {
                for (var j = 0; j <= prefix.Length; j++)
                {
                    next[j] = reach[j] || (j > 0 && next[j - 1] && prefix[j - 1] != _delimiter);
                }
            }
            else
            {
                for (var j = 0; j < prefix.Length; j++)
                {
                    next[j + 1] = reach[j] && (prefix[j] == c || (inbox && j < 5 && char.ToUpperInvariant(c) == prefix[j]));
                }
            }

            (reach, next) = (next, reach);
        }

        return reach[prefix.Length];
    }

    private static string Simplify(string pattern)
    {
        if (pattern.IndexOfAny(['*', '%']) < 0)
        {
            return pattern;
        }

        var sb = new System.Text.StringBuilder(pattern.Length);
        foreach (var c in pattern)
        {
            if (c is '*' or '%' && sb.Length > 0 && sb[^1] is '*' or '%')
            {
                // "**" and "%*" and "*%" are "*"; "%%" is "%".
                if (c == '*' || sb[^1] == '*')
                {
                    sb[^1] = '*';
                }

                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
