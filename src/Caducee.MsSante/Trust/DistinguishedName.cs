// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.MsSante.Trust;

/// <summary>
/// A distinguished name in the whitelist's textual form, most specific first ("CN=…,OU=…,O=…,ST=…,C=FR"),
/// compared attribute by attribute: attribute types case-insensitively (with .NET's "S" read as "ST"),
/// values case-insensitively with white space folded. Certificate subjects are read from their encoded
/// RDNs, not from .NET's display string.
/// </summary>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private static readonly Dictionary<string, string> s_oidNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.11"] = "OU",
        ["2.5.4.10"] = "O",
        ["2.5.4.8"] = "ST",
        ["2.5.4.7"] = "L",
        ["2.5.4.6"] = "C",
        ["2.5.4.5"] = "SERIALNUMBER",
        ["2.5.4.4"] = "SN",
        ["2.5.4.42"] = "GN",
        ["2.5.4.97"] = "ORGANIZATIONIDENTIFIER",
        ["1.2.840.113549.1.9.1"] = "E",
    };

    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["S"] = "ST",
        ["STREET"] = "STREET",
        ["EMAILADDRESS"] = "E",
        ["EMAIL"] = "E",
        ["G"] = "GN",
        ["GIVENNAME"] = "GN",
        ["SURNAME"] = "SN",
        ["2.5.4.5"] = "SERIALNUMBER",
    };

    private DistinguishedName(IReadOnlyList<(string Type, string Value)> parts)
    {
        Parts = parts;
    }

    /// <summary>Attributes, most specific first.</summary>
    public IReadOnlyList<(string Type, string Value)> Parts { get; }

    /// <summary>Reads the subject of a certificate.</summary>
    public static DistinguishedName FromCertificate(X509Certificate2 certificate) => FromX500(certificate.SubjectName);

    /// <summary>Reads an encoded X.500 name.</summary>
    public static DistinguishedName FromX500(X500DistinguishedName name)
    {
        var parts = new List<(string, string)>();
        // reversed: most specific first, the order the whitelist prints (the encoding has C first).
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            var oid = rdn.GetSingleElementType().Value ?? string.Empty;
            var type = s_oidNames.TryGetValue(oid, out var n) ? n : oid;
            parts.Add((type, Fold(rdn.GetSingleElementValue() ?? string.Empty)));
        }

        return new DistinguishedName(parts);
    }

    /// <summary>Parses the textual form (RFC 4514 escapes honoured: "\," and "\\").</summary>
    /// <exception cref="FormatException">The text is not a DN.</exception>
    public static DistinguishedName Parse(string text)
    {
        var parts = new List<(string, string)>();
        var current = new StringBuilder();
        var items = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
            }
            else if (c is ',' or ';' or '+')
            {
                items.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        items.Add(current.ToString());
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"'{item.Trim()}' is not a TYPE=value attribute");
            }

            var type = item[..eq].Trim().ToUpperInvariant();
            type = s_aliases.TryGetValue(type, out var alias) ? alias : type;
            parts.Add((type, Fold(item[(eq + 1)..])));
        }

        return new DistinguishedName(parts);
    }

    /// <summary>The whitelist's printed form: "CN=…,OU=…,O=…,ST=…,C=FR" (commas in values escaped).</summary>
    public override string ToString() =>
        string.Join(',', Parts.Select(p => $"{p.Type}={p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)}"));

    public bool Equals(DistinguishedName? other) =>
        other is not null &&
        other.Parts.Count == Parts.Count &&
        Parts.Zip(other.Parts).All(p =>
            string.Equals(p.First.Type, p.Second.Type, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(p.First.Value, p.Second.Value, StringComparison.OrdinalIgnoreCase));

    public override bool Equals(object? obj) => Equals(obj as DistinguishedName);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

    private static string Fold(string value) => string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
