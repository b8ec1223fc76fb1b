// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Caducee.Pki;

namespace Caducee.Hosting.Pki;

/// <summary>A certificate and key pair on disk.</summary>
public sealed record CertificateFiles(string Certificate, string Key);

/// <summary>
/// The demo trust space's PKI on disk: a root and an "organisations" CA in the IGC-Santé style, the
/// bundle (PEM and p7b), a CRL, and the certificates issued to servers, operators and professionals.
/// Created on first start, reused afterwards.
/// </summary>
public sealed class DemoPki
{
    private readonly CertificateAuthority _organisations;

    private DemoPki(string directory, CertificateAuthority organisations)
    {
        Directory = directory;
        _organisations = organisations;
    }

    public string Directory { get; }

    public string BundlePem => Path.Combine(Directory, "ca-bundle.pem");

    public string BundleP7b => Path.Combine(Directory, "ca-bundle.p7b");

    public string Crl => Path.Combine(Directory, "organisations.crl");

    /// <summary>Loads the PKI in <paramref name="directory"/>, or creates it.</summary>
    public static DemoPki OpenOrCreate(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var rootCert = Path.Combine(directory, "root.pem");
        var rootKey = Path.Combine(directory, "root.key");
        var orgCert = Path.Combine(directory, "organisations.pem");
        var orgKey = Path.Combine(directory, "organisations.key");
        if (!File.Exists(orgKey))
        {
            using var root = CertificateAuthority.CreateRoot(NationalNames.Root());
            PemFiles.Write(root.Certificate, rootCert, rootKey);
            using var org = root.CreateIntermediate(NationalNames.Organisations());
            PemFiles.Write(org.Certificate, orgCert, orgKey);
            PemFiles.WriteBundle([root.Certificate, org.Certificate], Path.Combine(directory, "ca-bundle.pem"));
            File.WriteAllBytes(Path.Combine(directory, "ca-bundle.p7b"), PemFiles.ToP7b([root.Certificate, org.Certificate]));
            File.WriteAllBytes(Path.Combine(directory, "organisations.crl"), org.BuildCrl([], BigInteger.One, DateTimeOffset.UtcNow.AddDays(7)));
        }

        var rootPublic = PemFiles.LoadPublic(rootCert);
        var organisations = new CertificateAuthority(PemFiles.Load(orgCert, orgKey), rootPublic);
        return new DemoPki(directory, organisations);
    }

    /// <summary>Issues (once) a certificate named <paramref name="name"/>; later calls return the files already there.</summary>
    public CertificateFiles Issue(string name, X500DistinguishedName subject, CertificateProfile profile, IEnumerable<string>? dnsNames = null, string? email = null)
    {
        var files = new CertificateFiles(Path.Combine(Directory, name + ".pem"), Path.Combine(Directory, name + ".key"));
        if (File.Exists(files.Key))
        {
            return files;
        }

        using var cert = _organisations.Issue(subject, profile, dnsNames, profile == CertificateProfile.Server ? [IPAddress.Loopback] : null, email);
        PemFiles.Write(cert, files.Certificate, files.Key);
        return files;
    }
}
