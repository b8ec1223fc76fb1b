// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.Smtp.Benchmarks;

/// <summary>What a load run measured.</summary>
public sealed record LoadResult(string Target, string Mode, int Messages, int Failures, TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Count == 0)
        {
            return double.NaN;
        }

        var sorted = LatenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>Where and as whom the load generator connects.</summary>
public sealed record LoadTarget(string Name, IPEndPoint Endpoint, X509Certificate2 ClientCertificate, X509Certificate2Collection TrustAnchors, string Sender, IReadOnlyList<string> Recipients);

/// <summary>
/// The SMTP load generator (issue 5 point 8): N connections, each STARTTLS with a client certificate (mutual TLS)
/// and many transactions per session, MAIL/RCPT/DATA pipelined (both servers offer PIPELINING), messages of
/// <see cref="MessageSize"/> octets, each one unique (Caducée's blob store is content-addressed). The latency of a
/// message is the time from the end of its data (the final ".") to the 250.
/// </summary>
public sealed class LoadGenerator(LoadTarget target, int messageSize)
{
    private long _sequence;

    public int MessageSize => messageSize;

    /// <summary>As fast as the server answers, on <paramref name="connections"/> sessions, for <paramref name="duration"/> after <paramref name="warmup"/>.</summary>
    public async Task<LoadResult> ThroughputAsync(int connections, TimeSpan warmup, TimeSpan duration)
    {
        var sessions = await OpenAsync(connections);
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var counted = 0;
        var failures = 0;
        var latencies = new List<double>();
        await Task.WhenAll(sessions.Select(async (s, i) =>
        {
            var mine = new List<double>();
            var n = 0;
            var f = 0;
            while (clock.Elapsed < end)
            {
                var (ok, latency) = await s.SendAsync(NextMessage(i, out var recipient), recipient);
                var at = clock.Elapsed;
                if (at >= warmup && at < end)
                {
                    if (ok)
                    {
                        n++;
                        mine.Add(latency);
                    }
                    else
                    {
                        f++;
                    }
                }
            }

            lock (latencies)
            {
                counted += n;
                failures += f;
                latencies.AddRange(mine);
            }
        }));
        await CloseAsync(sessions);
        return new LoadResult(target.Name, $"throughput, {connections} connections", counted, failures, duration, latencies);
    }

