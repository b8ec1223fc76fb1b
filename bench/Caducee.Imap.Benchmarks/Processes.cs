// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Caducee.Imap.Benchmarks;

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
