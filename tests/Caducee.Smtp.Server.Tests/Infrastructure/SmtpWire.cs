// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>One SMTP reply as read: code, all lines, and the whole text.</summary>
public sealed record WireReply(int Code, IReadOnlyList<string> Lines)
{
    public string Text => string.Join('\n', Lines);

    /// <summary>The enhanced status code of the last line (RFC 2034), if any.</summary>
    public string? Enhanced => Lines[^1].Length > 4 && char.IsAsciiDigit(Lines[^1][4]) ? Lines[^1][4..].Split(' ')[0] : null;

    public override string ToString() => Text;
}

/// <summary>
/// A deliberately plain SMTP client over a real socket, independent of the product's client code: bytes as a
/// peer or a mail client would send them, STARTTLS or implicit TLS with an optional client certificate.
/// </summary>
public sealed class SmtpWire : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private readonly List<byte> _buffer = [];
    private Stream _stream = Stream.Null;

    public static async Task<SmtpWire> ConnectAsync(IPEndPoint endpoint)
    {
        var wire = new SmtpWire();
        await wire._tcp.ConnectAsync(endpoint.Address, endpoint.Port);
        wire._stream = wire._tcp.GetStream();
        return wire;
    }

    /// <summary>"\0user\0password" in base64 (RFC 4616).</summary>
    public static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public async Task WriteAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public Task WriteLineAsync(string line) => WriteAsync(line + "\r\n");

    public async Task<string> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        while (true)
        {
            var lf = _buffer.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer.GetRange(0, lf).ToArray()).TrimEnd('\r');
                _buffer.RemoveRange(0, lf + 1);
                return line;
            }

            var chunk = new byte[8192];
            var n = await _stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
            {
                throw new IOException("connection closed by the server");
            }

            _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }
    }

    public async Task<WireReply> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ')
            {
                return new WireReply(int.Parse(line[..3], System.Globalization.CultureInfo.InvariantCulture), lines);
            }
        }
    }

    public async Task<WireReply> CommandAsync(string line)
    {
        await WriteLineAsync(line);
        return await ReadReplyAsync();
    }

    /// <summary>True when the server closed the connection (reading gives end of stream or a reset) within the timeout.</summary>
    public async Task<bool> IsClosedAsync(TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        try
        {
            if (_buffer.Count > 0)
            {
                return false;
            }

            var n = await _stream.ReadAsync(new byte[1], cts.Token);
            return n == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task StartTlsAsync(TestPki pki, X509Certificate2? clientCertificate, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        if (_buffer.Count > 0)
        {
            throw new InvalidOperationException("data left before TLS");
        }

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
                cert is not null && pki.Trust.Validate(new X509Certificate2(cert), Core.Security.X509KeyUsagePurpose.ServerAuth).IsValid,
        });
        _stream = ssl;
    }

    /// <summary>The TLS facts of the connection, once TLS is up.</summary>
    public (SslProtocols Protocol, TlsCipherSuite Cipher)? Tls => _stream is SslStream ssl ? (ssl.SslProtocol, ssl.NegotiatedCipherSuite) : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync();
        }
        catch (IOException)
        {
            // The server may have closed first.
        }

        _tcp.Dispose();
    }
}
