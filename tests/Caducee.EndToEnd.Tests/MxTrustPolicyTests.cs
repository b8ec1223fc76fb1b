// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Routing;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Host.Nodes;
using Caducee.Hosting.Configuration;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Smtp.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Caducee.EndToEnd.Tests;

/// <summary>
/// A trust space for the MX refusals: a test IGC-Santé on disk (`PkiFolder`, as `caducee pki` runs it), a real
/// authority serving the whitelist and the CRL over HTTPS, and operator nodes for cabinet-sud.mssante.test: one
/// in working order, one whose whitelist cannot be fetched, one whose CRL cannot be fetched.
/// </summary>
public sealed class MxTrustFixture : IAsyncLifetime
{
    public const string Local = "cabinet-sud.mssante.test";
    public const string Peer = "hopital-nord.mssante.test";

    private readonly ILoggerFactory _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information));

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("caducee-mxtrust-");

    public PkiFolder Pki { get; private set; } = null!;

    public AuthorityNode Authority { get; private set; } = null!;

    public OperatorNode Operator { get; private set; } = null!;

    public OperatorNode WithoutWhitelist { get; private set; } = null!;

    public OperatorNode WithoutCrl { get; private set; } = null!;

    public string Bundle => Pki.BundlePem;

    public static X500DistinguishedName PeerDn => NationalNames.Organisation("mx." + Peer, "312345678900018", "CENTRE HOSPITALIER NORD", "Nord (59)");

    public static X500DistinguishedName LocalDn => NationalNames.Organisation("mx." + Local, "344556677800012", "CABINET MEDICAL DU SUD", "Bouches-du-Rhône (13)");

    public string Crl => $"https://127.0.0.1:{Authority.Endpoints["https"]!.Port}/pki/crl/organisations.crl";

    public X509Certificate2 Load(string name) => X509Certificate2.CreateFromPemFile(Path.Combine(Pki.Directory, name + ".pem"), Path.Combine(Pki.Directory, name + ".key"));

    public async Task InitializeAsync()
    {
        Pki = PkiFolder.Create(Path.Combine(Directory.FullName, "pki"), force: false);
        Pki.Issue("authority", NationalNames.Organisation("authority.test", "100000000000000", "AUTORITE", null), CertificateProfile.Server, ["localhost"], [IPAddress.Loopback]);
        Pki.Issue("local-server", LocalDn, CertificateProfile.Server, ["mx." + Local, "localhost"], [IPAddress.Loopback]);
        Pki.Issue("local-client", LocalDn, CertificateProfile.OrganisationClient);
        Pki.Issue("peer-client", PeerDn, CertificateProfile.OrganisationClient);
        Pki.Issue("peer-client-to-revoke", PeerDn, CertificateProfile.OrganisationClient);
        Pki.Issue("other-operator", NationalNames.Organisation("mx.autre.mssante.test", "399999999900019", "AUTRE OPERATEUR", "Rhône (69)"), CertificateProfile.OrganisationClient);

        var whitelist = Path.Combine(Directory.FullName, "listeblanchemssante.xml");
        await File.WriteAllBytesAsync(whitelist, WhitelistXml.Write(new WhitelistDocument(DateTimeOffset.UtcNow,
        [
            new WhitelistDomain(Peer, "CH Nord", DistinguishedName.FromX500(PeerDn).ToString(), null, null, null),
            new WhitelistDomain(Local, "Cabinet Sud", DistinguishedName.FromX500(LocalDn).ToString(), null, null, null),
        ])));
        var authorityDir = System.IO.Directory.CreateDirectory(Path.Combine(Directory.FullName, "authority")).FullName;
        Authority = await AuthorityNode.StartAsync(
            new AuthoritySettings(authorityDir, new IPEndPoint(IPAddress.Loopback, 0), Files("authority", null), whitelist, Pki.BundlePem, new Dictionary<string, string> { ["organisations.crl"] = Pki.Crl }),
            _loggerFactory,
            CancellationToken.None);
        var authority = $"https://127.0.0.1:{Authority.Endpoints["https"]!.Port}";

        Operator = await StartOperatorAsync("ok", new Uri(authority + "/listeblanchemssante.xml"), new Uri(Crl));
        WithoutWhitelist = await StartOperatorAsync("no-whitelist", new Uri("https://127.0.0.1:1/listeblanchemssante.xml"), new Uri(Crl));
        WithoutCrl = await StartOperatorAsync("no-crl", new Uri(authority + "/listeblanchemssante.xml"), new Uri("http://127.0.0.1:1/organisations.crl"));
    }

    public Task<OperatorNode> StartOperatorAsync(string name, Uri whitelistUrl, Uri crlUrl) =>
        OperatorNode.StartAsync(
            new OperatorSettings(
                name,
                Local,
                "mx." + Local,
                Path.Combine(Directory.FullName, "operators", name),
                new OperatorListeners(new IPEndPoint(IPAddress.Loopback, 0), null, null, null),
                Files("local-server", "local-client"),
                whitelistUrl,
                null,
                TimeSpan.FromHours(1),
                new Dictionary<string, Route>(),
                50L * 1024 * 1024,
                TimeSpan.FromMinutes(1),
                Inbound: new SmtpInboundSettings { CrlUrls = [crlUrl] }),
            _loggerFactory,
            CancellationToken.None);

    private TlsFiles Files(string server, string? client) => new(
        Path.Combine(Pki.Directory, server + ".pem"),
        Path.Combine(Pki.Directory, server + ".key"),
        client is null ? null : Path.Combine(Pki.Directory, client + ".pem"),
        client is null ? null : Path.Combine(Pki.Directory, client + ".key"),
        Pki.BundlePem);

    /// <summary>EHLO, STARTTLS with <paramref name="certificate"/>, EHLO, then MAIL FROM; returns the MAIL reply.</summary>
    public async Task<(int Code, string Text)> MailFromAsync(OperatorNode node, X509Certificate2? certificate, string sender)
    {
        await using var smtp = await LineClient.ConnectAsync(Format(node.Endpoints["mx"]!));
        Assert.Equal(220, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO peer.example")).Code);
        Assert.Equal(220, (await smtp.CommandAsync("STARTTLS")).Code);
        await smtp.StartTlsAsync(Bundle, certificate);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO peer.example")).Code);
        return await smtp.CommandAsync($"MAIL FROM:<{sender}>");
    }

    public static string Format(IPEndPoint endpoint) => $"{endpoint.Address}:{endpoint.Port}";

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { Operator, WithoutWhitelist, WithoutCrl })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (Authority is not null)
        {
            await Authority.DisposeAsync();
        }

        Pki?.Dispose();
        _loggerFactory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(recursive: true);
    }
}

