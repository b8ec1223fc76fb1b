// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Mime;

/// <summary>One mailbox of an address list (RFC 5322 §3.4): display name, local part, domain, obsolete route.</summary>
public sealed record MailboxAddress(string? DisplayName, string LocalPart, string? Domain, string? Route = null, string? RawDisplayName = null)
{
    /// <summary>"local@domain", the local part quoted when it needs to be.</summary>
    public string Address
    {
        get
        {
            string local = NeedsQuotes(LocalPart) ? "\"" + LocalPart.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : LocalPart;
            return Domain is null ? local : local + "@" + Domain;
        }
    }

    /// <summary>The domain in its ASCII (IDNA/punycode) form, or the domain as written when it cannot be converted.</summary>
    public string? AsciiDomain => Idn(Domain, toAscii: true);

    /// <summary>The domain in its Unicode form (punycode labels decoded).</summary>
    public string? UnicodeDomain => Idn(Domain, toAscii: false);

    private static string? Idn(string? domain, bool toAscii)
    {
        if (domain is null || domain.StartsWith('['))
        {
            return domain;
        }

        try
        {
            var idn = new IdnMapping();
            return toAscii ? idn.GetAscii(domain) : idn.GetUnicode(domain);
        }
        catch (ArgumentException)
        {
            return domain;
        }
    }

