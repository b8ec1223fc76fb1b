// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Postgres;
using Caducee.Storage.Sql;
using Caducee.Storage.Sqlite;
using Caducee.Testing;

namespace Caducee.Storage.Benchmarks;

/// <summary>
/// Message store benchmarks (issue 4 point 8, docs/BENCHMARKS.md "Message store"), a closed-loop load
/// generator over the real store, durable settings on (SQLite WAL synchronous=FULL; PostgreSQL fsync on,
/// synchronous_commit on; every message file fsynced with its directory):
///   deliveries   10 KB messages delivered by 1 and 16 concurrent writers (each its own new content)
///   state        loading the state (UID, MODSEQ, flags) of a 100,000-message folder
///   flags        storing a flag on 10,000 messages (a UID range; and, for information, 10,000 scattered UIDs)
/// Options: --backend sqlite,postgres  --writers 1,16  --seconds 10  --messages 100000  --dir DIR
///          --connection CS (an existing PostgreSQL database instead of a private server started here).
/// </summary>
internal static class StoreBench
{
    private const string Domain = "bench.mssante.test";
    private const int MessageSize = 10 * 1024;
    private static readonly List<(string What, string Backend, string Measured, string Target, bool Met)> s_summary = [];

    public static async Task<int> RunAsync(string[] args)
    {
        var what = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        var options = Options(args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray());
        if (what == "profile")
        {
            await ProfileAsync(Get(options, "dir", Path.GetTempPath()));
            return 0;
        }

        if (what is not ("all" or "deliveries" or "state" or "flags"))
        {
            Console.Error.WriteLine("usage: [all|deliveries|state|flags] [--backend sqlite,postgres] [--writers 1,16] [--seconds 10] [--messages 100000] [--dir DIR] [--connection CS]");
            return 2;
        }

        var backends = Get(options, "backend", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var writers = Get(options, "writers", "1,16").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        var seconds = double.Parse(Get(options, "seconds", "10"), CultureInfo.InvariantCulture);
        var messages = int.Parse(Get(options, "messages", "100000"), CultureInfo.InvariantCulture);
        var root = Directory.CreateDirectory(Path.Combine(Get(options, "dir", Path.GetTempPath()), "caducee-storebench-" + Environment.ProcessId)).FullName;
        Console.WriteLine($"Caducée store benchmarks: {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} CPU, {RuntimeInformation.OSDescription}; data in {root}; load {Load()}");
        PostgresServer? server = null;
        try
        {
            foreach (var backend in backends)
            {
                var (connection, started) = backend == "postgres" ? await PostgresAsync(options, server) : (null, server);
                server = started;
                if (what is "all" or "deliveries")
                {
                    foreach (var w in writers)
                    {
                        await using var bench = await BenchStore.OpenAsync(backend, Path.Combine(root, $"{backend}-deliveries-{w}"), connection, server);
                        await DeliveriesAsync(bench, w, TimeSpan.FromSeconds(seconds));
                    }
                }

                if (what is "all" or "state" or "flags")
                {
                    await using var bench = await BenchStore.OpenAsync(backend, Path.Combine(root, $"{backend}-folder"), connection, server);
                    var folder = await FillFolderAsync(bench, messages);
                    if (what is "all" or "state")
                    {
                        await FolderStateAsync(bench, folder, messages);
                    }

                    if (what is "all" or "flags")
                    {
                        await FlagsAsync(bench, folder);
                    }
                }
            }
        }
        finally
        {
            server?.Stop();
            Directory.Delete(root, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"| Benchmark | Backend | Measured | Target | |   (load {Load()})");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (w, b, m, t, met) in s_summary)
        {
            Console.WriteLine($"| {w} | {b} | {m} | {t} | {(met ? "met" : "NOT met")} |");
        }

        return 0;
    }

    /// <summary>Deliveries of distinct 10 KB messages, each to one of 16 mailboxes, by <paramref name="writers"/> concurrent writers.</summary>
    private static async Task DeliveriesAsync(BenchStore bench, int writers, TimeSpan duration)
    {
        var boxes = new List<long>();
        for (var i = 0; i < 16; i++)
        {
            boxes.Add((await bench.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"service{i}-{bench.Tag}@{Domain}"), MailboxKind.Org, PrincipalRef.Structure("312345678900018")), CancellationToken.None)).Id);
        }

        var warmUp = TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds / 4));
        var measuring = false;
        var stop = false;
        var latencies = new List<double>[writers];
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = latencies[w] = [];
            while (!Volatile.Read(ref stop))
            {
                var content = Message(random);
                var box = boxes[random.Next(boxes.Count)];
                var started = Stopwatch.GetTimestamp();
                var result = await bench.Store.AcceptAsync(new AcceptedMessage(content, DateTimeOffset.UtcNow, null, [box], [], null, true), CancellationToken.None);
                if (!result.AllLocalDelivered)
                {
                    throw new InvalidOperationException("refused: " + result.Local[0].Reason);
                }

                if (Volatile.Read(ref measuring))
                {
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToList();

        await Task.Delay(warmUp);
        Volatile.Write(ref measuring, true);
        var measured = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, false);
        var elapsed = measured.Elapsed;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);
        var all = latencies.SelectMany(l => l).Order().ToList();
        var rate = all.Count / elapsed.TotalSeconds;
        Console.WriteLine($"[{bench.Backend}] deliveries, {writers} writer(s), 10 KB: {all.Count:N0} in {elapsed.TotalSeconds:F1} s = {rate:N0}/s; latency p50 {Percentile(all, 0.5):F2} ms, p99 {Percentile(all, 0.99):F2} ms; {Summary(bench.Store)}; load {Load()}");
        var target = writers >= 16 ? 2_000 : 0;
        s_summary.Add(($"deliveries/s, 10 KB, {writers} writer(s)", bench.Backend, $"{rate:N0}/s (p50 {Percentile(all, 0.5):F1} ms)", target > 0 ? "≥ 2,000/s" : "—", rate >= target));
    }

    /// <summary>A folder of <paramref name="count"/> messages (one small content: what is measured is metadata), with some flags and keywords.</summary>
    private static async Task<long> FillFolderAsync(BenchStore bench, int count)
    {
        var box = await bench.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"archives-{bench.Tag}@{Domain}"), MailboxKind.Org, PrincipalRef.Structure("312345678900018")), CancellationToken.None);
        var folder = await bench.Store.CreateFolderAsync(box.Id, "Archives", null, CancellationToken.None);
        var content = Encoding.ASCII.GetBytes("From: a@b.test\r\nSubject: archive\r\n\r\nx\r\n");
        var watch = Stopwatch.StartNew();
        const int Batch = 1_000;
        for (var first = 0; first < count; first += Batch)
        {
            var batch = Enumerable.Range(first, Math.Min(Batch, count - first))
                .Select(i => new AppendMessage(content, i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None, i % 10 == 0 ? ["$Important"] : []))
                .ToList();
            await bench.Store.AppendAsync(folder.Id, batch, CancellationToken.None);
        }

        Console.WriteLine($"[{bench.Backend}] filled a folder with {count:N0} messages in {watch.Elapsed.TotalSeconds:F1} s (APPEND of {Batch:N0} at a time)");
        return folder.Id;
    }

    /// <summary>
    /// The state of the large folder three ways: read whole (the node's folder-state cache emptied before each
    /// load: a node's first SELECT of the folder), unchanged since the last load (served from the cache), and
    /// after 10 messages' flags changed (merged from the changed rows). The target is taken on the first.
    /// </summary>
    private static bool s_vacuumed;

    private static async Task FolderStateAsync(BenchStore bench, long folderId, int count)
    {
        var random = new Random(3);
        var modes = new (string Name, Func<Task>? Before, bool Cold)[]
        {
            ("read whole", () => { bench.Store.FolderStates.Clear(); return Task.CompletedTask; }, true),
            ("unchanged since the last load", null, false),
            ("after 10 flag changes", () => bench.Store.StoreFlagsAsync(folderId, [.. Enumerable.Range(0, 10).Select(_ => (long)random.Next(1, count + 1))], FlagChange.Add(MessageFlags.Seen), null, CancellationToken.None), false),
        };
        if (bench.ConnectionString is not null)
        {
            // The folder was just filled: autovacuum has not yet set the visibility map, so every row is
            // checked on its heap page. In service autovacuum runs within a minute of such a load.
            modes = [.. modes, ("read whole, after VACUUM", async () =>
            {
                bench.Store.FolderStates.Clear();
                if (!s_vacuumed)
                {
                    await using var connection = new Npgsql.NpgsqlConnection(bench.ConnectionString);
                    await connection.OpenAsync();
                    await using var vacuum = new Npgsql.NpgsqlCommand("VACUUM (ANALYZE) messages;", connection);
                    await vacuum.ExecuteNonQueryAsync();
                    s_vacuumed = true;
                }
            }, true)];
        }

        foreach (var (name, before, cold) in modes)
        {
            var times = new List<double>();
            for (var i = 0; i < 23; i++)
            {
                if (before is not null)
                {
                    await before();
                }

                var watch = Stopwatch.StartNew();
                var state = await bench.Store.LoadFolderStateAsync(folderId, CancellationToken.None);
                var ms = watch.Elapsed.TotalMilliseconds;
                if (state.Messages.Length != count)
                {
                    throw new InvalidOperationException($"the folder holds {state.Messages.Length} messages");
                }

                if (i >= 3)
                {
                    times.Add(ms); // the first three are warm-up (JIT, page cache)
                }
            }

            times.Sort();
            Console.WriteLine($"[{bench.Backend}] folder state, {count:N0} messages, {name}: median {Percentile(times, 0.5):F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms (20 loads); load {Load()}");
            s_summary.Add(($"folder state, {count:N0} messages, {name}", bench.Backend, $"{Percentile(times, 0.5):F1} ms median", cold ? "≤ 50 ms" : "—", !cold || Percentile(times, 0.5) <= 50));
        }

        Console.WriteLine($"[{bench.Backend}] folder-state cache: {bench.Store.FolderStates.Hits} hits, {bench.Store.FolderStates.Merges} merges, {bench.Store.FolderStates.Misses} whole reads");
    }

    private static async Task FlagsAsync(BenchStore bench, long folderId)
    {
        var range = Enumerable.Range(1, 10_000).Select(i => (long)i).ToList();
        var scattered = Enumerable.Range(0, 10_000).Select(i => (long)(2 * i) + 1).ToList();
        foreach (var (name, uids) in new[] { ("10,000 flags, one UID range", range), ("10,000 flags, scattered UIDs (every other)", scattered) })
        {
            var times = new List<double>();
            for (var i = 0; i < 12; i++)
            {
                var change = i % 2 == 0 ? FlagChange.Add(MessageFlags.Flagged) : FlagChange.Remove(MessageFlags.Flagged);
                var watch = Stopwatch.StartNew();
                var result = await bench.Store.StoreFlagsAsync(folderId, uids, change, null, CancellationToken.None);
                var ms = watch.Elapsed.TotalMilliseconds;
                if (result.Changed.Count != uids.Count)
                {
                    throw new InvalidOperationException($"{result.Changed.Count} messages changed");
                }

                if (i >= 2)
                {
                    times.Add(ms); // the first two are warm-up
                }
            }

            times.Sort();
            Console.WriteLine($"[{bench.Backend}] {name}: median {Percentile(times, 0.5):F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms (10 STOREs); load {Load()}");
            var isTarget = ReferenceEquals(uids, range);
            s_summary.Add((name, bench.Backend, $"{Percentile(times, 0.5):F1} ms median", isTarget ? "≤ 100 ms" : "—", !isTarget || Percentile(times, 0.5) <= 100));
        }
    }

    /// <summary>Diagnostic: where one delivery's time goes, one writer, on SQLite (views, naming, encryption, file + fsync, the whole delivery).</summary>
    private static async Task ProfileAsync(string dir)
    {
        var root = Directory.CreateDirectory(Path.Combine(dir, "caducee-storeprofile-" + Environment.ProcessId)).FullName;
        try
        {
            await using var bench = await BenchStore.OpenAsync("sqlite", root, null, null);
            var box = await bench.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"p@{Domain}"), MailboxKind.Org, PrincipalRef.Structure("312345678900018")), CancellationToken.None);
            var random = new Random(1);
            var messages = Enumerable.Range(0, 600).Select(_ => Message(random)).ToList();
            var key = bench.Store.Keys.CurrentFor(Domain);
            var t = new Dictionary<string, double>();
            void Time(string name, Action action)
            {
                var w = Stopwatch.StartNew();
                action();
                t[name] = t.GetValueOrDefault(name) + w.Elapsed.TotalMilliseconds;
            }

            foreach (var m in messages.Take(100))
            {
                MessageViews.Compute(m); // warm-up
            }

            foreach (var m in messages.Skip(100).Take(500))
            {
                Time("views (MIME parse, ENVELOPE, BODYSTRUCTURE)", () => MessageViews.Compute(m));
                Time("blob name (HMAC-SHA256)", () => bench.Store.Keys.NameOf(m));
                Time("encryption (AES-256-GCM)", () => Keyring.Seal(key, m, "x"u8));
                var file = Path.Combine(root, "fsync-probe");
                Time("file write + fsync + rename", () =>
                {
                    using (var fs = new FileStream(file + ".tmp", FileMode.Create, FileAccess.Write))
                    {
                        fs.Write(m);
                        fs.Flush(flushToDisk: true);
                    }

                    File.Move(file + ".tmp", file, overwrite: true);
                });
            }

            foreach (var m in messages.Skip(100).Take(500))
            {
                var w = Stopwatch.StartNew();
                await bench.Blobs.PutAsync(m, key, CancellationToken.None);
                t["FileBlobStore.PutAsync (all of the above but views)"] = t.GetValueOrDefault("FileBlobStore.PutAsync (all of the above but views)") + w.Elapsed.TotalMilliseconds;
            }

            foreach (var m in messages.Skip(100).Take(500))
            {
                var w = Stopwatch.StartNew();
                await bench.Store.AcceptAsync(new AcceptedMessage(m, DateTimeOffset.UtcNow, null, [box.Id], [], null, true), CancellationToken.None);
                t["AcceptAsync (everything, one writer)"] = t.GetValueOrDefault("AcceptAsync (everything, one writer)") + w.Elapsed.TotalMilliseconds;
            }

            foreach (var (name, total) in t)
            {
                Console.WriteLine($"{name,-55} {total / 500:F3} ms per 10 KB message");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static byte[] Message(Random random)
    {
        var body = new byte[(MessageSize - 200) * 3 / 4];
        random.NextBytes(body);
        var text = Convert.ToBase64String(body, Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes($"From: <a@autre.mssante.fr>\r\nTo: <service@{Domain}>\r\nSubject: Compte rendu\r\nMIME-Version: 1.0\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{text}\r\n");
    }

    private static async Task<(string Connection, PostgresServer? Server)> PostgresAsync(Dictionary<string, string> options, PostgresServer? server)
    {
        var given = options.GetValueOrDefault("connection") ?? Environment.GetEnvironmentVariable("CADUCEE_BENCH_POSTGRES");
        if (given is not null)
        {
            return (given, server);
        }

        server ??= await PostgresServer.StartAsync(durable: true);
        Console.WriteLine($"[postgres] private server on 127.0.0.1:{server.Port} (fsync on, synchronous_commit on)");
        return (string.Empty, server);
    }

    private static string Summary(SqlMailStore store) => store.Dialect.Name;

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static string Load()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Get(Dictionary<string, string> options, string name, string fallback) => options.GetValueOrDefault(name) ?? fallback;

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    /// <summary>A migrated store with the bench domain, over a fresh folder (and a fresh database for PostgreSQL).</summary>
    private sealed class BenchStore : IAsyncDisposable
    {
        private readonly PostgresServer? _server;
        private readonly string? _database;

        private BenchStore(string backend, SqlMailStore store, PostgresServer? server, string? database)
        {
            Backend = backend;
            Store = store;
            _server = server;
            _database = database;
        }

        public string Backend { get; }

        public SqlMailStore Store { get; }

        public FileBlobStore Blobs { get; private init; } = null!;

        /// <summary>PostgreSQL: the benchmark's database (to VACUUM it as autovacuum would).</summary>
        public string? ConnectionString { get; private init; }

        /// <summary>Makes this run's mailbox names unique (an existing database given with --connection keeps older ones).</summary>
        public string Tag { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));

        public static async Task<BenchStore> OpenAsync(string backend, string dir, string? connection, PostgresServer? server)
        {
            Directory.CreateDirectory(dir);
            var keys = new Keyring(MasterKey.Generate());
            var blobs = new FileBlobStore(Path.Combine(dir, "blobs"), keys, groupFlush: Environment.GetEnvironmentVariable("CADUCEE_BENCH_BLOB_FLUSH") != "file");
            string? database = null;
            SqlMailStore store;
            if (backend == "postgres")
            {
                if (string.IsNullOrEmpty(connection))
                {
                    database = await server!.CreateDatabaseAsync("bench");
                    connection = server.ConnectionString(database);
                }

                store = new PostgresMailStore(connection, blobs, keys);
            }
            else
            {
                store = new SqliteMailStore(Path.Combine(dir, "caducee.db"), blobs, keys);
            }

            await store.MigrateAsync(CancellationToken.None);
            await store.AddDomainAsync(Domain, CancellationToken.None);
            return new BenchStore(backend, store, server, database) { Blobs = blobs, ConnectionString = backend == "postgres" ? connection : null };
        }

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            if (_server is not null && _database is not null)
            {
                await _server.DropDatabaseAsync(_database);
            }
        }
    }
}
