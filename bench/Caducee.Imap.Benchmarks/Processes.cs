// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Caducee.Imap.Benchmarks;

/// <summary>The node under test: `caducee serve` from the Host's Release build in its own process (its memory is what is measured).</summary>
internal sealed class CaduceeNode : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly StringBuilder _head = new();

    private CaduceeNode(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int ProcessId => _process.Id;

    public static CaduceeNode Start(string config, string logFile)
    {
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "Caducee.Host", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name, "caducee.dll"));
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the Host first (./build.sh bench imap does)", dll);
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--config", config })
        {
            info.ArgumentList.Add(a);
        }

        var node = new CaduceeNode(Process.Start(info)!, new StreamWriter(logFile) { AutoFlush = false });
        node._process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Resident memory of the server process now (VmRSS) and its peak (VmHWM), in bytes.</summary>
    public (long Rss, long Peak) Memory() => ProcessMemory(_process.Id);

    public static (long Rss, long Peak) ProcessMemory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            static long Kb(string l) => long.Parse(l.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kb(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>Open file descriptors of the server process.</summary>
    public int OpenFiles() => Directory.GetFiles($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/fd").Length;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
            if (_head.Length < 64 * 1024)
            {
                _head.AppendLine(line);
            }
        }
    }

    public async Task WaitUntilRunningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_log)
            {
                if (_head.ToString().Contains("Caducée node running", StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                lock (_log)
                {
                    throw new InvalidOperationException("caducee serve did not start:\n" + _head);
                }
            }

            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}

/// <summary>
/// A private Dovecot (Debian's) for the comparison: Maildir, STARTTLS with a bench certificate, one user, its own
/// base, state and log folders, and an IMAP port chosen at run time (the configuration the lead checked,
/// briefs/dovecot-sample.conf, with the fixed port replaced), run in the foreground (-F) as a child of the bench:
/// daemonized, it kept the bench's output pipes and its first login waited minutes. Needs root (Dovecot's login
/// processes drop to dovenull).
/// </summary>
internal sealed class DovecotInstance : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;

    private DovecotInstance(string baseDir, int port)
    {
        BaseDir = baseDir;
        Port = port;
        _config = Path.Combine(baseDir, "dovecot.conf");
    }

    public string BaseDir { get; }

    public int Port { get; }

    public const string User = "user1";

    public const string Password = "secret";

    public string Maildir => Path.Combine(BaseDir, "mail", User, "Maildir");

    /// <summary>Writes the configuration and the user's Maildir (messages converted to LF line ends, as a local delivery writes them); does not start.</summary>
    public static async Task<DovecotInstance> CreateAsync(string certificateChain, string key, IEnumerable<byte[]> messages)
    {
        // A folder of its own, outside the bench's private (0700) one: Dovecot's unprivileged processes (auth,
        // imap-login as dovenull) must reach its sockets and the mail, or the login never gets its greeting.
        var baseDir = Directory.CreateTempSubdirectory("caducee-dovecot-").FullName;
        File.SetUnixFileMode(baseDir, (UnixFileMode)0b111_101_101);
        var (uid, gid) = UserIds("dovenull");
        var port = FreePort();
        var instance = new DovecotInstance(baseDir, port);
        File.Copy(certificateChain, Path.Combine(baseDir, "cert.pem"), overwrite: true);
        File.Copy(key, Path.Combine(baseDir, "key.pem"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(baseDir, "passwd"), $"{User}:{{PLAIN}}{Password}:{uid}:{gid}::{baseDir}/mail/{User}\n");
        await File.WriteAllTextAsync(instance._config, Config(baseDir, port));
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(instance.Maildir, sub));
        }

        var n = 0;
        foreach (var message in messages)
        {
            n++;
            var name = $"1767225600.M{n.ToString(CultureInfo.InvariantCulture)}P1.bench:2,";
            await File.WriteAllBytesAsync(Path.Combine(instance.Maildir, "cur", name), ToLf(message));
        }

        await RunAsync("chown", "-R", $"{uid}:{gid}", Path.Combine(baseDir, "mail"));
        return instance;
    }

    /// <summary>Starts Dovecot in the foreground as this process's child (no daemon holding our pipes), then waits for its greeting.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dovecot") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-F", "-c", _config })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, Port);
                using var reader = new StreamReader(tcp.GetStream());
                if ((await reader.ReadLineAsync())?.StartsWith("* OK", StringComparison.Ordinal) == true)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException && DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(cts.Token);
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(BaseDir, recursive: true);
        }
        catch (IOException)
        {
            // A process still finishing; the folder is left.
        }
    }

    public string Log => File.Exists(Path.Combine(BaseDir, "dovecot.log")) ? File.ReadAllText(Path.Combine(BaseDir, "dovecot.log")) : string.Empty;

    private static string Config(string b, int port) => $$"""
        base_dir = {{b}}/run
        state_dir = {{b}}/state
        log_path = {{b}}/dovecot.log
        protocols = imap
        listen = 127.0.0.1
        ssl = yes
        ssl_cert = <{{b}}/cert.pem
        ssl_key = <{{b}}/key.pem
        ssl_min_protocol = TLSv1.2
        disable_plaintext_auth = yes
        auth_mechanisms = plain
        passdb {
          driver = passwd-file
          args = scheme=PLAIN {{b}}/passwd
        }
        userdb {
          driver = passwd-file
          args = {{b}}/passwd
        }
        mail_location = maildir:~/Maildir
        service imap-login {
          chroot =
          inet_listener imap {
            address = 127.0.0.1
            port = {{port}}
          }
          inet_listener imaps {
            port = 0
          }
        }
        service anvil {
          chroot =
        }

        default_login_user = dovenull
        default_internal_user = dovecot
        first_valid_uid = 100

        """;

    public static byte[] ToLf(byte[] crlf) => Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(crlf).Replace("\r\n", "\n", StringComparison.Ordinal));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (string Uid, string Gid) UserIds(string user)
    {
        var line = File.ReadLines("/etc/passwd").FirstOrDefault(l => l.StartsWith(user + ":", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no user {user}: install dovecot-imapd (./build.sh deps)");
        var parts = line.Split(':');
        return (parts[2], parts[3]);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{output}");
        }
    }
}
