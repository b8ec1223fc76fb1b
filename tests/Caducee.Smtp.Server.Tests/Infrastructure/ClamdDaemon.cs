// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>
/// A real clamd (Debian's clamav-daemon) started by the test on a private unix socket and folder, with a
/// signature database written here for the EICAR test string (no freshclam, no network). Stopped by its
/// process id when disposed.
/// </summary>
public sealed class ClamdDaemon : IAsyncLifetime
{
    /// <summary>The signature name clamd reports (it marks signatures that are not ClamAV's own "UNOFFICIAL").</summary>
    public const string Signature = "Caducee.Test.EICAR.UNOFFICIAL";

    private Process? _process;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("caducee-clamd-");

    public string Socket => Path.Combine(Directory.FullName, "clamd.sock");

    /// <summary>The EICAR anti-virus test file (68 octets), put together here so this source file itself is not flagged.</summary>
    public static byte[] Eicar => Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS" + "-TEST-FILE!$H+H*");

    public async Task InitializeAsync()
    {
        var db = Directory.CreateSubdirectory("db");
        Directory.CreateSubdirectory("tmp");
        // .ndb body signature (Name:TargetType:Offset:HexSignature): the EICAR marker anywhere in any file,
        // including inside a decoded MIME attachment.
        await File.WriteAllTextAsync(Path.Combine(db.FullName, "caducee-test.ndb"), $"Caducee.Test.EICAR:0:*:{Convert.ToHexStringLower("EICAR-STANDARD-ANTIVIRUS-TEST-FILE"u8)}\n");
        var config = Path.Combine(Directory.FullName, "clamd.conf");
        await File.WriteAllTextAsync(config, $"""
            LocalSocket {Socket}
            DatabaseDirectory {db.FullName}
            TemporaryDirectory {Path.Combine(Directory.FullName, "tmp")}
            LogFile {Path.Combine(Directory.FullName, "clamd.log")}
            Foreground yes
            StreamMaxLength 60M

            """);
        var clamd = new[] { "/usr/sbin/clamd", "/usr/bin/clamd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("clamd is not installed: run ./build.sh deps (it installs Debian's clamav-daemon)");
        _process = Process.Start(new ProcessStartInfo(clamd, ["--config-file=" + config, "--foreground"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"clamd exited with {_process.ExitCode}: {await File.ReadAllTextAsync(Path.Combine(Directory.FullName, "clamd.log"))}");
            }

            if (File.Exists(Socket) && await PingAsync())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("clamd did not answer PING within 60 s");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
            await socket.SendAsync("zPING\0"u8.ToArray());
            var buffer = new byte[16];
            var n = await socket.ReceiveAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(recursive: true);
    }
}
