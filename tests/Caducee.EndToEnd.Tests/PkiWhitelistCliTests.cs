// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Hosting.Pki;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 7, points 1 and 2: `caducee pki …` and `caducee whitelist …` run as the real executable.</summary>
public sealed class PkiWhitelistCliTests : IDisposable
{
    private const string MipihDn = "CN=medimail-asip.mipih.fr,OU=318310021300028,O=GIP MIPIH,ST=Haute-Garonne (31),C=FR";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-pkiwl-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(new string[0], new[] { "pki", "whitelist" })]
    [InlineData(new[] { "pki" }, new[] { "init", "issue", "revoke", "crl", "show" })]
    [InlineData(new[] { "pki", "init" }, new[] { "--dir", "--force" })]
    [InlineData(new[] { "pki", "issue" }, new[] { "--profile", "--name", "--cn", "--dns", "--structure-id", "--organisation", "--department", "--first-name", "--last-name", "--rpps", "--email" })]
    [InlineData(new[] { "pki", "revoke" }, new[] { "--serial", "--reason", "--dir" })]
    [InlineData(new[] { "whitelist" }, new[] { "sync", "show", "check" })]
    [InlineData(new[] { "whitelist", "sync" }, new[] { "--url", "--checksum-url", "--ca", "--data" })]
    [InlineData(new[] { "whitelist", "check" }, new[] { "--data" })]
    public async Task Every_new_verb_has_help(string[] verb, string[] mentions)
    {
        var (code, stdout, _) = await CaduceeProcess.RunAsync([.. verb, "--help"]);
        Assert.Equal(0, code);
        foreach (var m in mentions)
        {
            Assert.Contains(m, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pki_init_issue_revoke_crl_show_from_the_command_line()
    {
        var pki = Path.Combine(_dir.FullName, "pki");
        var init = await CaduceeProcess.RunAsync("pki", "init", "--dir", pki);
        Assert.True(init.ExitCode == 0, init.Stdout + init.Stderr);
        Assert.Contains("number 1", init.Stdout, StringComparison.Ordinal);
        var again = await CaduceeProcess.RunAsync("pki", "init", "--dir", pki);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);

        var server = await CaduceeProcess.RunAsync(
            "pki", "issue", "--dir", pki, "--profile", "server", "--name", "mx", "--cn", "mx.hopital-nord.mssante.test",
            "--dns", "mx.hopital-nord.mssante.test", "--dns", "imap.hopital-nord.mssante.test", "--structure-id", "312345678900018",
            "--organisation", "CENTRE HOSPITALIER NORD", "--department", "Nord (59)");
        Assert.True(server.ExitCode == 0, server.Stdout + server.Stderr);
        Assert.Contains("subject: CN=mx.hopital-nord.mssante.test,OU=312345678900018,O=CENTRE HOSPITALIER NORD,ST=Nord (59),C=FR", server.Stdout, StringComparison.Ordinal);
        using (var cert = PemFiles.LoadPublic(Path.Combine(pki, "mx.pem")))
        {
            Assert.Contains($"serial:  {cert.SerialNumber}", server.Stdout, StringComparison.Ordinal);
            Assert.Equal(["mx.hopital-nord.mssante.test", "imap.hopital-nord.mssante.test"], cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(pki, "mx.key")));

        var personal = await CaduceeProcess.RunAsync(
            "pki", "issue", "--dir", pki, "--profile", "personal", "--name", "dupre", "--first-name", "Hélène", "--last-name", "Dupré",
            "--rpps", "10001234567", "--structure-id", "312345678900018", "--organisation", "CENTRE HOSPITALIER NORD", "--email", "helene.dupre@hopital-nord.mssante.test");
        Assert.True(personal.ExitCode == 0, personal.Stdout + personal.Stderr);
        Assert.Contains("SERIALNUMBER=810001234567", personal.Stdout, StringComparison.Ordinal);

        // Validation errors name the flag and what is expected, with exit code 2 and nothing written.
        var badRpps = await CaduceeProcess.RunAsync("pki", "issue", "--dir", pki, "--profile", "personal", "--name", "x", "--first-name", "A", "--last-name", "B", "--rpps", "1234", "--structure-id", "3111", "--organisation", "O");
        Assert.Equal(2, badRpps.ExitCode);
        Assert.Contains("--rpps: '1234' is not an RPPS number; expected 11 digits", badRpps.Stderr, StringComparison.Ordinal);
        var badDepartment = await CaduceeProcess.RunAsync("pki", "issue", "--dir", pki, "--profile", "server", "--name", "y", "--cn", "mx.a.mssante.test", "--structure-id", "3111", "--organisation", "O", "--department", "Nord");
        Assert.Equal(2, badDepartment.ExitCode);
        Assert.Contains("--department: 'Nord' is not a département; expected \"Name (NN)\"", badDepartment.Stderr, StringComparison.Ordinal);
        var badProfile = await CaduceeProcess.RunAsync("pki", "issue", "--dir", pki, "--profile", "robot", "--name", "z");
        Assert.Equal(2, badProfile.ExitCode);
        Assert.Contains("--profile: 'robot' is not a profile; expected server, organisation or personal", badProfile.Stderr, StringComparison.Ordinal);
        var noCn = await CaduceeProcess.RunAsync("pki", "issue", "--dir", pki, "--profile", "organisation", "--name", "op", "--structure-id", "3111", "--organisation", "O");
        Assert.Equal(2, noCn.ExitCode);
        Assert.Contains("--cn is required for --profile organisation", noCn.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(pki, "x.pem")) || File.Exists(Path.Combine(pki, "y.pem")) || File.Exists(Path.Combine(pki, "op.pem")));

        var revoke = await CaduceeProcess.RunAsync("pki", "revoke", "mx", "--dir", pki, "--reason", "key-compromise");
        Assert.True(revoke.ExitCode == 0, revoke.Stdout + revoke.Stderr);
        Assert.Contains("number:      2", revoke.Stdout, StringComparison.Ordinal);
        Assert.Contains("revoked:     1", revoke.Stdout, StringComparison.Ordinal);
        var unknown = await CaduceeProcess.RunAsync("pki", "revoke", "--serial", "ABCDEF", "--dir", pki);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no certificate 'ABCDEF'", unknown.Stderr, StringComparison.Ordinal);

        var crl = await CaduceeProcess.RunAsync("pki", "crl", "--dir", pki);
        Assert.Equal(0, crl.ExitCode);
        Assert.Contains("number:      3", crl.Stdout, StringComparison.Ordinal);
        _ = CertificateRevocationListBuilder.Load(await File.ReadAllBytesAsync(Path.Combine(pki, "organisations.crl")), out var number);
        Assert.Equal(new BigInteger(3), number);

        var show = await CaduceeProcess.RunAsync("pki", "show", "--dir", pki);
        Assert.Equal(0, show.ExitCode);
        var mxLine = show.Stdout.Split('\n').Single(l => l.StartsWith("mx ", StringComparison.Ordinal));
        Assert.Contains("revoked", mxLine, StringComparison.Ordinal);
        Assert.Contains("CN=mx.hopital-nord.mssante.test,OU=312345678900018", mxLine, StringComparison.Ordinal);
        var dupreLine = show.Stdout.Split('\n').Single(l => l.StartsWith("dupre ", StringComparison.Ordinal));
        Assert.Contains("valid", dupreLine, StringComparison.Ordinal);
        Assert.Contains("2 issued, 1 revoked.", show.Stdout, StringComparison.Ordinal);
        var one = await CaduceeProcess.RunAsync("pki", "show", "mx", "--dir", pki);
        Assert.Contains("DNS:imap.hopital-nord.mssante.test", one.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_PKI_can_be_administered_by_the_pki_verbs()
    {
        var dir = Path.Combine(_dir.FullName, "demo-pki");
        var demo = DemoPki.OpenOrCreate(dir);
        demo.Issue("mx-demo", NationalNames.Organisation("mx.demo.mssante.test", "3111", "DEMO", null), CertificateProfile.Server, ["mx.demo.mssante.test"]);
        using var pki = PkiFolder.Open(dir);
        Assert.Equal(BigInteger.One, pki.ReadCrl()!.Number);
        var issued = pki.Issue("op", NationalNames.Organisation("mx.demo.mssante.test", "3111", "DEMO", null), CertificateProfile.OrganisationClient);
        var (_, crl) = pki.Revoke(issued.SerialHex, null);
        Assert.Equal(new BigInteger(2), crl.Number);

        // The certificate DemoPki issued is listed too, and can be revoked (it then appears in the CRL).
        var demoCert = pki.Find("mx-demo");
        Assert.NotNull(demoCert);
        Assert.Equal("server", demoCert.Profile);
        Assert.Equal(new BigInteger(3), pki.Revoke("mx-demo", X509RevocationReason.Superseded).Crl.Number);
        var builder = CertificateRevocationListBuilder.Load(File.ReadAllBytes(pki.Crl), out _);
        Assert.True(builder.RemoveEntry(Convert.FromHexString(demoCert.SerialHex)));
        using (var again = PkiFolder.Open(dir))
        {
            Assert.Equal(2, again.Issued.Count(c => c.IsRevoked));
        }

        // DemoPki still reopens the same folder and its issued files.
        var reopened = DemoPki.OpenOrCreate(dir);
        Assert.True(File.Exists(reopened.Issue("mx-demo", NationalNames.Organisation("mx.demo.mssante.test", "3111", "DEMO", null), CertificateProfile.Server).Certificate));
    }

    [Fact]
    public async Task Whitelist_sync_show_check_over_pinned_HTTPS_and_the_last_good_list_survives_failures_REQ02_to_REQ06()
    {
        var pki = Path.Combine(_dir.FullName, "pki");
        var data = Path.Combine(_dir.FullName, "data");
        Assert.Equal(0, (await CaduceeProcess.RunAsync("pki", "init", "--dir", pki)).ExitCode);
        var issue = await CaduceeProcess.RunAsync("pki", "issue", "--dir", pki, "--profile", "server", "--name", "authority", "--cn", "localhost", "--ip", "127.0.0.1", "--structure-id", "3111", "--organisation", "ANS TEST");
        Assert.True(issue.ExitCode == 0, issue.Stderr);
        var bundle = Path.Combine(pki, "ca-bundle.pem");

        // No list yet: check exits 2.
        var none = await CaduceeProcess.RunAsync("whitelist", "check", "ch-nord.mssante.fr", "--data", data);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no usable whitelist", none.Stderr, StringComparison.Ordinal);

        var good = WhitelistXml.Write(new WhitelistDocument(
            DateTimeOffset.UtcNow.AddHours(-2),
            [
                new WhitelistDomain("adsea29.mssante.fr", "Association départementale — Finistère", MipihDn, null, null, null),
                new WhitelistDomain("ch-quimper.mssante.fr", "Centre hospitalier de Quimper", MipihDn, null, null, null),
                new WhitelistDomain("ch-nord.mssante.fr", "Centre hospitalier Nord — Lille", "CN=mx.ch-nord.mssante.fr,OU=312345678900018,O=CH NORD,ST=Nord (59),C=FR", null, null, null),
            ]));
        using var cert = PemFiles.Load(Path.Combine(pki, "authority.pem"), Path.Combine(pki, "authority.key"));
        await using var server = await ListServer.StartAsync(cert, good, WhitelistXml.Checksum(good));
        var sync = await CaduceeProcess.RunAsync("whitelist", "sync", "--url", server.ListUrl, "--checksum-url", server.ChecksumUrl, "--ca", bundle, "--data", data);
        Assert.True(sync.ExitCode == 0, sync.Stdout + sync.Stderr);
        Assert.Contains("Whitelist applied: 3 domains, 2 operator DNs", sync.Stdout, StringComparison.Ordinal);
        Assert.Contains(WhitelistXml.Checksum(good), sync.Stdout, StringComparison.Ordinal);
        Assert.Equal(good, await File.ReadAllBytesAsync(Path.Combine(data, "whitelist", "listeblanchemssante.xml")));

        var show = await CaduceeProcess.RunAsync("whitelist", "show", "--data", data);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("domains:   3", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("(2h ", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("       2  " + MipihDn, show.Stdout, StringComparison.Ordinal);
        Assert.Contains("       1  CN=mx.ch-nord.mssante.fr", show.Stdout, StringComparison.Ordinal);

        var listed = await CaduceeProcess.RunAsync("whitelist", "check", "CH-Quimper.mssante.fr", "--data", data);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("operator DN: " + MipihDn, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Centre hospitalier de Quimper", listed.Stdout, StringComparison.Ordinal);
        var notListed = await CaduceeProcess.RunAsync("whitelist", "check", "pirate.mssante.fr", "--data", data);
        Assert.Equal(1, notListed.ExitCode);
        Assert.Contains("NOT in the trust space", notListed.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await CaduceeProcess.RunAsync("whitelist", "check", "not a domain", "--data", data)).ExitCode);

        // A tampered file (its checksum no longer matches) is not applied; the last good list stays and is used.
        server.File = [.. good.Concat("<!-- tampered -->"u8.ToArray())];
        var tampered = await CaduceeProcess.RunAsync("whitelist", "sync", "--url", server.ListUrl, "--checksum-url", server.ChecksumUrl, "--ca", bundle, "--data", data);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("checksum mismatch", tampered.Stderr, StringComparison.Ordinal);
        Assert.Contains("kept the last good list: 3 domains, sha256 " + WhitelistXml.Checksum(good), tampered.Stderr, StringComparison.Ordinal);
        Assert.Equal(good, await File.ReadAllBytesAsync(Path.Combine(data, "whitelist", "listeblanchemssante.xml")));

        // An unreachable source: failure reported, last good kept and still answering.
        var unreachable = await CaduceeProcess.RunAsync("whitelist", "sync", "--url", $"https://127.0.0.1:{ClosedPort()}/listeblanchemssante.xml", "--ca", bundle, "--data", data);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot fetch", unreachable.Stderr, StringComparison.Ordinal);
        Assert.Contains("kept the last good list: 3 domains", unreachable.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("whitelist", "check", "adsea29.mssante.fr", "--data", data)).ExitCode);

        // Plain HTTP and a missing bundle are bad input (exit 2).
        var http = await CaduceeProcess.RunAsync("whitelist", "sync", "--url", "http://127.0.0.1/listeblanchemssante.xml", "--ca", bundle, "--data", data);
        Assert.Equal(2, http.ExitCode);
        Assert.Contains("--url: 'http://127.0.0.1/listeblanchemssante.xml' is not an https:// address", http.Stderr, StringComparison.Ordinal);
        var noCa = await CaduceeProcess.RunAsync("whitelist", "sync", "--url", server.ListUrl, "--ca", Path.Combine(_dir.FullName, "absent.pem"), "--data", data);
        Assert.Equal(2, noCa.ExitCode);
        Assert.Contains("--ca: file", noCa.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_whose_certificate_is_not_from_the_pinned_bundle_is_refused_REQ02()
    {
        // The pinned bundle is the trust space's; the source presents a certificate of another authority.
        using var pinned = PkiFolder.Create(Path.Combine(_dir.FullName, "pinned"), force: false);
        using var stranger = PkiFolder.Create(Path.Combine(_dir.FullName, "stranger"), force: false);
        stranger.Issue("source", NationalNames.Organisation("localhost", "3999", "STRANGER", null), CertificateProfile.Server, ["localhost"], [IPAddress.Loopback]);
        pinned.Issue("source", NationalNames.Organisation("localhost", "3111", "ANS TEST", null), CertificateProfile.Server, ["localhost"], [IPAddress.Loopback]);
        var good = WhitelistXml.Write(new WhitelistDocument(DateTimeOffset.UtcNow, [new WhitelistDomain("ch-nord.mssante.fr", "Centre hospitalier", MipihDn, null, null, null)]));

        using var strangerCert = PemFiles.Load(Path.Combine(stranger.Directory, "source.pem"), Path.Combine(stranger.Directory, "source.key"));
        await using var strangerServer = await ListServer.StartAsync(strangerCert, good, WhitelistXml.Checksum(good));
        var trust = CertificateTrust.FromPemFile(pinned.BundlePem);
        var store = new WhitelistStore(Path.Combine(_dir.FullName, "data", "whitelist", "listeblanchemssante.xml"));
        using (var sync = new WhitelistSynchronizer(store, new WhitelistSource(new Uri(strangerServer.ListUrl), null, TimeSpan.FromHours(1)), trust, NullLogger<WhitelistSynchronizer>.Instance))
        {
            var error = await sync.SyncOnceAsync(CancellationToken.None);
            Assert.NotNull(error);
            Assert.Contains("cannot fetch", error, StringComparison.Ordinal);
            Assert.Null(store.Held);
        }

        // The same request to a source with a certificate of the pinned authority succeeds.
        using var pinnedCert = PemFiles.Load(Path.Combine(pinned.Directory, "source.pem"), Path.Combine(pinned.Directory, "source.key"));
        await using var pinnedServer = await ListServer.StartAsync(pinnedCert, good, WhitelistXml.Checksum(good));
        using (var sync = new WhitelistSynchronizer(store, new WhitelistSource(new Uri(pinnedServer.ListUrl), new Uri(pinnedServer.ChecksumUrl), TimeSpan.FromHours(1)), trust, NullLogger<WhitelistSynchronizer>.Instance))
        {
            Assert.Null(await sync.SyncOnceAsync(CancellationToken.None));
            Assert.NotNull(store.Current!.Document.Find("ch-nord.mssante.fr"));
        }

        // And from the command line: refused, exit 1, the last good list is kept.
        var data = Path.Combine(_dir.FullName, "data");
        var cli = await CaduceeProcess.RunAsync("whitelist", "sync", "--url", strangerServer.ListUrl, "--ca", pinned.BundlePem, "--data", data);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("SSL", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("kept the last good list: 1 domains", cli.Stderr, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>An HTTPS source of the whitelist and its checksum on 127.0.0.1 (Kestrel, port 0).</summary>
    private sealed class ListServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ListServer(WebApplication app, byte[] file, string checksum)
        {
            _app = app;
            File = file;
            Checksum = checksum;
        }

        public byte[] File { get; set; }

        public string Checksum { get; set; }

        public string ListUrl { get; private set; } = string.Empty;

        public string ChecksumUrl { get; private set; } = string.Empty;

        public static async Task<ListServer> StartAsync(X509Certificate2 certificate, byte[] file, string checksum)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
            var app = builder.Build();
            var server = new ListServer(app, file, checksum);
            app.MapGet("/listeblanchemssante.xml", () => Results.Bytes(server.File, "application/xml"));
            app.MapGet("/checksum", () => Results.Text(server.Checksum + "  listeblanchemssante.xml\n"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            server.ListUrl = $"https://127.0.0.1:{port}/listeblanchemssante.xml";
            server.ChecksumUrl = $"https://127.0.0.1:{port}/checksum";
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