/// <summary>
/// Issue 5 point 3 (REQ-05, REQ-08, REQ-09, REQ-10): one test per refusal at the MX of a real operator node, each
/// with its exact reply code, enhanced code and a text that tells the sending operator what to fix.
/// </summary>
public sealed class MxTrustPolicyTests(MxTrustFixture trust) : IClassFixture<MxTrustFixture>
{
    private static string PeerSender => "jean.dupont@" + MxTrustFixture.Peer;

    private static void AssertReply((int Code, string Text) reply, int code, string enhanced, string text)
    {
        Assert.Equal(code, reply.Code);
        Assert.StartsWith($"{code} {enhanced} {text}", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_listed_operator_certificate_is_accepted()
    {
        using var cert = trust.Load("peer-client");
        AssertReply(await trust.MailFromAsync(trust.Operator, cert, PeerSender), 250, "2.1.0", "Sender OK");
    }

    [Fact]
    public async Task A_peer_offering_only_TLS_1_1_fails_the_handshake_REQ10()
    {
        var result = await OpenSslClient.ConnectAsync(trust.Operator.Endpoints["mx"]!, implicitTls: false, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        Assert.False(result.HandshakeDone, result.Output);
        Assert.Contains("alert protocol version", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_client_certificate_550_5_7_1()
    {
        AssertReply(await trust.MailFromAsync(trust.Operator, null, PeerSender), 550, "5.7.1",
            "Client certificate required: present your operator's IGC-Santé certificate in the TLS handshake");
    }

    [Fact]
    public async Task A_certificate_of_an_unknown_CA_550_5_7_1_REQ08()
    {
        using var rogueRoot = CertificateAuthority.CreateRoot(NationalNames.Root("ROGUE"));
        using var rogue = rogueRoot.Issue(MxTrustFixture.PeerDn, CertificateProfile.OrganisationClient);
        AssertReply(await trust.MailFromAsync(trust.Operator, rogue, PeerSender), 550, "5.7.1",
            "Client certificate rejected: certificate not issued by a trusted authority; present your operator's valid IGC-Santé certificate");
    }

    [Fact]
    public async Task An_expired_certificate_550_5_7_1_REQ09()
    {
        using var organisations = new CertificateAuthority(PemFiles.Load(Path.Combine(trust.Pki.Directory, "organisations.pem"), Path.Combine(trust.Pki.Directory, "organisations.key")), PemFiles.LoadPublic(trust.Pki.RootCertificate));
        using var expired = organisations.Issue(MxTrustFixture.PeerDn, CertificateProfile.OrganisationClient, notBefore: DateTimeOffset.UtcNow.AddDays(-60), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        AssertReply(await trust.MailFromAsync(trust.Operator, expired, PeerSender), 550, "5.7.1",
            "Client certificate rejected: certificate expired or not yet valid; present your operator's valid IGC-Santé certificate");
    }

    [Fact]
    public async Task A_certificate_revoked_with_pki_revoke_and_published_in_the_CRL_550_5_7_1_REQ09()
    {
        using var cert = trust.Load("peer-client-to-revoke");
        AssertReply(await trust.MailFromAsync(trust.Operator, cert, PeerSender), 250, "2.1.0", "Sender OK");

        // The authority revokes it (as `caducee pki revoke` does): the CRL it serves lists it; the operator refreshes.
        var (revoked, crl) = trust.Pki.Revoke("peer-client-to-revoke", X509RevocationReason.KeyCompromise);
        Assert.Equal(1, crl.RevokedCount);
        Assert.Empty(await trust.Operator.RefreshCrlsAsync(CancellationToken.None));
        var reply = await trust.MailFromAsync(trust.Operator, cert, PeerSender);
        AssertReply(reply, 550, "5.7.1", $"Client certificate revoked: certificate serial {cert.SerialNumber} revoked on ");
        Assert.Contains("KeyCompromise (CRL of 'AC IGC-SANTE", reply.Text, StringComparison.Ordinal);
        Assert.Contains("your operator must use a new IGC-Santé certificate", reply.Text, StringComparison.Ordinal);
        Assert.Equal(cert.SerialNumber, revoked.SerialHex);

        // The other certificate of the same operator is still fine.
        using var current = trust.Load("peer-client");
        Assert.Equal(250, (await trust.MailFromAsync(trust.Operator, current, PeerSender)).Code);
    }

    [Fact]
    public async Task A_valid_certificate_whose_DN_is_not_the_one_listed_for_the_sender_domain_550_5_7_1_REQ05()
    {
        using var other = trust.Load("other-operator");
        AssertReply(await trust.MailFromAsync(trust.Operator, other, PeerSender), 550, "5.7.1",
            $"Certificate subject CN=mx.autre.mssante.test,OU=399999999900019,O=AUTRE OPERATEUR,ST=Rhône (69),C=FR is not the operator certificate listed for {MxTrustFixture.Peer} (expected {DistinguishedName.FromX500(MxTrustFixture.PeerDn)})");
    }

    [Fact]
    public async Task A_sender_domain_not_in_the_whitelist_550_5_7_1_REQ05()
    {
        using var cert = trust.Load("peer-client");
        AssertReply(await trust.MailFromAsync(trust.Operator, cert, "dr.x@inconnu.mssante.test"), 550, "5.7.1",
            "Sender domain inconnu.mssante.test is not in the MSSanté whitelist: only operators of the trust space may send through this MX");
    }

    [Fact]
    public async Task Whitelist_unavailable_451_4_4_3_never_5xx()
    {
        using var cert = trust.Load("peer-client");
        AssertReply(await trust.MailFromAsync(trust.WithoutWhitelist, cert, PeerSender), 451, "4.4.3",
            "MSSanté whitelist unavailable at this operator; try again later");
    }

    [Fact]
    public async Task CRL_unavailable_451_4_4_3_never_5xx_REQ09()
    {
        using var cert = trust.Load("peer-client");
        AssertReply(await trust.MailFromAsync(trust.WithoutCrl, cert, PeerSender), 451, "4.4.3",
            "Cannot check the revocation of your certificate: no CRL of 'AC IGC-SANTE TEST ELEMENTAIRE ORGANISATIONS' has been obtained yet; try again later");
        // Even a revoked certificate gets a 451 there: without a CRL the operator cannot know, so it must not say 5xx.
        using var revokedOrNot = trust.Load("other-operator");
        Assert.Equal(451, (await trust.MailFromAsync(trust.WithoutCrl, revokedOrNot, PeerSender)).Code);
    }

    [Fact]
    public async Task The_last_good_CRL_is_kept_on_disk_and_used_when_the_source_is_down_after_a_restart_SC_MSS_CONF_22()
    {
        using var cert = trust.Load("peer-client");
        var first = await trust.StartOperatorAsync("restarted", new Uri($"https://127.0.0.1:{trust.Authority.Endpoints["https"]!.Port}/listeblanchemssante.xml"), new Uri(trust.Crl));
        Assert.Equal(250, (await trust.MailFromAsync(first, cert, PeerSender)).Code);
        await first.DisposeAsync();

        // Same data folder, CRL source unreachable: the CRL cached on disk is still in force.
        var second = await trust.StartOperatorAsync("restarted", new Uri($"https://127.0.0.1:{trust.Authority.Endpoints["https"]!.Port}/listeblanchemssante.xml"), new Uri("http://127.0.0.1:1/organisations.crl"));
        try
        {
            Assert.NotEmpty(await second.RefreshCrlsAsync(CancellationToken.None));
            Assert.Equal(250, (await trust.MailFromAsync(second, cert, PeerSender)).Code);
            Assert.Single(second.Crls.Held);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }
}
