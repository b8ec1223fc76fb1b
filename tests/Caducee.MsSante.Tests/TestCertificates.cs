// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;
using Caducee.Pki;

namespace Caducee.MsSante.Tests;

/// <summary>A test IGC-Santé, generated per test class (certificates are never committed).</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Root = CertificateAuthority.CreateRoot(NationalNames.Root());
        Organisations = Root.CreateIntermediate(NationalNames.Organisations());
        Trust = new CertificateTrust([Root.Certificate], [Organisations.Certificate]);
    }

    public CertificateAuthority Root { get; }

    public CertificateAuthority Organisations { get; }

    public CertificateTrust Trust { get; }

    public static X500DistinguishedName OperatorDn(string host = "mx.hopital-nord.mssante.test") =>
        NationalNames.Organisation(host, "312345678900018", "CENTRE HOSPITALIER NORD", "Nord (59)");

    /// <summary>A CRL of the organisations CA listing <paramref name="revokedSerials"/> (hex).</summary>
    public byte[] Crl(IEnumerable<string> revokedSerials, long number = 1, DateTimeOffset? thisUpdate = null, DateTimeOffset? nextUpdate = null)
    {
        var now = thisUpdate ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        return Organisations.BuildRevocationList(
            revokedSerials.Select(s => new RevokedSerial(s, now, System.Security.Cryptography.X509Certificates.X509RevocationReason.KeyCompromise)),
            number,
            now,
            nextUpdate ?? now.AddDays(7));
    }

    public X509Certificate2 OperatorClient(string host = "mx.hopital-nord.mssante.test", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Organisations.Issue(OperatorDn(host), CertificateProfile.OrganisationClient, notBefore: notBefore, notAfter: notAfter);

    public void Dispose()
    {
        Organisations.Dispose();
        Root.Dispose();
    }
}
