// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;

namespace Caducee.Core.Tests.Auth;

/// <summary>What a client certificate names (REQ-14, REQ-16).</summary>
public sealed class CertificateIdentityTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void A_CPS_like_certificate_names_the_professional_by_RPPS()
    {
        using var cert = _pki.Personal("10101234567");
        Assert.Equal(AuthIdentity.Professional("10101234567"), CertificateIdentity.FromCertificate(cert));
    }

    [Fact]
    public void A_serialNumber_that_is_no_RPPS_leaves_the_certificate_known_by_its_subject()
    {
        var b = new System.Security.Cryptography.X509Certificates.X500DistinguishedNameBuilder();
        b.AddCommonName("Paul PETIT");
        b.Add("2.5.4.5", "0123456789"); // "0" + ADELI
        b.AddCountryOrRegion("FR");
        using var cert = _pki.Organisations.Issue(b.Build(), Caducee.Pki.CertificateProfile.PersonalClient);
        var identity = CertificateIdentity.FromCertificate(cert);
        Assert.Equal(IdentityKind.Organisation, identity.Kind);
        Assert.Equal("CN=Paul PETIT, SERIALNUMBER=0123456789, C=FR", identity.Id);
    }

    [Fact]
    public void An_organisation_certificate_is_known_by_its_canonical_subject()
    {
        using var cert = _pki.Organisation();
        var identity = CertificateIdentity.FromCertificate(cert);
        Assert.Equal(IdentityKind.Organisation, identity.Kind);
        Assert.Equal("CN=dpi.hopital-nord.mssante.test, OU=312345678900018, O=CENTRE HOSPITALIER NORD, ST=Nord (59), C=FR", identity.Id);
        // An administrator typing the DN (most specific first, spacing of their own) gets the same key.
        Assert.Equal(identity.Id, CertificateIdentity.SubjectKey("CN=dpi.hopital-nord.mssante.test,  OU=312345678900018, O=CENTRE  HOSPITALIER NORD, S=Nord (59), C=FR"));
        Assert.Throws<FormatException>(() => CertificateIdentity.SubjectKey("not a DN at all"));
    }

    [Theory]
    [InlineData("10101234567", true, "10101234567")]
    [InlineData("810101234567", true, "10101234567")] // idNatPS
    [InlineData(" 810101234567 ", true, "10101234567")]
    [InlineData("010101234567", false, "")] // ADELI-based idNat: not an RPPS
    [InlineData("1010123456", false, "")]
    [InlineData("1010123456x", false, "")]
    [InlineData(null, false, "")]
    public void RPPS_are_read_from_national_identifiers(string? value, bool ok, string rpps)
    {
        Assert.Equal(ok, CertificateIdentity.TryReadRpps(value, out var read));
        Assert.Equal(rpps, read);
    }
}
