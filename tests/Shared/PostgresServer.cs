// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Caducee.Testing;

/// <summary>
/// A private PostgreSQL server for the tests of one test process (issue 4 point 3): <c>initdb</c> into a
/// temporary folder, <c>pg_ctl start</c> on a free port of 127.0.0.1 (never a fixed one), as the
/// <c>postgres</c> user when the tests run as root (PostgreSQL refuses to run as root). Started on first
/// use, shared by the test classes of the process (each creates its own database), stopped and deleted
/// when the process exits, and by a watchdog should the process be killed. If it cannot start, every
/// test that asks for it fails with the reason (never skipped).
/// </summary>
/// <remarks>
/// Test settings: <c>fsync=off</c> (the tests kill clients, never the server, and need speed; the server's
/// own durability is PostgreSQL's), <c>deadlock_timeout=100ms</c> (what docs/store.md recommends for
/// several nodes). Link this file into a test project with
/// <c>&lt;Compile Include="../Shared/PostgresServer.cs" Link="Shared/PostgresServer.cs" /&gt;</c>; it needs
/// Npgsql (any project referencing Caducee.Storage.Postgres has it).
/// </remarks>
public sealed class PostgresServer
{
    private const string Admin = "caducee_admin";
    private const string Owner = "caducee";
    private static readonly Lazy<Task<PostgresServer>> s_shared = new(() => StartAsync(durable: false), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string _root;
    private readonly string _bin;
    private readonly string? _runAs;
    private readonly string _password;
    private int _stopped;

    private PostgresServer(string root, string bin, string? runAs, string password, int port)
    {
        _root = root;
        _bin = bin;
        _runAs = runAs;
        _password = password;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The data folder (tests read database files from it).</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A superuser connection to the maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres", Admin);

    /// <summary>The server of this test process, started on first call.</summary>
    public static Task<PostgresServer> SharedAsync() => s_shared.Value;

    /// <summary>A connection string for <paramref name="database"/> as the owner role (not a superuser, like a node).</summary>
    public string ConnectionString(string database) => ConnectionString(database, Owner);

    /// <summary>Creates an empty database owned by the store's role; returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
        await AdminAsync($"CREATE DATABASE \"{name}\" OWNER {Owner};");
        return name;
    }

    public Task DropDatabaseAsync(string name) => AdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);");

    /// <summary>Runs SQL as the superuser on the maintenance database.</summary>
    public async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Every byte PostgreSQL keeps on disk for <paramref name="database"/>: its relation files (after a
    /// CHECKPOINT wrote the shared buffers out) and the write-ahead log.
    /// </summary>
    public byte[] RawDatabaseBytes(string database)
    {
        long oid;
        using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            connection.Open();
            using (var checkpoint = new NpgsqlCommand("CHECKPOINT;", connection))
            {
                checkpoint.ExecuteNonQuery();
            }

            using var cmd = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = @n;", connection);
            cmd.Parameters.AddWithValue("n", database);
            oid = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        using var all = new MemoryStream();
        var folders = new[] { Path.Combine(DataDirectory, "base", oid.ToString(CultureInfo.InvariantCulture)), Path.Combine(DataDirectory, "pg_wal") };
        foreach (var file in folders.SelectMany(f => Directory.EnumerateFiles(f)))
        {
            using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            fs.CopyTo(all);
        }

        return all.ToArray();
    }

    private string ConnectionString(string database, string user) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = user,
            Password = _password,
            Timeout = 30,
        }.ConnectionString;

    /// <summary>
    /// Starts a new private server (the benchmarks use this with <paramref name="durable"/> true: fsync and
    /// full-page writes on, as in production). It stops when this process exits, or with <see cref="Stop"/>.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH: run ./build.sh deps, which installs the Debian package postgresql");
        var runAs = Environment.UserName == "root" || GetEffectiveUserId() == 0 ? "postgres" : null;
        // As root the server runs as postgres, which must reach the folder: /tmp, whatever TMPDIR says.
        var root = runAs is null
            ? Directory.CreateTempSubdirectory("caducee-pg-").FullName
            : Directory.CreateDirectory(Path.Combine("/tmp", "caducee-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)))).FullName;
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(root, "password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (runAs is not null)
        {
            // PostgreSQL refuses to run as root: the folder becomes the postgres user's.
            await RunAsync("chown", ["-R", $"{runAs}:", root], null, TimeSpan.FromSeconds(30));
        }

        var data = Path.Combine(root, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", Admin, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"], runAs, TimeSpan.FromMinutes(2));
        File.Delete(passwordFile);

        string? failure = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            var durability = durable ? "-c fsync=on -c full_page_writes=on" : "-c fsync=off -c full_page_writes=off";
            var options = string.Join(' ', $"-p {port}", $"-k {root}", "-c listen_addresses=127.0.0.1", durability, "-c max_connections=300", "-c shared_buffers=128MB", "-c deadlock_timeout=100ms");
            try
            {
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"], runAs, TimeSpan.FromSeconds(90));
            }
            catch (InvalidOperationException ex)
            {
                // Most likely the port was taken between the probe and the start: another one.
                failure = ex.Message + "\n" + Tail(Path.Combine(root, "server.log"));
                continue;
            }

            var server = new PostgresServer(root, bin, runAs, password, port);
            server.StartWatchdog();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
            await server.AdminAsync($"CREATE ROLE {Owner} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE;");
            return server;
        }

        throw new InvalidOperationException($"the test PostgreSQL server (binaries {bin}, folder {root}) did not start: {failure}");
    }

    /// <summary>Stops the server at once and deletes its folder.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "20", "stop"], _runAs, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped (the watchdog, or a crash): the folder goes anyway.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog deletes it.
        }
    }

    /// <summary>A shell that outlives this process only to stop the server and delete its folder if it dies without doing so.</summary>
    private void StartWatchdog()
    {
        var prefix = _runAs is null ? string.Empty : $"runuser -u {_runAs} -- ";
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done
            {prefix}'{Path.Combine(_bin, "pg_ctl")}' -D '{DataDirectory}' -m immediate -w -t 20 stop
            rm -rf '{_root}'
            """;
        var start = new ProcessStartInfo("setsid") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "sh", "-c", script })
        {
            start.ArgumentList.Add(arg);
        }

        using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("cannot start the PostgreSQL watchdog (setsid)");
        watchdog.WaitForExit(10_000);
    }

    private static async Task RunAsync(string program, string[] args, string? runAs, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (runAs is not null)
        {
            foreach (var a in new[] { "-u", runAs, "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }

    private static string? FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin"))
            : [];
        candidates = candidates.Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string file)
    {
        try
        {
            var lines = File.ReadAllLines(file);
            return string.Join('\n', lines.TakeLast(15));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static uint GetEffectiveUserId()
    {
        try
        {
            // /proc/self/status: "Uid: real effective saved fs".
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 2 } && uint.TryParse(fields[2], CultureInfo.InvariantCulture, out var euid) ? euid : uint.MaxValue;
        }
        catch (IOException)
        {
            return uint.MaxValue;
        }
    }
}
