// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Primitives;

/// <summary>Domain-name syntax checks (RFC 5321 §4.1.2 Domain, RFC 1123 labels, U-labels allowed).</summary>
public static class DomainName
{
    /// <summary>True for a syntactically valid domain or address literal.</summary>
    public static bool IsValid(string domain)
    {
        if (string.IsNullOrEmpty(domain) || domain.Length > MailAddress.MaxDomainLength)
        {
            return false;
        }

        if (domain[0] == '[')
        {
            // address-literal: "[" ( IPv4 / "IPv6:" IPv6 ) "]"
            if (domain[^1] != ']')
            {
                return false;
            }

            var inner = domain[1..^1];
            if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            {
                return System.Net.IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            }

            return System.Net.IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        }

        foreach (var label in domain.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c > 127))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="domain"/> equals <paramref name="parent"/> or is below it.</summary>
    public static bool IsSameOrSubdomain(string domain, string parent) =>
        string.Equals(domain, parent, StringComparison.OrdinalIgnoreCase) ||
        domain.EndsWith("." + parent, StringComparison.OrdinalIgnoreCase);
}
