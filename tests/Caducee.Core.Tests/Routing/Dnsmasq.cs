// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Caducee.Core.Tests.Routing;

/// <summary>
/// A real DNS server for the tests: Debian's dnsmasq on 127.0.0.1 and a free port (UDP and TCP), authoritative
/// for <c>mssante.test</c> only (unknown names there get NXDOMAIN), with the records the test gives
/// (<c>--mx-host</c>, <c>--host-record</c>), a TTL for them, and its query log captured.
/// </summary>
public sealed class Dnsmasq : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private Dnsmasq(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        };
        _process.OutputDataReceived += (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Port { get; }

    public IPEndPoint Endpoint => new(IPAddress.Loopback, Port);

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>How many queries of <paramref name="type"/> for <paramref name="name"/> dnsmasq has logged.</summary>
    public int QueriesFor(string name, string type) =>
        Log.Split('\n').Count(l => l.Contains($"query[{type}] {name} from", StringComparison.Ordinal));

    /// <summary>Starts dnsmasq with the record options given (e.g. "--mx-host=a.mssante.test,mx.a.mssante.test,10").</summary>
    public static async Task<Dnsmasq> StartAsync(IEnumerable<string> records, int ttl = 300)
    {
        var options = records.ToList();
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo("dnsmasq")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
                "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={port}", "--local=/mssante.test/",
                $"--local-ttl={ttl}", "--log-queries", "--log-facility=-", "--pid-file=", "--user=root", "--cache-size=0",
            }.Concat(options))
            {
                info.ArgumentList.Add(a);
            }

            var process = Process.Start(info)!;
            var server = new Dnsmasq(process, port);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!server.Log.Contains("started, version", StringComparison.Ordinal) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            if (!process.HasExited && await server.AnswersAsync())
            {
                return server;
            }

            var log = server.Log;
            server.Dispose();
            if (attempt >= 3)
            {
                throw new InvalidOperationException("dnsmasq did not start: " + log);
            }
        }
    }

    private async Task<bool> AnswersAsync()
    {
        // The TCP listener is up once dnsmasq serves (it opens UDP and TCP together).
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    return false;
                }

                await Task.Delay(20);
            }
        }

        return false;
    }

    /// <summary>A port free for UDP and TCP at the time of asking.</summary>
    private static int FreePort()
    {
        while (true)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                tcp.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
