// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A deliberately plain line client over a real socket, independent of the product's own client code:
/// what a peer or a mail client would send, byte for byte, with STARTTLS and an optional client certificate.
/// </summary>
public sealed class LineClient : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private Stream _stream = Stream.Null;
    private readonly List<byte> _buffer = [];

    public static async Task<LineClient> ConnectAsync(string endpoint)
    {
        var client = new LineClient();
        var ep = IPEndPoint.Parse(endpoint);
        await client._tcp.ConnectAsync(ep.Address, ep.Port);
        client._stream = client._tcp.GetStream();
        return client;
    }

    public async Task WriteAsync(string text)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _stream.FlushAsync();
    }

    public Task WriteLineAsync(string line) => WriteAsync(line + "\r\n");

    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
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

    /// <summary>Reads exactly <paramref name="count"/> bytes (an IMAP literal).</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (_buffer.Count < count)
        {
            var chunk = new byte[65536];
            var n = await _stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
            {
                throw new IOException("connection closed by the server");
            }

            _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
        }

        var result = _buffer.GetRange(0, count).ToArray();
        _buffer.RemoveRange(0, count);
        return result;
    }

    /// <summary>Reads an SMTP reply (all its lines); returns the last line and the whole text.</summary>
    public async Task<(int Code, string Text)> ReadReplyAsync()
    {
        var all = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync();
            all.Append(line).Append('\n');
            if (line.Length < 4 || line[3] == ' ')
            {
                return (int.Parse(line[..3], System.Globalization.CultureInfo.InvariantCulture), all.ToString());
            }
        }
    }

    public async Task<(int Code, string Text)> CommandAsync(string line)
    {
        await WriteLineAsync(line);
        return await ReadReplyAsync();
    }

    /// <summary>Reads IMAP lines until the tagged response for <paramref name="tag"/>.</summary>
    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    public async Task StartTlsAsync(string caBundle, X509Certificate2? clientCertificate = null, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        if (_buffer.Count > 0)
        {
            throw new InvalidOperationException("data left before TLS");
        }

        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(caBundle);
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
                chain.ChainPolicy.ExtraStore.AddRange(anchors);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(new X509Certificate2(cert));
            },
        });
        _stream = ssl;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
