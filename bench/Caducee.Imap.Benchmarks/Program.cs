// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Host.Nodes;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Hosting.Pki;
using Caducee.Imap.Benchmarks;
using Caducee.Imap.Clients.Tests.Infrastructure;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Primitives;
using Microsoft.Extensions.Logging.Abstractions;

[assembly: SupportedOSPlatform("linux")]

// ./build.sh bench imap [--only select,fetch,idle,mbsync] [--select-messages N] [--messages N] [--idle N] [--iterations N] [--mbsync-runs N] [--size OCTETS]
//
// Issue 6 point 6, against a real Caducée node (`caducee serve`, Release, its own process) over STARTTLS:
//   select  SELECT of a 100,000-message mailbox (target <= 50 ms);
//   fetch   FETCH 1:* (FLAGS ENVELOPE) on 10,000 messages (target <= 150 ms);
//   idle    5,000 concurrent connections in IDLE, server process RSS (target <= 500 MB), load generated from this process;
//   mbsync  mbsync full sync of 10,000 messages from Caducée and from a private Dovecot (Maildir), same messages, same
//           mbsync configuration, runs interleaved; the time ratio Caducée/Dovecot (target <= 1.0).
// The mailboxes are filled through the store API before the node starts: 10,000 distinct realistic messages (10 KB-ish,
// one in ten with a PDF attachment), and the 100,000-message mailbox made of copies of them (COPY shares the content).
var o = ImapBenchOptions.Parse(args);
var work = Directory.CreateTempSubdirectory("caducee-imap-bench-");
Console.WriteLine($"IMAP benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, load average at start {Bench.LoadAverage()}, open files limit {Bench.FileLimit()}");
var failed = false;
var summary = new List<string>();
try
{
    var pki = DemoPki.OpenOrCreate(Path.Combine(work.FullName, "pki"));
    var anchors = new X509Certificate2Collection();
    anchors.ImportFromPemFile(pki.BundlePem);
    var dn = NationalNames.Organisation("imap." + Bench.Domain, "355555555500011", "CABINET DE BANC D'ESSAI", "Rhône (69)");
    var server = pki.Issue("bench-server", dn, CertificateProfile.Server, ["imap." + Bench.Domain, "localhost"]);
    var client = pki.Issue("bench-client", dn, CertificateProfile.OrganisationClient);
    var intermediate = anchors.Cast<X509Certificate2>().Single(c => c.Subject != c.Issuer).ExportCertificatePem();
    var chain = Path.Combine(work.FullName, "server-chain.pem");
    await File.WriteAllTextAsync(chain, await File.ReadAllTextAsync(server.Certificate) + "\n" + intermediate + "\n");

    var data = Path.Combine(work.FullName, "caducee-data");
    var populate = Stopwatch.StartNew();
    var users = await Bench.PopulateAsync(data, o);
    Console.WriteLine($"populated in {populate.Elapsed.TotalSeconds:F1} s: {o.Messages:N0} distinct messages ({users.ContentOctets / 1e6:F1} MB), a {o.SelectMessages:N0}-message mailbox of copies, {users.Idle.Count} mailboxes for IDLE");

    var authorityTls = pki.Issue("authority", NationalNames.Organisation("espacedeconfiance.mssante.test", "100000000000000", "AUTORITE", null), CertificateProfile.Server, ["localhost"]);
    var whitelist = Path.Combine(work.FullName, "listeblanchemssante.xml");
    await File.WriteAllBytesAsync(whitelist, WhitelistXml.Write(new WhitelistDocument(DateTimeOffset.UtcNow, [new WhitelistDomain(Bench.Domain, "Banc d'essai", DistinguishedName.FromX500(dn).ToString(), null, null, null)])));
    await using var authority = await AuthorityNode.StartAsync(
        new AuthoritySettings(Path.Combine(work.FullName, "authority"), new IPEndPoint(IPAddress.Loopback, 0), new TlsFiles(authorityTls.Certificate, authorityTls.Key, null, null, pki.BundlePem), whitelist, pki.BundlePem, new Dictionary<string, string> { ["organisations.crl"] = pki.Crl }),
        NullLoggerFactory.Instance,
        CancellationToken.None);
    var authorityUrl = $"https://127.0.0.1:{authority.Endpoints["https"]!.Port}";
    var imapPort = DovecotInstance.FreePort();
    var config = Path.Combine(work.FullName, "caducee.json");
    await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
    {
        Domain = Bench.Domain,
        DataDir = data,
        Listen = new { Imap = $"127.0.0.1:{imapPort}" },
        Tls = new { Certificate = server.Certificate, Key = server.Key, ClientCertificate = client.Certificate, ClientKey = client.Key, TrustBundle = pki.BundlePem },
        Whitelist = new { Url = authorityUrl + "/listeblanchemssante.xml", ChecksumUrl = authorityUrl + "/checksum" },
        Routing = new { Dns = "off" },
    }));
    using var node = CaduceeNode.Start(config, Path.Combine(work.FullName, "caducee.log"));
    await node.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
    var endpoint = new IPEndPoint(IPAddress.Loopback, imapPort);
    Console.WriteLine($"caducee serve pid {node.ProcessId}, IMAP (STARTTLS) on {endpoint}; RSS after start {Bench.Mb(node.Memory().Rss)}");

    if (o.Only.Contains("select"))
    {
        summary.Add(await Bench.SelectAsync(endpoint, anchors, users, o));
    }

    if (o.Only.Contains("fetch"))
    {
        summary.Add(await Bench.FetchAsync(endpoint, anchors, users, o));
    }

    if (o.Only.Contains("idle"))
    {
        summary.Add(await Bench.IdleAsync(endpoint, anchors, users, node, o));
    }

    if (o.Only.Contains("mbsync"))
    {
        summary.Add(await Bench.MbsyncAsync(work.FullName, endpoint, pki.BundlePem, chain, server.Key, users, o));
    }

    Console.WriteLine($"\nRSS of the node at the end {Bench.Mb(node.Memory().Rss)} (peak {Bench.Mb(node.Memory().Peak)})");
    await node.StopAsync();
}
catch (Exception ex)
{
    failed = true;
    Console.WriteLine("benchmark failed: " + ex);
}
finally
{
    try
    {
        work.Delete(recursive: true);
    }
    catch (IOException)
    {
        Console.WriteLine("left " + work.FullName);
    }
}