    private static bool NeedsQuotes(string local)
    {
        if (local.Length == 0 || local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return true;
        }

        foreach (char c in local)
        {
            if (c <= ' ' || c is '(' or ')' or '<' or '>' or '[' or ']' or ':' or ';' or '@' or '\\' or ',' or '"')
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => DisplayName is { Length: > 0 } ? $"{DisplayName} <{Address}>" : Address;
}

/// <summary>A group (RFC 5322 §3.4: display-name ":" [group-list] ";") or a single mailbox.</summary>
public sealed record AddressEntry(MailboxAddress? Mailbox, string? GroupName, IReadOnlyList<MailboxAddress> Members, string? RawGroupName = null)
{
    /// <summary>True for a group.</summary>
    public bool IsGroup => GroupName is not null;
}

/// <summary>Lenient RFC 5322 address-list parser with obsolete syntax (routes, unquoted dots, missing brackets).</summary>
public static class AddressParser
{
    private const int MaxAddresses = 10_000;

    private enum Kind
    {
        Atom,
        Quoted,
        Literal,
        Special,
    }

    private readonly record struct Token(Kind Kind, string Text, char Special = '\0', bool Space = false);

    /// <summary>Parses an unfolded address-list value into mailboxes and groups. Never throws.</summary>
    public static IReadOnlyList<AddressEntry> Parse(string? value)
    {
        var result = new List<AddressEntry>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return result;
        }

        List<Token> t = Tokenize(value);
        int i = 0;
        while (i < t.Count && result.Count < MaxAddresses)
        {
            if (IsSpecial(t[i], ',') || IsSpecial(t[i], ';') || IsSpecial(t[i], '>'))
            {
                i++;
                continue;
            }

            int j = i;
            while (j < t.Count && !(t[j].Kind == Kind.Special && t[j].Special is '<' or ':' or ',' or '@' or ';'))
            {
                j++;
            }

            if (j < t.Count && IsSpecial(t[j], ':'))
            {
                (string? name, string? rawName) = Phrase(t, i, j);
                i = j + 1;
                var members = new List<MailboxAddress>();
                while (i < t.Count && !IsSpecial(t[i], ';'))
                {
                    if (IsSpecial(t[i], ','))
                    {
                        i++;
                        continue;
                    }

                    MailboxAddress? m = ParseMailbox(t, ref i, inGroup: true);
                    if (m is not null)
                    {
                        members.Add(m);
                    }
                }

                if (i < t.Count)
                {
                    i++;
                }

                result.Add(new AddressEntry(null, name ?? string.Empty, members, rawName ?? string.Empty));
            }
            else
            {
                int before = i;
                MailboxAddress? m = ParseMailbox(t, ref i, inGroup: false);
                if (m is not null)
                {
                    result.Add(new AddressEntry(m, null, []));
                }

                if (i == before)
                {
                    i++;
                }
            }
        }

        return result;
    }

    /// <summary>Parses an address list and flattens groups into their members.</summary>
    public static IReadOnlyList<MailboxAddress> ParseMailboxes(string? value)
    {
        var list = new List<MailboxAddress>();
        foreach (AddressEntry e in Parse(value))
        {
            if (e.Mailbox is not null)
            {
                list.Add(e.Mailbox);
            }
            else
            {
                list.AddRange(e.Members);
            }
        }

        return list;
    }

    private static MailboxAddress? ParseMailbox(List<Token> t, ref int i, bool inGroup)
    {
        int start = i;
        int j = i;
        while (j < t.Count && !(t[j].Kind == Kind.Special && (t[j].Special is '<' or ',' || (inGroup && t[j].Special == ';'))))
        {
            j++;
        }

        if (j < t.Count && IsSpecial(t[j], '<'))
        {
            (string? display, string? raw) = Phrase(t, start, j);
            int k = j + 1;
            while (k < t.Count && IsSpecial(t[k], '<'))
            {
                k++; // "<<a@b>>": doubled brackets
            }

            int close = k;
            while (close < t.Count && !IsSpecial(t[close], '>'))
            {
                close++;
            }

            // obs-route: "<@a,@b:user@host>"
            string? route = null;
            int colon = -1;
            for (int x = k; x < close; x++)
            {
                if (IsSpecial(t[x], ':'))
                {
                    colon = x;
                    break;
                }
            }

            if (colon >= 0 && colon > k && IsSpecial(t[k], '@'))
            {
                route = Join(t, k, colon);
                k = colon + 1;
            }

            MailboxAddress? addr = AddrSpec(t, k, close, display, route, raw);
            i = close < t.Count ? close + 1 : close;
            // Skip any junk up to the next separator.
            while (i < t.Count && !IsSpecial(t[i], ',') && !(inGroup && IsSpecial(t[i], ';')))
            {
                i++;
            }

            return addr ?? (display is not null ? new MailboxAddress(display, string.Empty, null, route, raw) : null);
        }

        i = j;
        return AddrSpec(t, start, j, null, null, null);
    }

    private static MailboxAddress? AddrSpec(List<Token> t, int from, int to, string? display, string? route, string? rawDisplay)
    {
        if (from >= to)
        {
            return null;
        }

        int at = -1;
        for (int x = from; x < to; x++)
        {
            if (IsSpecial(t[x], '@'))
            {
                at = x;
                break;
            }
        }

        var local = new StringBuilder();
        for (int x = from; x < (at < 0 ? to : at); x++)
        {
            local.Append(t[x].Kind == Kind.Special ? t[x].Special.ToString() : t[x].Text);
        }

        string? domain = at < 0 ? null : Join(t, at + 1, to);
        if (local.Length == 0 && domain is null)
        {
            return null;
        }

        return new MailboxAddress(display, local.ToString(), string.IsNullOrEmpty(domain) ? null : domain, route, rawDisplay);
    }

    private static string Join(List<Token> t, int from, int to)
    {
        var sb = new StringBuilder();
        for (int x = from; x < to; x++)
        {
            Token k = t[x];
            sb.Append(k.Kind == Kind.Special ? k.Special.ToString() : k.Text);
        }

        return sb.ToString();
    }

    // phrase = 1*word / obs-phrase (dots allowed); encoded words decoded (RFC 2047 §6.2).
    private static (string? Decoded, string? Raw) Phrase(List<Token> t, int from, int to)
    {
        if (from >= to)
        {
            return (null, null);
        }

        var sb = new StringBuilder();
        for (int x = from; x < to; x++)
        {
            Token k = t[x];
            if (k.Kind == Kind.Special)
            {
                if (k.Special == '.')
                {
                    sb.Append(sb.Length > 0 && k.Space ? " ." : ".");
                }

                continue;
            }

            // Words keep the spacing they had: "John Q. Public", "A.B" (obs-phrase, RFC 5322 §4.1).
            if (sb.Length > 0 && (k.Space || !(x > from && IsSpecial(t[x - 1], '.'))))
            {
                sb.Append(' ');
            }

            sb.Append(k.Text);
        }

        string raw = sb.ToString();
        return (Rfc2047.DecodeText(raw), raw);
    }

    private static bool IsSpecial(Token t, char c) => t.Kind == Kind.Special && t.Special == c;

    private static List<Token> Tokenize(string s)
    {
        var list = new List<Token>();
        int i = 0;
        bool space = false;
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                space = true;
                continue;
            }

            if (c == '(')
            {
                i = Tokens.SkipComment(s, i);
                space = true;
                continue;
            }

            int before = list.Count;
            if (c == '"')
            {
                string q = Tokens.ReadQuoted(s, ref i);
                list.Add(new Token(Kind.Quoted, q));
            }
            else if (c == '[')
            {
                int close = s.IndexOf(']', i);
                int end = close < 0 ? s.Length : close + 1;
                list.Add(new Token(Kind.Literal, s[i..end]));
                i = end;
            }
            else if (c is '<' or '>' or ':' or ';' or '@' or ',' or '.')
            {
                list.Add(new Token(Kind.Special, string.Empty, c));
                i++;
            }
            else
            {
                int st = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('(' or ')' or '"' or '[' or ']' or '<' or '>' or ':' or ';' or '@' or ',' or '.'))
                {
                    i++;
                }

                if (i == st)
                {
                    i++; // a lone ')' or ']'
                    continue;
                }

                list.Add(new Token(Kind.Atom, s[st..i]));
            }

            if (list.Count > before)
            {
                list[^1] = list[^1] with { Space = space };
                space = false;
            }
        }

        return list;
    }
}
