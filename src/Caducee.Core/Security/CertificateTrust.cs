// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Caducee.Core.Security;

/// <summary>Which extended key usage a certificate must carry.</summary>
public enum X509KeyUsagePurpose
{
    ServerAuth,
    ClientAuth,
}

/// <summary>The result of a chain check: valid, or the reason that a peer can act on.</summary>
public sealed record CertificateCheck(bool IsValid, string Reason)
{
    public static readonly CertificateCheck Valid = new(true, "valid");
}

/// <summary>
/// Validates certificates against explicit trust anchors only (REQ-08: IGC-Santé roots are absent from
/// public stores, and public roots must not be trusted): <c>TrustMode = CustomRootTrust</c>, intermediates
/// from the configured bundle. Revocation is checked by the MSSanté trust policy with its own CRL cache.
/// </summary>
public sealed class CertificateTrust
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");

    public CertificateTrust(X509Certificate2Collection roots, X509Certificate2Collection intermediates)
    {
        Roots = roots;
        Intermediates = intermediates;
    }

    public X509Certificate2Collection Roots { get; }

    public X509Certificate2Collection Intermediates { get; }

    /// <summary>Splits a PEM bundle: self-signed certificates are anchors, the others intermediates.</summary>
    public static CertificateTrust FromPemFile(string path)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        var roots = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        foreach (var cert in all)
        {
            (cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData) ? roots : intermediates).Add(cert);
        }

        return new CertificateTrust(roots, intermediates);
    }

    /// <summary>Builds the chain of <paramref name="certificate"/> to one of the roots and checks validity dates and usage.</summary>
    public CertificateCheck Validate(X509Certificate2 certificate, X509KeyUsagePurpose purpose, DateTime? at = null) =>
        ValidateChain(certificate, purpose, at).Check;

    /// <summary>
    /// As <see cref="Validate"/>, and gives the chain built (leaf first, anchor last) when it is valid, so that a
    /// revocation policy can check each certificate against the CRL of its issuer.
    /// </summary>
    public (CertificateCheck Check, IReadOnlyList<X509Certificate2> Chain) ValidateChain(X509Certificate2 certificate, X509KeyUsagePurpose purpose, DateTime? at = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Roots);
        chain.ChainPolicy.ExtraStore.AddRange(Intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(purpose == X509KeyUsagePurpose.ServerAuth ? s_serverAuth : s_clientAuth);
        chain.ChainPolicy.VerificationTime = at ?? DateTime.Now;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (chain.Build(certificate))
        {
            // Copies: the chain disposes its elements with itself.
            return (CertificateCheck.Valid, [.. chain.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData))]);
        }

        var status = chain.ChainStatus.Select(s => s.Status).Aggregate(X509ChainStatusFlags.NoError, (a, b) => a | b);
        var reason = status switch
        {
            _ when (status & X509ChainStatusFlags.NotTimeValid) != 0 => "certificate expired or not yet valid",
            _ when (status & X509ChainStatusFlags.Revoked) != 0 => "certificate revoked",
            _ when (status & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0 => "certificate not issued by a trusted authority",
            _ when (status & X509ChainStatusFlags.NotValidForUsage) != 0 => $"certificate not valid for {(purpose == X509KeyUsagePurpose.ServerAuth ? "server" : "client")} authentication",
            _ => "certificate chain invalid: " + status,
        };
        return (new CertificateCheck(false, reason), []);
    }
}