Console.WriteLine();
Console.WriteLine("| benchmark | result | target |");
Console.WriteLine("|---|---|---|");
foreach (var line in summary)
{
    Console.WriteLine(line);
}

Console.WriteLine($"load average at end {Bench.LoadAverage()}");
return failed ? 1 : 0;

internal sealed record ImapBenchOptions(IReadOnlySet<string> Only, int SelectMessages, int Messages, int Idle, int Iterations, int MbsyncRuns, int Size)
{
    public static ImapBenchOptions Parse(string[] args)
    {
        var o = new ImapBenchOptions(new HashSet<string> { "select", "fetch", "idle", "mbsync" }, 100_000, 10_000, 5_000, 20, 5, 10 * 1024);
        for (var i = 0; i < args.Length; i += 2)
        {
            var v = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            int N() => int.Parse(v, CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--only" => o with { Only = v.Split(',').ToHashSet() },
                "--select-messages" => o with { SelectMessages = N() },
                "--messages" => o with { Messages = N() },
                "--idle" => o with { Idle = N() },
                "--iterations" => o with { Iterations = N() },
                "--mbsync-runs" => o with { MbsyncRuns = N() },
                "--size" => o with { Size = N() },
                _ => throw new ArgumentException($"unknown option {args[i]}; see bench/Caducee.Imap.Benchmarks/Program.cs"),
            };
        }

        return o;
    }
}

/// <summary>The mailboxes of the run: the distinct messages and mbsync's source, the big one, the IDLE ones (19 connections each, under the per-user limit).</summary>
internal sealed record BenchUsers(string Reader, string Archive, IReadOnlyList<string> Idle, long ContentOctets)
{
    public const string Password = "banc-d-essai-imap";
}

internal static class Bench
{
    public const string Domain = "bench.mssante.test";

