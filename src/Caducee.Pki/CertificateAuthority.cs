// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Caducee.Pki;

/// <summary>What a certificate is for, which decides its extensions.</summary>
public enum CertificateProfile
{
    /// <summary>A TLS server (SMTP, IMAP, HTTPS): serverAuth, and clientAuth so operators can use it to relay.</summary>
    Server,
    /// <summary>An operator's or organisation's client certificate (mTLS between operators, APP boxes).</summary>
    OrganisationClient,
    /// <summary>A professional's personal certificate (CPS-like), clientAuth and signature.</summary>
    PersonalClient,
}

/// <summary>A revoked certificate as a CRL lists it.</summary>
public sealed record RevokedSerial(string SerialHex, DateTimeOffset RevokedAt, X509RevocationReason? Reason);

/// <summary>
/// A certification authority of the test IGC-Santé (issue 7): it issues certificates in the national
/// naming style and revocation lists. Keys are ECDSA P-256. Production uses the real IGC-Santé material
/// by configuration; this exists so a whole trust space runs on one machine.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");

    public CertificateAuthority(X509Certificate2 certificate, X509Certificate2? issuer = null)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("a certification authority needs its private key", nameof(certificate));
        }

        Certificate = certificate;
        Issuer = issuer;
    }

    /// <summary>
    /// Authorities of the test PKI start their validity this far in the past, so that certificates that
    /// are already expired can be issued for tests (REQ-09).
    /// </summary>
    public static readonly TimeSpan CaBackdating = TimeSpan.FromDays(90);

    /// <summary>The authority's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate of the authority above this one (null for a root).</summary>
    public X509Certificate2? Issuer { get; }

    /// <summary>Creates a self-signed root, valid <paramref name="years"/> years.</summary>
    public static CertificateAuthority CreateRoot(X500DistinguishedName subject, int years = 20)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var cert = request.CreateSelfSigned(now - CaBackdating, now.AddYears(years));
        return new CertificateAuthority(cert);
    }

    /// <summary>Issues a subordinate authority (e.g. "organisations").</summary>
    public CertificateAuthority CreateIntermediate(X500DistinguishedName subject, int years = 10)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var notAfter = Min(DateTimeOffset.UtcNow.AddYears(years), Certificate.NotAfter);
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow - CaBackdating, notAfter, NewSerial());
        return new CertificateAuthority(issued.CopyWithPrivateKey(key), Certificate);
    }

    /// <summary>
    /// Issues an end-entity certificate. <paramref name="dnsNames"/> and <paramref name="addresses"/> go
    /// into the subjectAltName (servers); <paramref name="email"/> too (personal certificates).
    /// </summary>
    public X509Certificate2 Issue(
        X500DistinguishedName subject,
        CertificateProfile profile,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? addresses = null,
        string? email = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        IEnumerable<string>? crlUrls = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usages = new OidCollection();
        switch (profile)
        {
            case CertificateProfile.Server:
                usages.Add(s_serverAuth);
                usages.Add(s_clientAuth);
                break;
            default:
                usages.Add(s_clientAuth);
                break;
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var san = new SubjectAlternativeNameBuilder();
        var hasSan = false;
        foreach (var name in dnsNames ?? [])
        {
            san.AddDnsName(name);
            hasSan = true;
        }

        foreach (var ip in addresses ?? [])
        {
            san.AddIpAddress(ip);
            hasSan = true;
        }

        if (email is not null)
        {
            san.AddEmailAddress(email);
            hasSan = true;
        }

        if (hasSan)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        var urls = crlUrls?.ToArray() ?? [];
        if (urls.Length > 0)
        {
            request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(urls));
        }

        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var to = Min(notAfter ?? DateTimeOffset.UtcNow.AddYears(3), Certificate.NotAfter);
        using var issued = request.Create(Certificate, from, to, NewSerial());
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Builds a CRL listing <paramref name="revoked"/> (serial numbers, hex) with the given number.</summary>
    public byte[] BuildCrl(IEnumerable<(string SerialHex, DateTimeOffset RevokedAt)> revoked, BigInteger crlNumber, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var (serial, at) in revoked)
        {
            builder.AddEntry(Convert.FromHexString(serial), at, X509RevocationReason.KeyCompromise);
        }

        return builder.Build(Certificate, crlNumber, nextUpdate, HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// Builds a CRL listing <paramref name="revoked"/> (serial numbers, hex, with the recorded reason when
    /// there is one) with the given number.
    /// </summary>
    public byte[] BuildRevocationList(IEnumerable<RevokedSerial> revoked, BigInteger crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in revoked)
        {
            builder.AddEntry(Convert.FromHexString(entry.SerialHex), entry.RevokedAt, entry.Reason);
        }

        return builder.Build(Certificate, crlNumber, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Issuer?.Dispose();
    }

    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x01; // no leading zero byte
        return serial;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b) => a < new DateTimeOffset(b.ToUniversalTime()) ? a : new DateTimeOffset(b.ToUniversalTime());
}
