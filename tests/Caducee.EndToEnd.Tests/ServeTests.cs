// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Hosting.Pki;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 2, point 3: `caducee serve --config` runs an authority and an operator from their files.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-serve-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task An_authority_and_an_operator_run_from_configuration_files_and_stop_on_SIGTERM()
    {
        var pki = DemoPki.OpenOrCreate(Path.Combine(_dir.FullName, "pki"));
        var authorityTls = pki.Issue("authority", NationalNames.Organisation("authority.test", "100000000000000", "AUTORITE", null), CertificateProfile.Server, ["localhost"]);
        var dn = NationalNames.Organisation("mx.clinique.mssante.test", "355555555500011", "CLINIQUE TEST", "Rhône (69)");
        var server = pki.Issue("op-server", dn, CertificateProfile.Server, ["mx.clinique.mssante.test", "localhost"]);
        var client = pki.Issue("op-client", dn, CertificateProfile.OrganisationClient);
        var whitelist = Path.Combine(_dir.FullName, "lb.xml");
        await File.WriteAllBytesAsync(whitelist, WhitelistXml.Write(new WhitelistDocument(DateTimeOffset.UtcNow,
            [new WhitelistDomain("clinique.mssante.test", "Clinique de test", DistinguishedName.FromX500(dn).ToString(), null, null, null)])));

        var authorityPort = FreePort();
        var authorityConfig = Path.Combine(_dir.FullName, "authority.json");
        await File.WriteAllTextAsync(authorityConfig, JsonSerializer.Serialize(new
        {
            Role = "authority",
            DataDir = "authority-data",
            Listen = new { Https = $"127.0.0.1:{authorityPort}" },
            Tls = new { Certificate = authorityTls.Certificate, Key = authorityTls.Key, TrustBundle = pki.BundlePem },
            Authority = new { WhitelistFile = whitelist },
        }));
        var mx = FreePort();
        var https = FreePort();
        var operatorConfig = Path.Combine(_dir.FullName, "operator.json");
        await File.WriteAllTextAsync(operatorConfig, $$"""
            // written like the file of 'caducee init', comments included
            {
              "Domain": "clinique.mssante.test",
              "DataDir": "operator-data",
              "Listen": { "Mx": "127.0.0.1:{{mx}}", "Https": "127.0.0.1:{{https}}" },
              "Tls": { "Certificate": "{{server.Certificate}}", "Key": "{{server.Key}}", "ClientCertificate": "{{client.Certificate}}", "ClientKey": "{{client.Key}}", "TrustBundle": "{{pki.BundlePem}}" },
              "Whitelist": { "Url": "https://127.0.0.1:{{authorityPort}}/listeblanchemssante.xml", "ChecksumUrl": "https://127.0.0.1:{{authorityPort}}/checksum" }
            }
            """);

        using var authority = CaduceeProcess.Start(["serve", "--config", authorityConfig]);
        await authority.WaitForOutputAsync("Caducée node running", TimeSpan.FromSeconds(60));
        using var node = CaduceeProcess.Start(["serve", "--config", operatorConfig]);
        await node.WaitForOutputAsync("Caducée node running", TimeSpan.FromSeconds(60));

        await using (var smtp = await LineClient.ConnectAsync($"127.0.0.1:{mx}"))
        {
            var (code, text) = await smtp.ReadReplyAsync();
            Assert.Equal(220, code);
            Assert.Contains("mx.clinique.mssante.test ESMTP", text, StringComparison.Ordinal);
        }

        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(pki.BundlePem);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
                chain.ChainPolicy.ExtraStore.AddRange(anchors);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert);
            },
        };
        using var http = new HttpClient(handler);
        using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri($"https://127.0.0.1:{https}/health")));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, health.RootElement.GetProperty("whitelist").GetProperty("domains").GetInt32());
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "operator-data", "caducee.db")));
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "operator-data", "whitelist", "listeblanchemssante.xml")));

        Assert.Equal(0, await node.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await authority.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Stopping", node.Stdout, StringComparison.Ordinal);
    }
}
