// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Policy;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Primitives;

namespace Caducee.MsSante.Tests;

/// <summary>Verdict table of the MSSanté trust policy (REQ-05, REQ-08, REQ-09).</summary>
public sealed class TrustPolicyTests : IDisposable
{
    private readonly TestCertificates _pki = new();
    private readonly WhitelistStore _whitelist = new(null);
    private readonly CrlStore _crls;

    public TrustPolicyTests()
    {
        _crls = new CrlStore(_pki.Trust, null);
        Assert.Null(_crls.TryApply(_pki.Crl([]), "test"));
        var dn = DistinguishedName.FromX500(TestCertificates.OperatorDn()).ToString();
        var doc = new WhitelistDocument(DateTimeOffset.UtcNow,
        [
            new WhitelistDomain("hopital-nord.mssante.test", "CH Nord", dn, null, null, null),
            new WhitelistDomain("clinique-nord.mssante.test", "Clinique", dn, null, null, null),
            new WhitelistDomain("cabinet-sud.mssante.test", "Cabinet", "CN=mx.cabinet-sud.mssante.test,OU=344556677800012,O=CABINET MEDICAL DU SUD,ST=Bouches-du-Rhône (13),C=FR", null, null, null),
        ]);
        Assert.Null(_whitelist.TryApply(WhitelistXml.Write(doc), null));
    }

    public void Dispose() => _pki.Dispose();

    private MsSanteTrustPolicy Policy(IWhitelistProvider? provider = null, IRevocationChecker? revocation = null) =>
        new(provider ?? _whitelist, _pki.Trust, d => d == "cabinet-sud.mssante.test", revocation ?? _crls);

    private static SmtpPolicyContext Mx(X509Certificate2? peer, string? sender, bool tls = true) =>
        new("s1", SmtpListenerKind.Mx, new IPEndPoint(IPAddress.Loopback, 1), "peer", tls ? new TlsInfo(SslProtocols.Tls13, "TLS_AES_256_GCM_SHA384", peer) : null, null, sender is null ? null : MailAddress.Parse(sender));

    private async Task<PolicyVerdict> MailFrom(SmtpPolicyContext context, IWhitelistProvider? provider = null, IRevocationChecker? revocation = null) =>
        await Policy(provider, revocation).OnMailFromAsync(context, CancellationToken.None);

    [Fact]
    public async Task Accepts_the_listed_operator_certificate_for_each_of_its_domains()
    {
        using var cert = _pki.OperatorClient();
        Assert.Equal(VerdictKind.Continue, (await MailFrom(Mx(cert, "dr.x@hopital-nord.mssante.test"))).Kind);
        Assert.Equal(VerdictKind.Continue, (await MailFrom(Mx(cert, "accueil@clinique-nord.mssante.test"))).Kind);
    }

    [Fact]
    public async Task Refuses_a_session_without_TLS()
    {
        var verdict = await MailFrom(Mx(null, "a@hopital-nord.mssante.test", tls: false));
        Assert.Equal(530, verdict.Reply!.Code);
    }

