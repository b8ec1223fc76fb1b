// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Postgres;
using Caducee.Storage.Sql;
using Caducee.Storage.Sqlite;
using Caducee.Testing;
using Xunit.Abstractions;

namespace Caducee.Storage.Tests;

/// <summary>
/// Issue 4 point 4: a real child process (tests/Caducee.Storage.CrashWorker) makes 1,000 concurrent
/// deliveries through the store and acknowledges each on stdout once <c>AcceptAsync</c> returned; it is
/// killed with SIGKILL at a random point, 20 times over the same store. After each kill the store is
/// opened again and: every acknowledged delivery is there with its blob readable and intact (SHA-256),
/// no partial message is visible (every message row has a readable blob of its size, counters agree),
/// UIDs are strictly increasing and never given twice, and the UIDs of a run are above every UID of the
/// runs before (never reused after a crash).
/// </summary>
public abstract class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Kills = 20;
    private const int Deliveries = 1_000;
    private const string Domain = "crash.mssante.test";

    protected DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("caducee-crash-");

    private string KeyFile => Path.Combine(Dir.FullName, "master.key");

    private string BlobDir => Path.Combine(Dir.FullName, "blobs");

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The backend's first two arguments for the worker, and its environment.</summary>
    protected abstract (string Provider, string Database, IReadOnlyDictionary<string, string> Environment) WorkerBackend();

    /// <summary>A store over the data the worker wrote (not migrated yet).</summary>
    protected abstract SqlMailStore OpenStore(FileBlobStore blobs, Keyring keys);

    [Fact]
    public async Task SIGKILL_during_1000_concurrent_deliveries_loses_no_acknowledged_message_and_shows_no_partial_one_issue4_point4()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var highestBefore = new Dictionary<long, long>(); // mailbox → highest INBOX UID after the previous runs
        var acknowledged = 0;
        var kills = 0;
        var watch = Stopwatch.StartNew();
        for (var run = 0; kills < Kills; run++)
        {
            Assert.True(run < Kills + 5, $"the worker finished before being killed too often (seed {seed})");
            // Kill after a random number of acknowledgements, sometimes at once (deliveries in flight, none
            // acknowledged). All 1,000 are started at once, so hundreds are in flight whenever the kill comes.
            var killAfter = random.Next(5) == 0 ? 0 : random.Next(1, 400);
            var result = await RunWorkerUntilKilledAsync(run, killAfter);
            kills += result.Killed ? 1 : 0;
            acknowledged += result.Acks.Count;
            output.WriteLine($"run {run}: killed {result.Killed} after {result.Acks.Count} acknowledgements (asked {killAfter}), ready after {result.Ready.TotalSeconds:F2} s, {watch.Elapsed.TotalSeconds:F1} s in all");
            await VerifyAsync(result, highestBefore, fullCheck: kills == Kills, $"run {run}, seed {seed}");
        }

        Assert.True(acknowledged > 0, "some deliveries were acknowledged before the kills");
    }

    private async Task<WorkerRun> RunWorkerUntilKilledAsync(int run, int killAfter)
    {
        var (provider, database, environment) = WorkerBackend();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { WorkerPath, provider, database, BlobDir, KeyFile, run.ToString(CultureInfo.InvariantCulture), Deliveries.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the crash worker");
        var errors = process.StandardError.ReadToEndAsync();
        var acks = new List<Ack>();
        var mailboxes = Array.Empty<long>();
        var killed = false;
        var done = false;
        var started = Stopwatch.StartNew();
        var ready = TimeSpan.Zero;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stream = process.StandardOutput.BaseStream;
        var pending = new List<byte>();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                break; // a line without its newline at this point was cut by the kill: not an acknowledgement
            }

            foreach (var b in buffer.AsSpan(0, n))
            {
                if (b != (byte)'\n')
                {
                    pending.Add(b);
                    continue;
                }

                var line = Encoding.UTF8.GetString([.. pending]);
                pending.Clear();
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    mailboxes = [.. line[6..].Split(' ').Select(long.Parse)];
                    ready = started.Elapsed;
                }
                else if (line == "DONE")
                {
                    done = true;
                }
                else
                {
                    acks.Add(Ack.Parse(line));
                }

                if (!killed && mailboxes.Length > 0 && acks.Count >= killAfter && !done)
                {
                    process.Kill(); // SIGKILL: no finally, no flush, no dispose
                    killed = true;
                }
            }
        }

        await process.WaitForExitAsync(timeout.Token);
        var stderr = await errors;
        Assert.True(killed || process.ExitCode == 0, $"the worker failed on its own ({process.ExitCode}): {stderr}");
        Assert.True(mailboxes.Length == 4, $"the worker never became ready: {stderr}");
        return new WorkerRun(run, mailboxes, acks, killed && process.ExitCode != 0) { Ready = ready };
    }

    private async Task VerifyAsync(WorkerRun run, Dictionary<long, long> highestBefore, bool fullCheck, string context)
    {
        var keys = new Keyring(MasterKey.Load(KeyFile));
        var blobs = new FileBlobStore(BlobDir, keys);
        await using var store = OpenStore(blobs, keys);
        await store.MigrateAsync(CancellationToken.None);
        var highestNow = new Dictionary<long, long>();
        var messages = new Dictionary<(long Mailbox, long Uid), (string Blob, long Size)>();
        foreach (var mailbox in run.Mailboxes)
        {
            var inbox = (await store.GetFolderAsync(mailbox, "INBOX", CancellationToken.None))!;
            var list = await store.ListMessagesAsync(inbox.Id, CancellationToken.None);
            var uids = list.Select(m => m.Uid).ToList();
            Assert.True(uids.Zip(uids.Skip(1)).All(p => p.First < p.Second), $"UIDs strictly increasing, no duplicate ({context})");
            Assert.True(inbox.UidNext > (uids.Count == 0 ? 0 : uids[^1]), $"UIDNEXT above every UID ({context})");
            Assert.Equal(list.Count, inbox.MessageCount);
            Assert.Equal(list.Sum(m => m.Size), inbox.TotalSize);
            var before = highestBefore.GetValueOrDefault(mailbox);

            // No partial message: every row the crash may have left (the new ones; all of them at the end)
            // has its blob, readable, of the recorded size.
            foreach (var m in list.Where(m => fullCheck || m.Uid > before))
            {
                var bytes = await blobs.ReadAsync(m.BlobId, CancellationToken.None);
                Assert.True(bytes.Length == m.Size, $"message {mailbox}:{m.Uid} has a blob of {bytes.Length} bytes, not {m.Size} ({context})");
            }

            foreach (var m in list)
            {
                messages[(mailbox, m.Uid)] = (m.BlobId, m.Size);
            }

            highestNow[mailbox] = uids.Count == 0 ? 0 : uids[^1];
        }

        // Every acknowledged delivery is there, in every mailbox it named, with intact content; its UIDs are
        // above everything the previous runs left (UIDs are never given again after a crash).
        var checkedBlobs = new Dictionary<string, string>();
        foreach (var ack in run.Acks)
        {
            foreach (var (mailbox, uid) in ack.Deliveries)
            {
                Assert.True(messages.TryGetValue((mailbox, uid), out var stored), $"acknowledged delivery {ack.Run}-{ack.Seq} to {mailbox}:{uid} is missing ({context})");
                Assert.Equal((ack.Blob, ack.Size), stored);
            }

            if (!checkedBlobs.TryGetValue(ack.Blob, out var sha))
            {
                sha = Convert.ToHexStringLower(SHA256.HashData(await blobs.ReadAsync(ack.Blob, CancellationToken.None)));
                checkedBlobs[ack.Blob] = sha;
            }

            Assert.True(sha == ack.Sha256, $"the content of {ack.Run}-{ack.Seq} changed ({context})");
        }

        var lowestNew = run.Acks.SelectMany(a => a.Deliveries).GroupBy(d => d.Mailbox).ToDictionary(g => g.Key, g => g.Min(d => d.Uid));
        foreach (var (mailbox, lowest) in lowestNew)
        {
            Assert.True(lowest > highestBefore.GetValueOrDefault(mailbox), $"run {run.Number} got UID {lowest} in {mailbox}, not above the previous runs' ({context})");
        }

        foreach (var (mailbox, highest) in highestNow)
        {
            highestBefore[mailbox] = highest;
        }
    }

    private static string WorkerPath
    {
        get
        {
            // artifacts/bin/Caducee.Storage.Tests/<config>/ → artifacts/bin/Caducee.Storage.CrashWorker/<config>/
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var worker = Path.Combine(testDir.Parent!.Parent!.FullName, "Caducee.Storage.CrashWorker", testDir.Name, "Caducee.Storage.CrashWorker.dll");
            return File.Exists(worker) ? worker : throw new FileNotFoundException("the crash worker is not built (dotnet build Caducee.slnx)", worker);
        }
    }

    private sealed record Ack(int Run, int Seq, string Sha256, long Size, string Blob, IReadOnlyList<(long Mailbox, long Uid)> Deliveries)
    {
        public static Ack Parse(string line)
        {
            var f = line.Split(' ');
            Assert.True(f.Length >= 7 && f[0] == "ACK", $"unexpected worker output: {line}");
            var deliveries = f[6..].Select(d => d.Split(':')).Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
            return new Ack(int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[3], long.Parse(f[4], CultureInfo.InvariantCulture), f[5], deliveries);
        }
    }

    private sealed record WorkerRun(int Number, long[] Mailboxes, List<Ack> Acks, bool Killed)
    {
        /// <summary>From the start of the process to READY (the store opened).</summary>
        public TimeSpan Ready { get; init; }
    }
}

