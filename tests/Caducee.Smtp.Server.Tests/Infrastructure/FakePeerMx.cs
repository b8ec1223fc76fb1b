// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>What one connection to the <see cref="FakePeerMx"/> carried.</summary>
public sealed class PeerConnection
{
    public ConcurrentQueue<string> Commands { get; } = new();

    public ConcurrentQueue<byte[]> Messages { get; } = new();

    /// <summary>Subject of the client certificate presented in the TLS handshake (mutual TLS), if any.</summary>
    public string? ClientSubject { get; set; }

    /// <summary>How many commands arrived in the same read as at least one other (proof of pipelining).</summary>
    public int PipelinedGroups { get; set; }

    public bool Quit { get; set; }

    public bool Closed { get; set; }
}

/// <summary>
/// A scripted peer MX over real loopback sockets and real TLS (the test PKI's server certificate, a client
/// certificate required), independent of the product's server code: it records every command and message of
/// every connection and answers as the test says. With <see cref="StrictPipelining"/>, when it offers PIPELINING
/// it holds the replies to RSET, MAIL and RCPT until DATA arrives (RFC 2920 allows it): a client that waited
/// for each reply would hang, so a finished transaction proves the client pipelined.
/// </summary>
public sealed class FakePeerMx : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SslStreamCertificateContext _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<(TcpClient Client, Task Task)> _sessions = [];
    private readonly Task _accept;

    public FakePeerMx(X509Certificate2 certificate, X509Certificate2 intermediate, int port = 0)
    {
        _certificate = SslStreamCertificateContext.Create(certificate, [intermediate], offline: true);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accept = Task.Run(AcceptAsync);
    }

    public IPEndPoint Endpoint { get; }

    public ConcurrentQueue<PeerConnection> Connections { get; } = new();

    /// <summary>EHLO keywords after TLS (STARTTLS is offered before).</summary>
    public IReadOnlyList<string> Extensions { get; set; } = ["PIPELINING", "SIZE 52428800", "8BITMIME", "DSN", "ENHANCEDSTATUSCODES", "SMTPUTF8"];

    public bool StrictPipelining { get; set; } = true;

    /// <summary>The reply to RCPT TO for an address (lower-case); default 250.</summary>
    public Func<string, string> RcptReply { get; set; } = _ => "250 2.1.5 Ok";

    /// <summary>The reply after the message data; default 250.</summary>
    public Func<byte[], string> DataReply { get; set; } = _ => "250 2.0.0 Ok: queued";

    public IEnumerable<byte[]> AllMessages => Connections.SelectMany(c => c.Messages);

    /// <summary>Closes every open connection at once (a peer that went away while the client kept the session idle).</summary>
    public void DropConnections()
    {
        foreach (var (client, _) in _sessions)
        {
            // A session already over has disposed its client (Client is then null).
            client.Client?.Close(0);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new PeerConnection();
            Connections.Enqueue(connection);
            _sessions.Add((client, Task.Run(() => SessionAsync(client, connection))));
        }
    }

    private async Task SessionAsync(TcpClient client, PeerConnection connection)
    {
        try
        {
            using (client)
            {
                Stream stream = client.GetStream();
                var reader = new LineReader(stream);
                await WriteAsync(stream, "220 mx.fake-peer.test ESMTP\r\n");
                var tls = false;
                var held = new StringBuilder();
                while (true)
                {
                    var (line, sameRead) = await reader.ReadLineAsync(_stop.Token);
                    if (line is null)
                    {
                        connection.Closed = true;
                        return;
                    }

                    connection.Commands.Enqueue(line);
                    if (sameRead)
                    {
                        connection.PipelinedGroups++;
                    }

                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    var pipelining = tls && StrictPipelining && Extensions.Contains("PIPELINING");
                    string reply;
                    switch (verb)
                    {
                        case "EHLO":
                            List<string> lines = ["mx.fake-peer.test", .. tls ? Extensions : ["STARTTLS"]];
                            reply = string.Concat(lines.Select((l, i) => (i == lines.Count - 1 ? "250 " : "250-") + l + "\r\n"));
                            await WriteAsync(stream, reply);
                            continue;
                        case "STARTTLS":
                            await WriteAsync(stream, "220 2.0.0 go ahead\r\n");
                            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                            {
                                ServerCertificateContext = _certificate,
                                ClientCertificateRequired = true,
                                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                                {
                                    connection.ClientSubject = certificate?.Subject;
                                    return certificate is not null;
                                },
                            }, _stop.Token);
                            stream = ssl;
                            reader = new LineReader(ssl);
                            tls = true;
                            continue;
                        case "MAIL":
                        case "RSET":
                            reply = verb == "MAIL" ? "250 2.1.0 Ok\r\n" : "250 2.0.0 Ok\r\n";
                            break;
                        case "RCPT":
                            var address = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)].ToLowerInvariant();
                            reply = RcptReply(address) + "\r\n";
                            break;
                        case "DATA":
                            var accepted = connection.Commands.Reverse().TakeWhile(c => !c.StartsWith("MAIL", StringComparison.OrdinalIgnoreCase))
                                .Count(c => c.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase) && RcptReply(c[(c.IndexOf('<', StringComparison.Ordinal) + 1)..c.IndexOf('>', StringComparison.Ordinal)].ToLowerInvariant()).StartsWith('2'));
                            held.Append(accepted > 0 ? "354 End data with <CR><LF>.<CR><LF>\r\n" : "554 5.5.1 No valid recipients\r\n");
                            await WriteAsync(stream, held.ToString());
                            held.Clear();
                            if (accepted > 0)
                            {
                                var data = await reader.ReadDataAsync(_stop.Token);
                                if (data is null)
                                {
                                    connection.Closed = true;
                                    return;
                                }

                                connection.Messages.Enqueue(data);
                                await WriteAsync(stream, DataReply(data) + "\r\n");
                            }

                            continue;
                        case "QUIT":
                            connection.Quit = true;
                            await WriteAsync(stream, "221 2.0.0 Bye\r\n");
                            return;
                        default:
                            reply = verb == "NOOP" ? "250 2.0.0 Ok\r\n" : "502 5.5.1 Not implemented\r\n";
                            break;
                    }

                    if (pipelining && verb is "MAIL" or "RSET" or "RCPT")
                    {
                        held.Append(reply);
                    }
                    else
                    {
                        await WriteAsync(stream, held + reply);
                        held.Clear();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            connection.Closed = true;
        }
    }

    private static async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropConnections();
        try
        {
            await Task.WhenAll(_sessions.Select(s => s.Task).Append(_accept)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The sessions end with their sockets.
        }

        _stop.Dispose();
    }

    /// <summary>Lines and dot-terminated data over a stream, remembering whether a line came in the same read as the previous one.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _chunk = new byte[65536];
        private readonly List<byte> _buffer = [];
        private bool _fromPreviousRead;

        public async Task<(string? Line, bool SameRead)> ReadLineAsync(CancellationToken ct)
        {
            var sameRead = _fromPreviousRead;
            while (true)
            {
                var lf = _buffer.IndexOf((byte)'\n');
                if (lf >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer.GetRange(0, lf).ToArray()).TrimEnd('\r');
                    _buffer.RemoveRange(0, lf + 1);
                    _fromPreviousRead = _buffer.Count > 0;
                    return (line, sameRead);
                }

                var n = await stream.ReadAsync(_chunk, ct);
                if (n == 0)
                {
                    return (null, false);
                }

                _buffer.AddRange(_chunk.AsSpan(0, n).ToArray());
                sameRead = false;
            }
        }

        /// <summary>The message up to CRLF.CRLF, dot-unstuffed (RFC 5321 §4.5.2), without the terminator.</summary>
        public async Task<byte[]?> ReadDataAsync(CancellationToken ct)
        {
            var message = new List<byte>();
            while (true)
            {
                var (line, _) = await ReadRawLineAsync(ct);
                if (line is null)
                {
                    return null;
                }

                if (line.Length == 3 && line[0] == '.' && line[1] == '\r')
                {
                    _fromPreviousRead = _buffer.Count > 0;
                    return [.. message];
                }

                message.AddRange(line.Length > 0 && line[0] == '.' ? line.AsSpan(1).ToArray() : line);
            }
        }

        private async Task<(byte[]? Line, bool Unused)> ReadRawLineAsync(CancellationToken ct)
        {
            while (true)
            {
                var lf = _buffer.IndexOf((byte)'\n');
                if (lf >= 0)
                {
                    var line = _buffer.GetRange(0, lf + 1).ToArray();
                    _buffer.RemoveRange(0, lf + 1);
                    return (line, false);
                }

                var n = await stream.ReadAsync(_chunk, ct);
                if (n == 0)
                {
                    return (null, false);
                }

                _buffer.AddRange(_chunk.AsSpan(0, n).ToArray());
            }
        }
    }
}