    [Fact]
    public async Task Refuses_a_peer_without_client_certificate()
    {
        var verdict = await MailFrom(Mx(null, "a@hopital-nord.mssante.test"));
        Assert.Equal(VerdictKind.Reject, verdict.Kind);
        Assert.Equal((550, "5.7.1"), (verdict.Reply!.Code, verdict.Reply.Enhanced));
        Assert.Contains("Client certificate required", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_certificate_from_an_unknown_CA()
    {
        using var otherRoot = CertificateAuthority.CreateRoot(NationalNames.Root("ROGUE"));
        using var rogue = otherRoot.Issue(TestCertificates.OperatorDn(), CertificateProfile.OrganisationClient);
        var verdict = await MailFrom(Mx(rogue, "a@hopital-nord.mssante.test"));
        Assert.Equal(550, verdict.Reply!.Code);
        Assert.Contains("not issued by a trusted authority", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_an_expired_certificate_REQ09()
    {
        using var expired = _pki.OperatorClient(notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var verdict = await MailFrom(Mx(expired, "a@hopital-nord.mssante.test"));
        Assert.Equal(550, verdict.Reply!.Code);
        Assert.Contains("expired", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_valid_certificate_whose_DN_is_not_the_one_listed_for_the_sender_domain_REQ05()
    {
        using var other = _pki.OperatorClient("mx.other-operator.mssante.test");
        var verdict = await MailFrom(Mx(other, "a@hopital-nord.mssante.test"));
        Assert.Equal((550, "5.7.1"), (verdict.Reply!.Code, verdict.Reply.Enhanced));
        Assert.Contains("is not the operator certificate listed for hopital-nord.mssante.test", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_sender_domain_that_is_not_whitelisted()
    {
        using var cert = _pki.OperatorClient();
        var verdict = await MailFrom(Mx(cert, "a@gmail.com"));
        Assert.Equal(550, verdict.Reply!.Code);
        Assert.Contains("not in the MSSanté whitelist", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_451_never_550_when_the_whitelist_is_unavailable()
    {
        using var cert = _pki.OperatorClient();
        var verdict = await MailFrom(Mx(cert, "a@hopital-nord.mssante.test"), new WhitelistStore(null));
        Assert.Equal(VerdictKind.TempFail, verdict.Kind);
        Assert.Equal((451, "4.4.3"), (verdict.Reply!.Code, verdict.Reply.Enhanced));
    }

    [Fact]
    public async Task Refuses_a_certificate_listed_in_the_CRL_of_its_issuer_REQ09()
    {
        using var cert = _pki.OperatorClient();
        var crls = new CrlStore(_pki.Trust, null);
        Assert.Null(crls.TryApply(_pki.Crl([cert.SerialNumber]), "test"));
        var verdict = await MailFrom(Mx(cert, "a@hopital-nord.mssante.test"), revocation: crls);
        Assert.Equal(VerdictKind.Reject, verdict.Kind);
        Assert.Equal((550, "5.7.1"), (verdict.Reply!.Code, verdict.Reply.Enhanced));
        Assert.Contains($"Client certificate revoked: certificate serial {cert.SerialNumber} revoked on", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_451_never_550_when_no_CRL_of_the_issuer_is_held_REQ09()
    {
        using var cert = _pki.OperatorClient();
        var verdict = await MailFrom(Mx(cert, "a@hopital-nord.mssante.test"), revocation: new CrlStore(_pki.Trust, null));
        Assert.Equal(VerdictKind.TempFail, verdict.Kind);
        Assert.Equal((451, "4.4.3"), (verdict.Reply!.Code, verdict.Reply.Enhanced));
        Assert.Contains("Cannot check the revocation of your certificate: no CRL of", verdict.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_MX_the_recipient_domain_must_be_whitelisted_too_REQ05()
    {
        var context = Mx(null, "a@hopital-nord.mssante.test");
        Assert.Equal(VerdictKind.Continue, (await Policy().OnRcptToAsync(context, MailAddress.Parse("local@cabinet-sud.mssante.test"), default)).Kind);
        var refused = await Policy().OnRcptToAsync(context, MailAddress.Parse("x@not-listed.mssante.test"), default);
        Assert.Equal((550, "5.7.1"), (refused.Reply!.Code, refused.Reply.Enhanced));
        Assert.Contains("Recipient domain not-listed.mssante.test is not in the MSSanté whitelist", refused.Reply.Text, StringComparison.Ordinal);
        Assert.Equal(451, (await Policy(new WhitelistStore(null)).OnRcptToAsync(context, MailAddress.Parse("local@cabinet-sud.mssante.test"), default)).Reply!.Code);
    }

    [Fact]
    public async Task A_bounce_is_accepted_only_from_an_operator_of_the_trust_space()
    {
        using var cert = _pki.OperatorClient();
        using var unknown = _pki.OperatorClient("mx.unknown.mssante.test");
        Assert.Equal(VerdictKind.Continue, (await MailFrom(Mx(cert, null))).Kind);
        Assert.Equal(VerdictKind.Reject, (await MailFrom(Mx(unknown, null))).Kind);
    }

    [Fact]
    public async Task On_submission_remote_recipients_must_be_in_the_trust_space()
    {
        var context = new SmtpPolicyContext("s", SmtpListenerKind.Submission, null, "c", null, null, MailAddress.Parse("a@cabinet-sud.mssante.test"));
        Assert.Equal(VerdictKind.Continue, (await Policy().OnRcptToAsync(context, MailAddress.Parse("x@hopital-nord.mssante.test"), default)).Kind);
        Assert.Equal(VerdictKind.Continue, (await Policy().OnRcptToAsync(context, MailAddress.Parse("local@cabinet-sud.mssante.test"), default)).Kind);
        var refused = await Policy().OnRcptToAsync(context, MailAddress.Parse("someone@gmail.com"), default);
        Assert.Equal((550, "5.7.1"), (refused.Reply!.Code, refused.Reply.Enhanced));
        var unavailable = await Policy(new WhitelistStore(null)).OnRcptToAsync(context, MailAddress.Parse("x@hopital-nord.mssante.test"), default);
        Assert.Equal(451, unavailable.Reply!.Code);
        Assert.Equal(VerdictKind.Reject, (await Policy().OnOutboundAsync("gmail.com", default)).Kind);
    }

    [Fact]
    public void Certificate_subjects_print_in_the_whitelist_order_and_encode_C_first_REQ11()
    {
        using var cert = _pki.OperatorClient();
        Assert.Equal("CN=mx.hopital-nord.mssante.test,OU=312345678900018,O=CENTRE HOSPITALIER NORD,ST=Nord (59),C=FR", DistinguishedName.FromCertificate(cert).ToString());
        var encoded = cert.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false).First();
        Assert.Equal("2.5.4.6", encoded.GetSingleElementType().Value);
        Assert.Equal(DistinguishedName.Parse("CN=mx.hopital-nord.mssante.test, OU=312345678900018, O=Centre Hospitalier  Nord, S=Nord (59), C=FR"), DistinguishedName.FromCertificate(cert));
        Assert.NotEqual(DistinguishedName.Parse("CN=mx.hopital-nord.mssante.test,OU=312345678900018,O=CENTRE HOSPITALIER NORD,C=FR"), DistinguishedName.FromCertificate(cert));
    }
}