    /// <summary>Sessions per IDLE mailbox: one under the default Imap:MaxConnectionsPerUser (20), which leaves one for the check that appends.</summary>
    private const int SessionsPerMailbox = 19;

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static string FileLimit() => File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] ?? "?";

    public static string Mb(long octets) => string.Create(CultureInfo.InvariantCulture, $"{octets / 1048576.0:F1} MiB");

    public static async Task<BenchUsers> PopulateAsync(string data, ImapBenchOptions o)
    {
        using var storage = await NodeStorage.OpenAsync(data, CancellationToken.None);
        var store = storage.Store;
        await store.AddDomainAsync(Domain, CancellationToken.None);
        // One hash for every bench mailbox, with few PBKDF2 rounds: 5,000 logins measure sessions, not the KDF
        // (production hashes use 210,000 rounds; the login cost is per connection, not per idle minute).
        var hash = PasswordHasher.Hash(BenchUsers.Password, iterations: 1_000);
        async Task<MailboxInfo> Create(string local) => await store.CreateMailboxAsync(
            new NewMailbox(MailAddress.Parse($"{local}@{Domain}"), MailboxKind.Org, PrincipalRef.Structure("355555555500011")) { PasswordHash = hash },
            CancellationToken.None);

        var reader = await Create("lecture");
        var archive = await Create("archives");
        var readerInbox = (await store.GetFolderAsync(reader.Id, "INBOX", CancellationToken.None))!;
        long octets = 0;
        var next = -1;
        var uids = new List<long>();
        async Task Append()
        {
            while (true)
            {
                var start = Interlocked.Add(ref next, 250) - 249;
                if (start >= o.Messages)
                {
                    return;
                }

                var batch = Enumerable.Range(start, Math.Min(250, o.Messages - start))
                    .Select(i => new AppendMessage(SampleMessages.Create(i, reader.Address.ToString(), o.Size), i % 2 == 0 ? MessageFlags.Seen : MessageFlags.None, InternalDate: new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i)))
                    .ToList();
                Interlocked.Add(ref octets, batch.Sum(m => (long)m.Content.Length));
                var result = await store.AppendAsync(readerInbox.Id, batch, CancellationToken.None);
                lock (uids)
                {
                    uids.AddRange(result.Uids);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Append)));
        uids.Sort();

        // The big mailbox: copies of the distinct messages (rows of their own, content shared).
        var archiveInbox = (await store.GetFolderAsync(archive.Id, "INBOX", CancellationToken.None))!;
        for (var copied = 0; copied < o.SelectMessages;)
        {
            var take = Math.Min(uids.Count, o.SelectMessages - copied);
            await store.CopyAsync(readerInbox.Id, uids.Take(take).ToList(), archiveInbox.Id, CancellationToken.None);
            copied += take;
        }

        var idle = new List<string>();
        for (var i = 0; i < (o.Idle + SessionsPerMailbox - 1) / SessionsPerMailbox; i++)
        {
            var box = await Create($"veille-{i:D4}");
            var inbox = (await store.GetFolderAsync(box.Id, "INBOX", CancellationToken.None))!;
            await store.CopyAsync(readerInbox.Id, uids.Skip(i % Math.Max(1, uids.Count - 10)).Take(10).ToList(), inbox.Id, CancellationToken.None);
            idle.Add(box.Address.ToString());
        }

        return new BenchUsers(reader.Address.ToString(), archive.Address.ToString(), idle, octets);
    }

    private static (double Min, double Median, double P90, double Max) Stats(List<double> ms)
    {
        ms.Sort();
        return (ms[0], ms[ms.Count / 2], ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(ms.Count * 0.9) - 1)], ms[^1]);
    }

    private static string Format((double Min, double Median, double P90, double Max) s) =>
        string.Create(CultureInfo.InvariantCulture, $"median {s.Median:F1} ms (min {s.Min:F1}, p90 {s.P90:F1}, max {s.Max:F1})");

    /// <summary>
    /// SELECT of the large mailbox: the node's first one (its folder state read whole from the store), then
    /// <c>Iterations</c> with the folder unchanged (the state from the node's cache), then <c>Iterations</c>
    /// each after another session of the same user flagged 10 messages (the cache merged with the changed rows).
    /// </summary>
    public static async Task<string> SelectAsync(IPEndPoint endpoint, X509Certificate2Collection anchors, BenchUsers users, ImapBenchOptions o)
    {
        Console.WriteLine($"\n== SELECT of the {o.SelectMessages:N0}-message mailbox (time to the tagged OK): the first since the node started, then {o.Iterations} unchanged and {o.Iterations} after changes, after 3 warm-ups each");
        await using var imap = await ImapProbe.ConnectAsync(endpoint, anchors, users.Archive, BenchUsers.Password);
        await using var other = await ImapProbe.ConnectAsync(endpoint, anchors, users.Archive, BenchUsers.Password);
        var random = new Random(5);

        async Task<double> Select()
        {
            var watch = Stopwatch.StartNew();
            var response = ImapProbe.Ensure(await imap.CommandAsync("SELECT INBOX"));
            var ms = watch.Elapsed.TotalMilliseconds;
            var exists = response.Untagged.Single(l => l.EndsWith(" EXISTS", StringComparison.Ordinal));
            if (exists != $"* {o.SelectMessages} EXISTS")
            {
                throw new InvalidOperationException("SELECT answered " + exists);
            }

            return ms;
        }

        await using (var warm = await ImapProbe.ConnectAsync(endpoint, anchors, users.Reader, BenchUsers.Password))
        {
            // The code paths of a whole read, compiled on another mailbox (10,000 messages) first.
            for (var i = 0; i < 3; i++)
            {
                ImapProbe.Ensure(await warm.CommandAsync("SELECT INBOX"));
                ImapProbe.Ensure(await warm.CommandAsync("UID STORE 1 -FLAGS.SILENT (\\Flagged)"));
                ImapProbe.Ensure(await warm.CommandAsync("UNSELECT"));
            }
        }

        var first = await Select();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   first SELECT since the node started (its state read whole; code warmed on another mailbox): {first:F1} ms"));
        ImapProbe.Ensure(await other.CommandAsync("SELECT INBOX"));
        var results = new List<(string Name, (double Min, double Median, double P90, double Max) Stats)>();
        foreach (var changed in new[] { false, true })
        {
            var times = new List<double>();
            for (var i = -3; i < o.Iterations; i++)
            {
                if (changed)
                {
                    var uids = string.Join(',', Enumerable.Range(0, 10).Select(_ => random.Next(1, o.SelectMessages + 1)));
                    ImapProbe.Ensure(await other.CommandAsync($"UID STORE {uids} +FLAGS.SILENT (\\Seen)"));
                }

                var ms = await Select();
                if (i >= 0)
                {
                    times.Add(ms);
                }
            }

            var s = Stats(times);
            var name = changed ? "after another session flagged 10 messages" : "unchanged since the last SELECT";
            Console.WriteLine($"   {name}: {Format(s)}");
            results.Add((name, s));
        }

        return string.Join(
            "\n",
            [
                string.Create(CultureInfo.InvariantCulture, $"| SELECT, {o.SelectMessages:N0} messages, first since the node started (state read whole) | {first:F1} ms (one sample) | <= 50 ms |"),
                .. results.Select(r => $"| SELECT, {o.SelectMessages:N0} messages, {r.Name} | {Format(r.Stats)} | <= 50 ms |"),
            ]);
    }

    public static async Task<string> FetchAsync(IPEndPoint endpoint, X509Certificate2Collection anchors, BenchUsers users, ImapBenchOptions o)
    {
        Console.WriteLine($"\n== FETCH 1:* (FLAGS ENVELOPE) on {o.Messages:N0} messages, {o.Iterations} times after 3 warm-ups (time to the tagged OK, every response read)");
        await using var imap = await ImapProbe.ConnectAsync(endpoint, anchors, users.Reader, BenchUsers.Password);
        ImapProbe.Ensure(await imap.CommandAsync("EXAMINE INBOX"));
        var times = new List<double>();
        long octets = 0;
        for (var i = -3; i < o.Iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            var response = ImapProbe.Ensure(await imap.CommandAsync("FETCH 1:* (FLAGS ENVELOPE)"));
            var ms = watch.Elapsed.TotalMilliseconds;
            if (response.Untagged.Count != o.Messages || !response.Untagged[^1].StartsWith($"* {o.Messages} FETCH (FLAGS (", StringComparison.Ordinal) || !response.Untagged[^1].Contains(" ENVELOPE (", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"FETCH answered {response.Untagged.Count} responses, last {response.Untagged[^1]}");
            }

            octets = response.Octets;
            if (i >= 0)
            {
                times.Add(ms);
            }
        }

        var s = Stats(times);
        Console.WriteLine($"   {Format(s)}; {octets / 1e6:F2} MB of responses");
        return $"| FETCH 1:* (FLAGS ENVELOPE), {o.Messages:N0} messages | {Format(s)} | <= 150 ms |";
    }

    public static async Task<string> IdleAsync(IPEndPoint endpoint, X509Certificate2Collection anchors, BenchUsers users, CaduceeNode node, ImapBenchOptions o)
    {
        Console.WriteLine($"\n== {o.Idle:N0} connections in IDLE ({users.Idle.Count} mailboxes × {SessionsPerMailbox}; STARTTLS, LOGIN, SELECT INBOX, IDLE), opened 32 at a time");
        GC.Collect();
        var before = node.Memory().Rss;
        var probes = new ImapProbe?[o.Idle];
        var tags = new string[o.Idle];
        var opened = Stopwatch.StartNew();
        var next = -1;
        var errors = 0;
        async Task Open()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < o.Idle)
            {
                try
                {
                    var probe = await ImapProbe.ConnectAsync(endpoint, anchors, users.Idle[i / SessionsPerMailbox], BenchUsers.Password);
                    ImapProbe.Ensure(await probe.CommandAsync("SELECT INBOX"));
                    tags[i] = await probe.IdleAsync();
                    probes[i] = probe;
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
                {
                    if (Interlocked.Increment(ref errors) <= 3)
                    {
                        Console.WriteLine($"   connection {i} failed: {ex.Message}");
                    }
                }
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(Open)));
            var established = probes.Count(p => p is not null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {established:N0} in IDLE after {opened.Elapsed.TotalSeconds:F1} s ({errors} failed); server open files {node.OpenFiles():N0}"));

            // Settle: the server drops the buffers a session grew before it waits.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var (rss, peak) = node.Memory();
            Console.WriteLine($"   server RSS {Mb(rss)} with {established:N0} idle sessions (before {Mb(before)}, peak so far {Mb(peak)}): {(rss - before) / (double)Math.Max(1, established) / 1024:F1} KiB per session");

            // The sessions are alive: a message appended to one mailbox reaches its 20 idle sessions as EXISTS.
            await using (var writer = await ImapProbe.ConnectAsync(endpoint, anchors, users.Idle[0], BenchUsers.Password))
            {
                var body = "From: <bench@bench.mssante.test>\r\nSubject: idle check\r\n\r\nping\r\n";
                ImapProbe.Ensure(await writer.CommandAsync($"APPEND INBOX {{{body.Length}+}}\r\n{body}"));
            }

            var woken = 0;
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                for (var i = 0; i < Math.Min(SessionsPerMailbox, o.Idle); i++)
                {
                    if (probes[i] is { } p && (await p.ReadLineAsync(deadline.Token)).EndsWith(" EXISTS", StringComparison.Ordinal))
                    {
                        woken++;
                    }
                }
            }

            Console.WriteLine($"   an APPEND to {users.Idle[0]} reached {woken} of its {Math.Min(SessionsPerMailbox, o.Idle)} idle sessions as EXISTS");
            return string.Create(CultureInfo.InvariantCulture, $"| {established:N0} connections in IDLE | server RSS {Mb(rss)} ({(rss - before) / (double)Math.Max(1, established) / 1024:F1} KiB/session over {Mb(before)}); {errors} failed | <= 500 MB |");
        }
        finally
        {
            await Task.WhenAll(probes.Where(p => p is not null).Select(p => p!.DisposeAsync().AsTask()));
        }
    }

    public static async Task<string> MbsyncAsync(string work, IPEndPoint caducee, string ca, string chain, string key, BenchUsers users, ImapBenchOptions o)
    {
        Console.WriteLine($"\n== mbsync full sync of {o.Messages:N0} messages (INBOX, STARTTLS), Caducée and Dovecot {o.MbsyncRuns} time(s) each, interleaved in alternating order, a fresh local Maildir each time (all kept until the end)");
        var messages = Enumerable.Range(0, o.Messages).Select(i => SampleMessages.Create(i, users.Reader, o.Size));
        await using var dovecot = await DovecotInstance.CreateAsync(chain, key, messages);
        await dovecot.StartAsync();
        var dovecotEndpoint = new IPEndPoint(IPAddress.Loopback, dovecot.Port);
        Console.WriteLine($"   Dovecot {dovecotEndpoint}, Maildir of {o.Messages:N0} files");

        // Both servers open the mailbox once first (Dovecot builds its index, Caducée warms its caches): the runs then
        // measure a sync of a mailbox in use, as a user's first sync on a new machine is.
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(ca);
        foreach (var (endpoint, user, password) in new[] { (caducee, users.Reader, BenchUsers.Password), (dovecotEndpoint, DovecotInstance.User, DovecotInstance.Password) })
        {
            await using var warm = await ImapProbe.ConnectAsync(endpoint, anchors, user, password);
            var select = ImapProbe.Ensure(await warm.CommandAsync("EXAMINE INBOX"));
            if (!select.Untagged.Contains($"* {o.Messages} EXISTS"))
            {
                throw new InvalidOperationException($"{endpoint}: {string.Join(" | ", select.Untagged)}");
            }
        }

        // The local Maildirs are all kept until the end: deleting 10,000 files just before the next run makes ext4
        // slow to create the next ones for some seconds (docs/BENCHMARKS.md, store section), which would penalise
        // whichever server comes next. The order alternates from one run to the next.
        var times = new Dictionary<string, List<double>> { ["caducee"] = [], ["dovecot"] = [] };
        var targets = new[] { ("caducee", caducee, users.Reader, BenchUsers.Password), ("dovecot", dovecotEndpoint, DovecotInstance.User, DovecotInstance.Password) };
        var folders = new List<string>();
        try
        {
            // One untimed sync from each server first: a node just started spends a third of its CPU in the JIT's
            // tiered recompilation during its first syncs (perf: ".NET Tiered Compilation" thread), which a node in
            // service has long finished; and both servers' files are then in the page cache alike.
            foreach (var (name, endpoint, user, password) in targets)
            {
                var folder = Path.Combine(work, $"mbsync-{name}-warm");
                folders.Add(folder);
                var seconds = await MbsyncOnceAsync(folder, endpoint, user, password, ca, o.Messages);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   warm-up {name}: {seconds:F2} s (not counted)"));
            }

            for (var run = 0; run < o.MbsyncRuns; run++)
            {
                foreach (var (name, endpoint, user, password) in run % 2 == 0 ? targets : targets.Reverse())
                {
                    var folder = Path.Combine(work, $"mbsync-{name}-{run}");
                    folders.Add(folder);
                    var seconds = await MbsyncOnceAsync(folder, endpoint, user, password, ca, o.Messages);
                    times[name].Add(seconds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   run {run + 1} {name}: {seconds:F2} s ({o.Messages / seconds:F0} msg/s)"));
                }
            }
        }
        finally
        {
            foreach (var folder in folders.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var (cm, dm) = (Median(times["caducee"]), Median(times["dovecot"]));
        var (cb, db) = (times["caducee"].Min(), times["dovecot"].Min());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   median Caducée {cm:F2} s, median Dovecot {dm:F2} s: ratio {cm / dm:F2} (target <= 1.0); best {cb:F2} s and {db:F2} s: {cb / db:F2}"));
        return string.Create(CultureInfo.InvariantCulture, $"| mbsync full sync, {o.Messages:N0} messages, {o.MbsyncRuns} runs each | median Caducée {cm:F2} s, Dovecot {dm:F2} s: ratio {cm / dm:F2} (best {cb:F2} / {db:F2} s: {cb / db:F2}) | <= 1.0 |");
    }

    private static async Task<double> MbsyncOnceAsync(string folder, IPEndPoint endpoint, string user, string password, string ca, int expected)
    {
        var maildir = Path.Combine(folder, "Mail");
        Directory.CreateDirectory(maildir);
        var config = Path.Combine(folder, "mbsyncrc");
        // FSync no: mbsync would otherwise fsync each of the 10,000 local files, and the run would time this VM's
        // disk (runs of one server then varied by a factor of two) rather than the server.
        await File.WriteAllTextAsync(config, $"""
            FSync no

            IMAPAccount bench
            Host localhost
            Port {endpoint.Port}
            User {user}
            Pass {password}
            SSLType STARTTLS
            CertificateFile {ca}

            IMAPStore remote
            Account bench

            MaildirStore local
            Path {maildir}/
            Inbox {maildir}/INBOX

            Channel bench
            Far :remote:
            Near :local:
            Patterns INBOX
            Create Near
            SyncState *

            """);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var info = new ProcessStartInfo("mbsync") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--quiet", "--config", config, "bench" })
        {
            info.ArgumentList.Add(a);
        }

        // The previous runs' files are flushed first (untimed), so no run pays for another's background writeback.
        using (var sync = Process.Start("sync")!)
        {
            await sync.WaitForExitAsync();
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        var files = Directory.GetFiles(Path.Combine(maildir, "INBOX", "cur")).Length + Directory.GetFiles(Path.Combine(maildir, "INBOX", "new")).Length;
        if (process.ExitCode != 0 || files != expected)
        {
            throw new InvalidOperationException($"mbsync exit {process.ExitCode}, {files} files of {expected}: {await output}{await error}");
        }

        return seconds;
    }
}
