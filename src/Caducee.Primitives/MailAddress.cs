// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;

namespace Caducee.Primitives;

/// <summary>
/// An envelope address (RFC 5321 §4.1.2 Mailbox, with RFC 6531 UTF-8 local parts). The domain is kept
/// in lower case; the local part is kept as written (RFC 5321 §2.4: local parts are case-sensitive,
/// though this platform matches mailboxes case-insensitively).
/// </summary>
public sealed record MailAddress
{
    // RFC 5321 §4.5.3.1.1 and §4.5.3.1.2.
    public const int MaxLocalPartLength = 64;
    public const int MaxDomainLength = 255;

    private MailAddress(string localPart, string domain)
    {
        LocalPart = localPart;
        Domain = domain;
    }

    /// <summary>The part before the last '@'.</summary>
    public string LocalPart { get; }

    /// <summary>The domain, lower-cased.</summary>
    public string Domain { get; }

    /// <summary>True when the local part holds non-ASCII characters (needs SMTPUTF8).</summary>
    public bool IsInternational => LocalPart.Any(c => c > 127) || Domain.Any(c => c > 127);

    /// <summary>Parses <c>local@domain</c>; throws <see cref="FormatException"/> on bad syntax.</summary>
    /// <exception cref="FormatException">The text is not a valid mailbox.</exception>
    public static MailAddress Parse(string text)
    {
        if (!TryParse(text, out var address, out var error))
        {
            throw new FormatException(error);
        }

        return address;
    }

    /// <summary>Parses <c>local@domain</c> without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out MailAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty address";
            return false;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            error = "address must be local-part@domain";
            return false;
        }

        var local = text[..at];
        var domain = text[(at + 1)..];
        if (local.Length > MaxLocalPartLength)
        {
            error = "local part longer than 64 octets";
            return false;
        }

        if (!IsValidLocalPart(local))
        {
            error = "invalid local part";
            return false;
        }

        if (!DomainName.IsValid(domain))
        {
            error = "invalid domain";
            return false;
        }

        address = new MailAddress(local, domain.ToLowerInvariant());
        error = null;
        return true;
    }

    /// <summary>Compares addresses the way mailboxes are looked up here: case-insensitively.</summary>
    public bool SameMailbox(MailAddress other) =>
        string.Equals(LocalPart, other.LocalPart, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(Domain, other.Domain, StringComparison.Ordinal);

    /// <summary>The canonical lookup key: lower-cased address.</summary>
    public string Key => $"{LocalPart.ToLowerInvariant()}@{Domain}";

    public override string ToString() => $"{LocalPart}@{Domain}";

    // Local-part = Dot-string / Quoted-string (RFC 5321 §4.1.2), atext widened by RFC 6531 to UTF-8.
    private static bool IsValidLocalPart(string local)
    {
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            for (var i = 1; i < local.Length - 1; i++)
            {
                var c = local[i];
                if (c == '\\')
                {
                    i++;
                    if (i >= local.Length - 1)
                    {
                        return false;
                    }

                    continue;
                }

                if (c == '"' || c < 32 || c == 127)
                {
                    return false;
                }
            }

            return true;
        }

        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (c != '.' && !IsAtext(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAtext(char c) =>
        c > 127 || char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);
}
