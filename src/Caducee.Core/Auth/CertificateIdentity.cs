// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.Core.Auth;

/// <summary>
/// Reads who a TLS client certificate names (REQ-14, REQ-16): a personal CPS-like certificate carries the
/// professional's national identifier idNatPS = "8" + RPPS in its subject <c>serialNumber</c>; a certificate
/// without it is an organisation certificate, known by its subject.
/// </summary>
public static class CertificateIdentity
{
    private const string SerialNumberOid = "2.5.4.5";

    private static readonly Dictionary<string, string> s_names = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.11"] = "OU",
        ["2.5.4.10"] = "O",
        ["2.5.4.8"] = "ST",
        ["2.5.4.7"] = "L",
        ["2.5.4.6"] = "C",
        [SerialNumberOid] = "SERIALNUMBER",
        ["2.5.4.4"] = "SN",
        ["2.5.4.42"] = "GN",
        ["2.5.4.97"] = "ORGANIZATIONIDENTIFIER",
        ["1.2.840.113549.1.9.1"] = "E",
    };

    /// <summary>The identity a certificate proves: a professional when its subject holds an RPPS-based idNatPS, else an organisation (by subject).</summary>
    public static AuthIdentity FromCertificate(X509Certificate2 certificate)
    {
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != SerialNumberOid)
            {
                continue;
            }

            if (TryReadRpps(rdn.GetSingleElementValue(), out var rpps))
            {
                return AuthIdentity.Professional(rpps);
            }

            // Another serialNumber (an ADELI-based idNat "0" + ADELI, or an organisation's registration
            // number) names no RPPS: the certificate is then known by its subject, like an organisation's.
            break;
        }

        return AuthIdentity.Organisation(SubjectKey(certificate.SubjectName));
    }

    /// <summary>
    /// An RPPS from a national identifier: 11 digits, or idNatPS "8" + 11 digits (as in CPS certificates and
    /// Pro Santé Connect's <c>SubjectNameID</c>).
    /// </summary>
    public static bool TryReadRpps(string? value, out string rpps)
    {
        rpps = string.Empty;
        var v = value?.Trim() ?? string.Empty;
        if (v.Length == 12 && v[0] == '8')
        {
            v = v[1..];
        }

        if (v.Length != 11 || !v.All(char.IsAsciiDigit))
        {
            return false;
        }

        rpps = v;
        return true;
    }

    /// <summary>
    /// The canonical text of a subject, most specific attribute first ("CN=…, OU=…, O=…, ST=…, C=FR"),
    /// with white space folded, as stored for APP boxes and compared without regard to case.
    /// </summary>
    public static string SubjectKey(X500DistinguishedName name)
    {
        var sb = new StringBuilder();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            if (rdn.HasMultipleElements)
            {
                // Multi-valued RDNs do not occur in IGC-Santé names; keep them exact rather than guess an order.
                sb.Append(Convert.ToHexString(rdn.RawData.Span));
                continue;
            }

            var oid = rdn.GetSingleElementType().Value ?? string.Empty;
            sb.Append(s_names.TryGetValue(oid, out var n) ? n : oid).Append('=');
            foreach (var c in Fold(rdn.GetSingleElementValue() ?? string.Empty))
            {
                if (c is ',' or '\\' or '+' or '"' or '<' or '>' or ';' or '=')
                {
                    sb.Append('\\');
                }

                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The canonical text of a subject written by an administrator ("CN=…, OU=…, O=…, C=FR", most specific first).</summary>
    /// <exception cref="FormatException">The text is not a distinguished name.</exception>
    public static string SubjectKey(string text)
    {
        try
        {
            return SubjectKey(new X500DistinguishedName(text));
        }
        catch (CryptographicException ex)
        {
            throw new FormatException($"'{text}' is not a distinguished name: {ex.Message}", ex);
        }
    }

    private static string Fold(string value) => string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
