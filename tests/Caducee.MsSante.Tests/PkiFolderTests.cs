// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Formats.Asn1;
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Caducee.MsSante.Trust;
using Caducee.Pki;

namespace Caducee.MsSante.Tests;

/// <summary>Issue 7, point 1: the PKI folder behind `caducee pki` (REQ-08, REQ-09, REQ-11).</summary>
public sealed class PkiFolderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-pki-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PkiDir => Path.Combine(_dir.FullName, "pki");

    [Fact]
    public void Init_writes_the_chain_the_bundles_and_an_empty_CRL_and_refuses_to_overwrite()
    {
        using (var pki = PkiFolder.Create(PkiDir, force: false))
        {
            Assert.Equal(BigInteger.One, pki.ReadCrl()!.Number);
            Assert.Equal(0, pki.ReadCrl()!.RevokedCount);
        }

        foreach (var file in new[] { "root.pem", "root.key", "organisations.pem", "organisations.key", "ca-bundle.pem", "ca-bundle.p7b", "organisations.crl", "index.json" })
        {
            Assert.True(File.Exists(Path.Combine(PkiDir, file)), file);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(PkiDir, "organisations.key")));
        using (var opened = PkiFolder.Open(PkiDir))
        {
            opened.Issue("old", NationalNames.Organisation("a.mssante.test", "3111", "A", null), CertificateProfile.OrganisationClient);
            opened.Revoke("old", null);
        }

        var rootBefore = File.ReadAllText(Path.Combine(PkiDir, "root.pem"));
        var ex = Assert.Throws<PkiException>(() => PkiFolder.Create(PkiDir, force: false));
        Assert.Contains("--force", ex.Message, StringComparison.Ordinal);
        Assert.Equal(rootBefore, File.ReadAllText(Path.Combine(PkiDir, "root.pem")));
        Assert.True(File.Exists(Path.Combine(PkiDir, "old.pem")));
        using (var other = CertificateAuthority.CreateRoot(NationalNames.Root()))
        using (var sameName = other.CreateIntermediate(NationalNames.Organisations()))
        using (var stray = sameName.Issue(NationalNames.Organisation("b.mssante.test", "3111", "B", null), CertificateProfile.OrganisationClient))
        {
            // Not in the index and from an authority with the same name but another key: never adopted.
            PemFiles.Write(stray, Path.Combine(PkiDir, "stray.pem"), null);
        }

        using (var replaced = PkiFolder.Create(PkiDir, force: true))
        {
            Assert.NotEqual(rootBefore, File.ReadAllText(Path.Combine(PkiDir, "root.pem")));
            Assert.Empty(replaced.Issued);
            Assert.True(File.Exists(Path.Combine(PkiDir, "stray.pem")));
            Assert.False(File.Exists(Path.Combine(PkiDir, "old.pem")));
            Assert.False(File.Exists(Path.Combine(PkiDir, "old.key")));
            Assert.Equal(BigInteger.One, replaced.ReadCrl()!.Number);
            Assert.Equal(0, replaced.ReadCrl()!.RevokedCount);
        }
    }

    [Fact]
    public void A_server_certificate_chains_to_the_root_with_its_SAN_and_OU_structure_id_REQ08_REQ11()
    {
        using var pki = PkiFolder.Create(PkiDir, force: false);
        var subject = NationalNames.Organisation("mx.hopital-nord.mssante.test", "312345678900018", "CENTRE HOSPITALIER NORD", "Nord (59)");
        var issued = pki.Issue("mx", subject, CertificateProfile.Server, ["mx.hopital-nord.mssante.test", "imap.hopital-nord.mssante.test"], [IPAddress.Loopback]);
        using var cert = PemFiles.Load(Path.Combine(PkiDir, "mx.pem"), Path.Combine(PkiDir, "mx.key"));
        Assert.True(cert.HasPrivateKey);
        Assert.Equal(issued.SerialHex, cert.SerialNumber);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(PkiDir, "mx.key")));

        // The chain validates against the root only (custom root trust, not the OS store).
        using var root = PemFiles.LoadPublic(pki.RootCertificate);
        using var organisations = PemFiles.LoadPublic(pki.OrganisationsCertificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(organisations);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        Assert.True(chain.Build(cert), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(3, chain.ChainElements.Count);
        Assert.Equal(root.Thumbprint, chain.ChainElements[2].Certificate.Thumbprint);

        // A chain to a root the folder did not create fails.
        using var other = CertificateAuthority.CreateRoot(NationalNames.Root("OTHER"));
        using var strange = new X509Chain();
        strange.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        strange.ChainPolicy.CustomTrustStore.Add(other.Certificate);
        strange.ChainPolicy.ExtraStore.Add(organisations);
        strange.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.False(strange.Build(cert));

        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["mx.hopital-nord.mssante.test", "imap.hopital-nord.mssante.test"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());
        Assert.Equal("CN=mx.hopital-nord.mssante.test,OU=312345678900018,O=CENTRE HOSPITALIER NORD,ST=Nord (59),C=FR", DistinguishedName.FromCertificate(cert).ToString());
    }

    [Fact]
    public void A_personal_certificate_carries_the_RPPS_as_serialNumber_8_plus_RPPS_and_the_DN_is_encoded_C_first()
    {
        using var pki = PkiFolder.Create(PkiDir, force: false);
        var issued = pki.Issue("dupre", NationalNames.Professional("Hélène", "Dupré", "10001234567", "312345678900018", "CH NORD"), CertificateProfile.PersonalClient, email: "helene.dupre@hopital-nord.mssante.test");
        using var cert = PemFiles.LoadPublic(Path.Combine(PkiDir, "dupre.pem"));

        var rdns = cert.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false).ToList();
        Assert.Equal("2.5.4.6", rdns[0].GetSingleElementType().Value); // C first in the encoding
        Assert.Equal("FR", rdns[0].GetSingleElementValue());
        Assert.Equal("2.5.4.3", rdns[^1].GetSingleElementType().Value); // CN last
        var serialNumber = rdns.Single(r => r.GetSingleElementType().Value == "2.5.4.5");
        Assert.Equal("810001234567", serialNumber.GetSingleElementValue());
        Assert.Equal("Hélène DUPRÉ", rdns[^1].GetSingleElementValue());
        Assert.Equal(["helene.dupre@hopital-nord.mssante.test"], EmailNames(cert));
        Assert.Equal("personal", issued.Profile);
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));

        // The index records the subject, and it reads back in whitelist order.
        using var reopened = PkiFolder.Open(PkiDir);
        Assert.StartsWith("CN=Hélène DUPRÉ,SERIALNUMBER=810001234567,", DistinguishedName.FromX500(reopened.Find("dupre")!.Subject).ToString(), StringComparison.Ordinal);
        Assert.Same(reopened.Find("dupre"), reopened.Find(issued.SerialHex.ToLowerInvariant()));
    }

    [Fact]
    public void A_revoked_certificate_appears_in_the_CRL_with_the_next_CRL_number_REQ09()
    {
        using (var pki = PkiFolder.Create(PkiDir, force: false))
        {
            pki.Issue("mx", NationalNames.Organisation("mx.a.mssante.test", "3111", "A", null), CertificateProfile.Server, ["mx.a.mssante.test"]);
            pki.Issue("op", NationalNames.Organisation("mx.a.mssante.test", "3111", "A", null), CertificateProfile.OrganisationClient);
        }

        using var again = PkiFolder.Open(PkiDir);
        var revokedSerial = again.Find("op")!.SerialHex;
        var keptSerial = again.Find("mx")!.SerialHex;
        var (revoked, crl) = again.Revoke("op", X509RevocationReason.KeyCompromise);
        Assert.True(revoked.IsRevoked);
        Assert.Equal(new BigInteger(2), crl.Number);
        Assert.Equal(1, crl.RevokedCount);

        var bytes = File.ReadAllBytes(again.Crl);
        var builder = CertificateRevocationListBuilder.Load(bytes, out var number);
        Assert.Equal(new BigInteger(2), number);
        Assert.False(builder.RemoveEntry(Convert.FromHexString(keptSerial)));
        Assert.True(builder.RemoveEntry(Convert.FromHexString(revokedSerial)));

        // The CRL is signed by the organisations CA and the revocation survives a reopening.
        using var organisations = PemFiles.LoadPublic(again.OrganisationsCertificate);
        Assert.True(VerifyCrlSignature(bytes, organisations));
        using var reopened = PkiFolder.Open(PkiDir);
        Assert.True(reopened.Find(revokedSerial)!.IsRevoked);
        Assert.Throws<PkiException>(() => reopened.Revoke("op", null));
        Assert.Equal(new BigInteger(3), reopened.WriteCrl().Number);
        Assert.Equal(new BigInteger(3), reopened.ReadCrl()!.Number);
    }

    [Fact]
    public void The_p7b_bundle_imports_back_to_the_same_certificates()
    {
        using var pki = PkiFolder.Create(PkiDir, force: false);
        var p7b = new X509Certificate2Collection();
#pragma warning disable SYSLIB0057 // X509CertificateLoader has no PKCS#7 certs-only loader; this is the import a relying party does.
        p7b.Import(File.ReadAllBytes(pki.BundleP7b));
#pragma warning restore SYSLIB0057
        var pem = new X509Certificate2Collection();
        pem.ImportFromPemFile(pki.BundlePem);
        Assert.Equal(2, p7b.Count);
        Assert.Equal(
            pem.Select(c => c.Thumbprint).Order(StringComparer.Ordinal),
            p7b.Select(c => c.Thumbprint).Order(StringComparer.Ordinal));
        Assert.Contains(p7b, c => c.Thumbprint == pki.Root.Thumbprint);
        Assert.Contains(p7b, c => c.Thumbprint == pki.Organisations.Thumbprint);
    }

    [Fact]
    public void Names_and_reasons_are_validated()
    {
        using var pki = PkiFolder.Create(PkiDir, force: false);
        Assert.NotNull(PkiFolder.CheckName("../evil"));
        Assert.NotNull(PkiFolder.CheckName("root"));
        Assert.Null(PkiFolder.CheckName("mx-hopital_nord.1"));
        var subject = NationalNames.Organisation("a.mssante.test", "3111", "A", null);
        pki.Issue("a", subject, CertificateProfile.OrganisationClient);
        Assert.Contains("already exists", Assert.Throws<PkiException>(() => pki.Issue("a", subject, CertificateProfile.OrganisationClient)).Message, StringComparison.Ordinal);
        Assert.Equal(X509RevocationReason.CessationOfOperation, PkiFolder.ParseReason("cessation-of-operation"));
        Assert.Contains("key-compromise", Assert.Throws<PkiException>(() => PkiFolder.ParseReason("stolen")).Message, StringComparison.Ordinal);
        Assert.Throws<PkiException>(() => PkiFolder.ParseReason("1"));
    }

    [Fact]
    public void A_demo_PKI_without_index_continues_its_CRL_numbering()
    {
        using (var pki = PkiFolder.Create(PkiDir, force: false))
        {
            Assert.Equal(BigInteger.One, pki.ReadCrl()!.Number);
        }

        File.Delete(Path.Combine(PkiDir, "index.json"));
        using var reopened = PkiFolder.Open(PkiDir);
        Assert.Empty(reopened.Issued);
        Assert.Equal(new BigInteger(2), reopened.WriteCrl().Number);
    }

    private static List<string> EmailNames(X509Certificate2 cert)
    {
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var reader = new AsnReader(san.RawData, AsnEncodingRules.DER).ReadSequence();
        var names = new List<string>();
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 1)
            {
                names.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 1)));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return names;
    }

    private static bool VerifyCrlSignature(byte[] crl, X509Certificate2 issuer)
    {
        var outer = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadEncodedValue();
        outer.ReadSequence(); // signatureAlgorithm
        var signature = outer.ReadBitString(out _);
        using var key = issuer.GetECDsaPublicKey()!;
        return key.VerifyData(tbs.Span, signature, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
    }
}
