// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Caducee.Core.Model;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Host.Nodes;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Hosting.Pki;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Primitives;
using Caducee.Smtp.Benchmarks;
using Microsoft.Extensions.Logging.Abstractions;

[assembly: SupportedOSPlatform("linux")]

// ./build.sh bench smtp [--duration S] [--warmup S] [--connections N] [--rate R] [--size OCTETS] [--target caducee|postfix|both]
//
// Issue 5 point 8: inbound MX throughput with mutual TLS and durable delivery, 10 KB messages, 16 connections each
// sending many messages per session, and the time from end-of-data to 250 at a paced 200 msg/s, against a real
// Caducée node (`caducee serve`, its own process: mutual TLS, MSSanté trust policy with whitelist and CRL, durable
// delivery to local mailboxes) and, in the same run, against a private Postfix (TLS with a required client
// certificate, delivery to a Maildir). Prints msg/s for both, the ratio Caducée/Postfix and the latencies.
var options = BenchOptions.Parse(args);
var work = Directory.CreateTempSubdirectory("caducee-smtp-bench-");
Console.WriteLine($"SMTP benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, load average at start {LoadAverage()}");
Console.WriteLine($"messages {options.Size} octets; throughput: {options.Connections} connections, {options.Warmup.TotalSeconds} s warm-up + {options.Duration.TotalSeconds} s; paced: {options.Rate} msg/s for {options.Duration.TotalSeconds} s");
var results = new List<LoadResult>();
try
{
    var pki = DemoPki.OpenOrCreate(Path.Combine(work.FullName, "pki"));
    var anchors = new X509Certificate2Collection();
    anchors.ImportFromPemFile(pki.BundlePem);
    var senderDn = NationalNames.Organisation("mx.sender.mssante.test", "344556677800012", "EMETTEUR DE CHARGE", "Rhône (69)");
    var senderFiles = pki.Issue("sender-client", senderDn, CertificateProfile.OrganisationClient);
    using var senderCertificate = X509Certificate2.CreateFromPemFile(senderFiles.Certificate, senderFiles.Key);
    var recipients = Enumerable.Range(1, 16).Select(i => $"boite-{i:D2}@{Bench.Domain}").ToList();

    if (options.Targets.Contains("caducee"))
    {
        results.AddRange(await Bench.CaduceeAsync(work.FullName, pki, anchors, senderDn, senderCertificate, recipients, options));
    }

    if (options.Targets.Contains("postfix"))
    {
        results.AddRange(await Bench.PostfixAsync(work.FullName, pki, anchors, senderCertificate, recipients, options));
    }
}
finally
{
    work.Delete(recursive: true);
}

Console.WriteLine();
Console.WriteLine($"| target | mode | messages | failures | msg/s | p50 ms | p99 ms | max ms |");
Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Mode} | {r.Messages} | {r.Failures} | {r.MessagesPerSecond:F0} | {r.Percentile(50):F1} | {r.Percentile(99):F1} | {r.Percentile(100):F1} |"));
}

var caduceeRate = results.FirstOrDefault(r => r.Target == "caducee" && r.Mode.StartsWith("throughput", StringComparison.Ordinal))?.MessagesPerSecond;
var postfixRate = results.FirstOrDefault(r => r.Target == "postfix" && r.Mode.StartsWith("throughput", StringComparison.Ordinal))?.MessagesPerSecond;
if (caduceeRate is { } c && postfixRate is { } p)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nratio Caducée/Postfix (throughput): {c / p:F2} (target >= 1.0)"));
}

if (results.FirstOrDefault(r => r.Target == "caducee" && r.Mode.StartsWith("paced", StringComparison.Ordinal)) is { } paced)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Caducée p99 at {options.Rate} msg/s: {paced.Percentile(99):F1} ms (target <= 20 ms); throughput {caduceeRate:F0} msg/s (target >= 1000)"));
}

Console.WriteLine($"load average at end {LoadAverage()}");
return results.Any(r => r.Failures > 0) ? 1 : 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