/// <summary>The crash test on SQLite (WAL, synchronous=FULL).</summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : CrashTests(output)
{
    private string Database => Path.Combine(Dir.FullName, "caducee.db");

    protected override (string Provider, string Database, IReadOnlyDictionary<string, string> Environment) WorkerBackend() =>
        ("sqlite", Database, new Dictionary<string, string>());

    protected override SqlMailStore OpenStore(FileBlobStore blobs, Keyring keys) => new SqliteMailStore(Database, blobs, keys);
}

/// <summary>The crash test on PostgreSQL (the client is killed; the server's connection ends mid-transaction).</summary>
public sealed class PostgresCrashTests(ITestOutputHelper output) : CrashTests(output)
{
    private PostgresServer _server = null!;
    private string _database = null!;

    public override async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _database = await _server.CreateDatabaseAsync("crash");
    }

    public override async Task DisposeAsync()
    {
        await _server.DropDatabaseAsync(_database);
        await base.DisposeAsync();
    }

    protected override (string Provider, string Database, IReadOnlyDictionary<string, string> Environment) WorkerBackend() =>
        ("postgres", "-", new Dictionary<string, string> { ["CADUCEE_CRASH_CONNECTION"] = _server.ConnectionString(_database) });

    protected override SqlMailStore OpenStore(FileBlobStore blobs, Keyring keys) => new PostgresMailStore(_server.ConnectionString(_database), blobs, keys);
}
