// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;
using Caducee.Pki;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>A test IGC-Santé generated for the test run (never committed): root, organisations CA, server and operator certificates.</summary>
public sealed class TestPki : IDisposable
{
    public const string LocalDomain = "cabinet-sud.mssante.test";
    public const string PeerDomain = "hopital-nord.mssante.test";

    public TestPki(string directory)
    {
        Root = CertificateAuthority.CreateRoot(NationalNames.Root());
        Organisations = Root.CreateIntermediate(NationalNames.Organisations());
        Trust = new CertificateTrust([Root.Certificate], [Organisations.Certificate]);
        Server = Organisations.Issue(
            NationalNames.Organisation("mx." + LocalDomain, "344556677800012", "CABINET MEDICAL DU SUD", "Bouches-du-Rhône (13)"),
            CertificateProfile.Server,
            ["mx." + LocalDomain, "localhost"],
            [IPAddress.Loopback]);
        PeerClient = Organisations.Issue(PeerDn, CertificateProfile.OrganisationClient);
        BundlePem = Path.Combine(directory, "ca-bundle.pem");
        PemFiles.WriteBundle([Root.Certificate, Organisations.Certificate], BundlePem);
    }

    /// <summary>A new test PKI writing its bundle into <paramref name="directory"/>.</summary>
    public static TestPki Create(string directory) => new(directory);

    /// <summary>Starts a scripted peer MX with the server certificate (its names: mx.cabinet-sud.mssante.test, 127.0.0.1).</summary>
    public FakePeerMx StartPeer(int port = 0) => new(Server, Organisations.Certificate, port);

    public static X500DistinguishedName PeerDn => NationalNames.Organisation("mx." + PeerDomain, "312345678900018", "CENTRE HOSPITALIER NORD", "Nord (59)");

    public CertificateAuthority Root { get; }

    public CertificateAuthority Organisations { get; }

    public CertificateTrust Trust { get; }

    /// <summary>The server certificate of the local operator (with its key).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The operator certificate of the peer, listed in the whitelist for <see cref="PeerDomain"/>.</summary>
    public X509Certificate2 PeerClient { get; }

    /// <summary>Root and intermediate, PEM.</summary>
    public string BundlePem { get; }

    /// <summary>An empty CRL of the organisations CA, valid a week.</summary>
    public byte[] EmptyCrl()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        return Organisations.BuildRevocationList([], 1, now, now.AddDays(7));
    }

    public void Dispose()
    {
        Server.Dispose();
        PeerClient.Dispose();
        Organisations.Dispose();
        Root.Dispose();
    }
}