internal sealed record BenchOptions(TimeSpan Duration, TimeSpan Warmup, int Connections, double Rate, int Size, IReadOnlyList<string> Targets, bool AgedStore = false)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), 16, 200, 10 * 1024, ["caducee", "postfix"]);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--aged-store")
            {
                o = o with { AgedStore = true };
                i--;
                continue;
            }

            var v = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--duration" => o with { Duration = TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture)) },
                "--warmup" => o with { Warmup = TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture)) },
                "--connections" => o with { Connections = int.Parse(v, CultureInfo.InvariantCulture) },
                "--rate" => o with { Rate = double.Parse(v, CultureInfo.InvariantCulture) },
                "--size" => o with { Size = int.Parse(v, CultureInfo.InvariantCulture) },
                "--target" => o with { Targets = v == "both" ? ["caducee", "postfix"] : [v] },
                _ => throw new ArgumentException($"unknown option {args[i]}; see bench/Caducee.Smtp.Benchmarks/Program.cs"),
            };
        }

        return o;
    }
}

/// <summary>Sets up each server under test, runs the two load modes against it, and stops it.</summary>
internal static class Bench
{
    public const string Domain = "bench.mssante.test";

    public static async Task<List<LoadResult>> CaduceeAsync(string work, DemoPki pki, X509Certificate2Collection anchors, X500DistinguishedName senderDn, X509Certificate2 senderCertificate, IReadOnlyList<string> recipients, BenchOptions options)
    {
        Console.WriteLine("\n== Caducée (caducee serve: mutual TLS, trust policy with whitelist and CRL, durable delivery to 16 mailboxes)");
        var dn = NationalNames.Organisation("mx." + Domain, "355555555500011", "CABINET DE BANC D'ESSAI", "Rhône (69)");
        var server = pki.Issue("bench-server", dn, CertificateProfile.Server, ["mx." + Domain, "localhost"]);
        var client = pki.Issue("bench-client", dn, CertificateProfile.OrganisationClient);
        var authorityTls = pki.Issue("authority", NationalNames.Organisation("espacedeconfiance.mssante.test", "100000000000000", "AUTORITE", null), CertificateProfile.Server, ["localhost"]);
        var whitelist = Path.Combine(work, "listeblanchemssante.xml");
        await File.WriteAllBytesAsync(whitelist, WhitelistXml.Write(new WhitelistDocument(DateTimeOffset.UtcNow,
        [
            new WhitelistDomain(Domain, "Banc d'essai", DistinguishedName.FromX500(dn).ToString(), null, null, null),
            new WhitelistDomain("sender.mssante.test", "Emetteur", DistinguishedName.FromX500(senderDn).ToString(), null, null, null),
        ])));
        await using var authority = await AuthorityNode.StartAsync(
            new AuthoritySettings(Path.Combine(work, "authority"), new IPEndPoint(IPAddress.Loopback, 0), new TlsFiles(authorityTls.Certificate, authorityTls.Key, null, null, pki.BundlePem), whitelist, pki.BundlePem, new Dictionary<string, string> { ["organisations.crl"] = pki.Crl }),
            NullLoggerFactory.Instance,
            CancellationToken.None);
        var authorityUrl = $"https://127.0.0.1:{authority.Endpoints["https"]!.Port}";

        var data = Path.Combine(work, "caducee-data");
        using (var storage = await NodeStorage.OpenAsync(data, CancellationToken.None))
        {
            await storage.Store.AddDomainAsync(Domain, CancellationToken.None);
            foreach (var r in recipients)
            {
                await storage.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse(r), MailboxKind.Org, PrincipalRef.Structure("355555555500011")), CancellationToken.None);
            }
        }

        if (options.AgedStore)
        {
            // A store in use has all its shard folders (blobs/xx/yy); a fresh one creates one for most of its first
            // tens of thousands of messages. --aged-store measures the steady state.
            var blobs = Path.Combine(data, "blobs");
            for (var a = 0; a < 256; a++)
            {
                for (var b = 0; b < 256; b++)
                {
                    Directory.CreateDirectory(Path.Combine(blobs, a.ToString("x2", CultureInfo.InvariantCulture), b.ToString("x2", CultureInfo.InvariantCulture)));
                }
            }

            Console.WriteLine("   aged store: the 65,536 blob shard folders exist before the run");
        }

        var mx = PostfixInstance.FreePort();
        var config = Path.Combine(work, "caducee.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Domain,
            DataDir = data,
            Listen = new { Mx = $"127.0.0.1:{mx}" },
            Tls = new { Certificate = server.Certificate, Key = server.Key, ClientCertificate = client.Certificate, ClientKey = client.Key, TrustBundle = pki.BundlePem },
            Whitelist = new { Url = authorityUrl + "/listeblanchemssante.xml", ChecksumUrl = authorityUrl + "/checksum" },
            Crl = new { Urls = new[] { authorityUrl + "/pki/crl/organisations.crl" } },
            Routing = new { Dns = "off" },
        }));
        using var node = CaduceeNode.Start(config, Path.Combine(work, "caducee.log"));
        await node.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
        var target = new LoadTarget("caducee", new IPEndPoint(IPAddress.Loopback, mx), senderCertificate, anchors, "charge@sender.mssante.test", recipients);
        var results = await RunAsync(target, options);
        await node.StopAsync();
        using (var storage = await NodeStorage.OpenAsync(data, CancellationToken.None))
        {
            long stored = 0;
            foreach (var r in recipients)
            {
                var box = (await storage.Store.FindMailboxAsync(MailAddress.Parse(r), CancellationToken.None))!;
                stored += (await storage.Store.GetFolderAsync(box.Id, "INBOX", CancellationToken.None))!.MessageCount;
            }

            Console.WriteLine($"   messages in the 16 INBOXes after the runs: {stored} (each acknowledged with 250 only once durable)");
        }

        return results;
    }

    public static async Task<List<LoadResult>> PostfixAsync(string work, DemoPki pki, X509Certificate2Collection anchors, X509Certificate2 senderCertificate, IReadOnlyList<string> recipients, BenchOptions options)
    {
        Console.WriteLine("\n== Postfix (TLS with a required client certificate, delivery to a Maildir)");
        var dn = NationalNames.Organisation("mx.postfix." + Domain, "312345678900018", "POSTFIX DE BANC D'ESSAI", "Nord (59)");
        var server = pki.Issue("postfix-server", dn, CertificateProfile.Server, ["mx.postfix." + Domain, "localhost"]);
        var intermediate = anchors.Cast<X509Certificate2>().Single(c => c.Subject != c.Issuer).ExportCertificatePem();
        var chain = Path.Combine(work, "postfix-chain.pem");
        await File.WriteAllTextAsync(chain, await File.ReadAllTextAsync(server.Certificate) + "\n" + intermediate + "\n");
        await using var postfix = await PostfixInstance.StartAsync(new PostfixOptions
        {
            Domain = Domain,
            HostName = "mx.postfix." + Domain,
            CatchAll = true,
            ServerCertificate = chain,
            ServerKey = server.Key,
            CaBundle = pki.BundlePem,
            RequireClientCertificate = true,
            InjectionListener = false,
        });
        var target = new LoadTarget("postfix", new IPEndPoint(IPAddress.Loopback, postfix.MxPort), senderCertificate, anchors, "charge@sender.mssante.test", recipients);
        var results = await RunAsync(target, options);
        var expected = results.Sum(r => r.Messages);
        var drained = Stopwatch.StartNew();
        while (postfix.Maildir("all").Count < expected && drained.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(200);
        }

        Console.WriteLine($"   messages in the Maildir: {postfix.Maildir("all").Count} (Postfix delivers after its 250; waited {drained.Elapsed.TotalSeconds:F1} s for the queue to drain)");
        return results;
    }

    private static async Task<List<LoadResult>> RunAsync(LoadTarget target, BenchOptions options)
    {
        var load = new LoadGenerator(target, options.Size);
        var throughput = await load.ThroughputAsync(options.Connections, options.Warmup, options.Duration);
        Print(throughput);
        var paced = await load.PacedAsync(options.Connections, options.Rate, TimeSpan.FromSeconds(2), options.Duration);
        Print(paced);
        return [throughput, paced];
    }

    private static void Print(LoadResult r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {r.Mode}: {r.Messages} messages in {r.Elapsed.TotalSeconds:F1} s = {r.MessagesPerSecond:F0} msg/s; end-of-data → 250: p50 {r.Percentile(50):F1} ms, p99 {r.Percentile(99):F1} ms; failures {r.Failures}"));
}