    /// <summary>
    /// Open loop at <paramref name="rate"/> messages per second over <paramref name="connections"/> sessions for
    /// <paramref name="duration"/>: message k is due at k/rate seconds (round-robin over the sessions); a session
    /// that is late sends at once. Latencies are kept after <paramref name="warmup"/>.
    /// </summary>
    public async Task<LoadResult> PacedAsync(int connections, double rate, TimeSpan warmup, TimeSpan duration)
    {
        var sessions = await OpenAsync(connections);
        var total = (int)Math.Round((warmup + duration).TotalSeconds * rate);
        var warm = (int)Math.Round(warmup.TotalSeconds * rate);
        var latencies = new List<double>();
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(sessions.Select(async (s, i) =>
        {
            var mine = new List<double>();
            var f = 0;
            for (var k = i; k < total; k += connections)
            {
                var due = TimeSpan.FromSeconds(k / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                var (ok, latency) = await s.SendAsync(NextMessage(i, out var recipient), recipient);
                if (k >= warm)
                {
                    if (ok)
                    {
                        mine.Add(latency);
                    }
                    else
                    {
                        f++;
                    }
                }
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
                failures += f;
            }
        }));
        var elapsed = clock.Elapsed - warmup;
        await CloseAsync(sessions);
        return new LoadResult(target.Name, $"paced {rate.ToString(CultureInfo.InvariantCulture)} msg/s, {connections} connections", latencies.Count, failures, elapsed, latencies);
    }

    private async Task<List<Session>> OpenAsync(int connections)
    {
        var sessions = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Session.OpenAsync(target)));
        return [.. sessions];
    }

    private static async Task CloseAsync(List<Session> sessions) => await Task.WhenAll(sessions.Select(s => s.QuitAsync()));

    /// <summary>A unique message of exactly <see cref="MessageSize"/> octets (headers, then base text lines).</summary>
    private byte[] NextMessage(int connection, out string recipient)
    {
        var n = Interlocked.Increment(ref _sequence);
        recipient = target.Recipients[(int)(n % target.Recipients.Count)];
        var sb = new StringBuilder(messageSize + 128);
        sb.Append(CultureInfo.InvariantCulture, $"From: <{target.Sender}>\r\nTo: <{recipient}>\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Subject: Compte rendu {n}\r\nDate: {DateTimeOffset.UtcNow:ddd, dd MMM yyyy HH:mm:ss} +0000\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Message-ID: <bench-{connection}-{n}-{Guid.NewGuid():N}@sender.mssante.test>\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\nX-MSS-NIL: BENCH\r\n\r\n");
        const string line = "Compte rendu de consultation : examen clinique normal, pas de traitement.   ";
        while (sb.Length + line.Length + 2 <= messageSize)
        {
            sb.Append(line).Append("\r\n");
        }

        while (sb.Length < messageSize - 2)
        {
            sb.Append('x');
        }

        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private sealed class Session
    {
        private readonly TcpClient _tcp;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private readonly LoadTarget _target;
        private Stream _stream;
        private int _start;
        private int _end;

        private Session(TcpClient tcp, LoadTarget target)
        {
            _tcp = tcp;
            _target = target;
            _stream = tcp.GetStream();
        }

        public static async Task<Session> OpenAsync(LoadTarget target)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(target.Endpoint);
            var s = new Session(tcp, target);
            await s.ExpectAsync(220);
            await s.WriteAsync("EHLO load.sender.mssante.test\r\n");
            await s.ExpectAsync(250);
            await s.WriteAsync("STARTTLS\r\n");
            await s.ExpectAsync(220);
            var ssl = new SslStream(s._stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = [target.ClientCertificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => target.ClientCertificate,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(target.TrustAnchors);
                    chain.ChainPolicy.ExtraStore.AddRange(target.TrustAnchors);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is not null && chain.Build(new X509Certificate2(certificate));
                },
            });
            s._stream = ssl;
            await s.WriteAsync("EHLO load.sender.mssante.test\r\n");
            await s.ExpectAsync(250);
            return s;
        }

        /// <summary>One pipelined transaction; the latency is from the end of data to the reply.</summary>
        public async Task<(bool Ok, double LatencyMs)> SendAsync(byte[] message, string recipient)
        {
            await WriteAsync($"MAIL FROM:<{_target.Sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n");
            var mail = await ReadReplyAsync();
            var rcpt = await ReadReplyAsync();
            var data = await ReadReplyAsync();
            if (data != 354)
            {
                if (mail == 250 && rcpt == 250)
                {
                    throw new InvalidOperationException($"DATA answered {data}");
                }

                await WriteAsync("RSET\r\n");
                await ReadReplyAsync();
                return (false, 0);
            }

            // The generated lines never start with "." and end with CRLF: no stuffing needed.
            await _stream.WriteAsync(message);
            await _stream.WriteAsync(".\r\n"u8.ToArray());
            await _stream.FlushAsync();
            var sent = Stopwatch.GetTimestamp();
            var final = await ReadReplyAsync();
            var latency = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            return (final == 250, latency);
        }

        public async Task QuitAsync()
        {
            try
            {
                await WriteAsync("QUIT\r\n");
                await ReadReplyAsync();
            }
            catch (IOException)
            {
                // Closing anyway.
            }

            await _stream.DisposeAsync();
            _tcp.Dispose();
        }

        private async Task ExpectAsync(int code)
        {
            var got = await ReadReplyAsync();
            if (got != code)
            {
                throw new InvalidOperationException($"{_target.Name}: expected {code}, got {got}");
            }
        }

        private async Task WriteAsync(string text)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));
            await _stream.FlushAsync();
        }

        /// <summary>Reads one (possibly multi-line) reply and returns its code.</summary>
        private async Task<int> ReadReplyAsync()
        {
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.Length < 3)
                {
                    throw new InvalidDataException("short reply line: " + line);
                }

                if (line.Length == 3 || line[3] == ' ')
                {
                    return int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }
        }

        private async Task<string> ReadLineAsync()
        {
            while (true)
            {
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                    _start = lf + 1;
                    return line;
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                var n = await _stream.ReadAsync(_buffer.AsMemory(_end));
                if (n == 0)
                {
                    throw new IOException("server closed the connection");
                }

                _end += n;
            }
        }
    }
}
