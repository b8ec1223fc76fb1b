// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;
using Caducee.Pki;

namespace Caducee.Imap.Server.Tests.Infrastructure;

/// <summary>A test IGC-Santé generated for the run (never committed): root, organisations CA, the IMAP server certificate.</summary>
public sealed class TestPki : IDisposable
{
    public const string Domain = "cabinet-sud.mssante.test";

    public TestPki()
    {
        Root = CertificateAuthority.CreateRoot(NationalNames.Root());
        Organisations = Root.CreateIntermediate(NationalNames.Organisations());
        Trust = new CertificateTrust([Root.Certificate], [Organisations.Certificate]);
        Server = Organisations.Issue(
            NationalNames.Organisation("imap." + Domain, "344556677800012", "CABINET MEDICAL DU SUD", "Bouches-du-Rhône (13)"),
            CertificateProfile.Server,
            ["imap." + Domain, "localhost"],
            [IPAddress.Loopback]);
    }

    public CertificateAuthority Root { get; }

    public CertificateAuthority Organisations { get; }

    public CertificateTrust Trust { get; }

    public X509Certificate2 Server { get; }

    public void Dispose()
    {
        Server.Dispose();
        Organisations.Dispose();
        Root.Dispose();
    }
}
