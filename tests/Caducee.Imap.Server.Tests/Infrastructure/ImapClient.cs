// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Caducee.Imap.Server.Tests.Infrastructure;

/// <summary>The answer to one command: its untagged lines (literals inlined as text), the literals' bytes, and the tagged line.</summary>
public sealed record ImapResponse(IReadOnlyList<string> Untagged, string Tagged, IReadOnlyList<byte[]> Literals)
{
    /// <summary>"OK", "NO" or "BAD".</summary>
    public string Status => Tagged.Split(' ', 3) is [_, var status, ..] ? status : string.Empty;

    public bool IsOk => Status == "OK";

    /// <summary>The untagged lines starting with "* " + <paramref name="prefix"/>.</summary>
    public IEnumerable<string> Lines(string prefix) => Untagged.Where(l => l.StartsWith("* " + prefix, StringComparison.Ordinal));

    public override string ToString() => string.Join("\n", [.. Untagged, Tagged]);
}

/// <summary>
/// A deliberately plain IMAP client over a real socket, independent of the product's code: it writes the
/// bytes a client would, reads lines and literals, and can do STARTTLS, implicit TLS and COMPRESS=DEFLATE.
/// </summary>
public sealed partial class ImapClient : IAsyncDisposable
{
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private readonly List<byte> _buffer = [];
    private readonly TestPki _pki;
    private Stream _stream = Stream.Null;
    private Stream _writeStream = Stream.Null;
    private int _tags;

    private ImapClient(TestPki pki)
    {
        _pki = pki;
    }

    /// <summary>The greeting line.</summary>
    public string Greeting { get; private set; } = string.Empty;

    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public static async Task<ImapClient> ConnectAsync(IPEndPoint endpoint, TestPki pki, bool implicitTls = false, bool readGreeting = true)
    {
        var client = new ImapClient(pki);
        await client._tcp.ConnectAsync(endpoint.Address, endpoint.Port);
        client._stream = client._writeStream = client._tcp.GetStream();
        if (implicitTls)
        {
            await client.HandshakeAsync();
        }

        if (readGreeting)
        {
            client.Greeting = await client.ReadLineAsync();
        }

        return client;
    }

    public string NextTag() => "t" + (++_tags).ToString(CultureInfo.InvariantCulture);

    public async Task WriteAsync(byte[] bytes)
    {
        await _writeStream.WriteAsync(bytes);
        await _writeStream.FlushAsync();
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

    public Task WriteLineAsync(string line) => WriteAsync(line + "\r\n");

    /// <summary>Sends a command with a fresh tag and reads up to its tagged response.</summary>
    public async Task<ImapResponse> CommandAsync(string command)
    {
        var tag = NextTag();
        await WriteLineAsync(tag + " " + command);
        return await ReadResponseAsync(tag);
    }

    /// <summary>Reads lines (with their literals) up to the tagged response of <paramref name="tag"/>.</summary>
    public async Task<ImapResponse> ReadResponseAsync(string tag)
    {
        var untagged = new List<string>();
        var literals = new List<byte[]>();
        while (true)
        {
            var line = await ReadResponseLineAsync(literals);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return new ImapResponse(untagged, line, literals);
            }

            untagged.Add(line);
        }
    }

    /// <summary>Reads one response line; a literal announced at its end is read and inlined (its bytes also go to <paramref name="literals"/>).</summary>
    public async Task<string> ReadResponseLineAsync(List<byte[]>? literals = null)
    {
        var text = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync();
            text.Append(line);
            var match = LiteralAtEnd().Match(line);
            if (!match.Success || line.StartsWith("+ ", StringComparison.Ordinal))
            {
                return text.ToString();
            }

            var bytes = await ReadBytesAsync(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            literals?.Add(bytes);
            text.Append(Encoding.UTF8.GetString(bytes));
        }
    }

    /// <summary>Reads until a line matches (from its start), returning the lines read; fails on timeout or close.</summary>
    public async Task<List<string>> ReadUntilAsync(string pattern)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadResponseLineAsync();
            lines.Add(line);
            if (Regex.IsMatch(line, "^(?:" + pattern + ")", RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                return lines;
            }
        }
    }

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

            await FillAsync(cts.Token);
        }
    }

    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        while (_buffer.Count < count)
        {
            await FillAsync(cts.Token);
        }

        var bytes = _buffer.GetRange(0, count).ToArray();
        _buffer.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>True when nothing arrives within <paramref name="within"/> (the server says nothing unprompted).</summary>
    public async Task<bool> IsSilentAsync(TimeSpan within)
    {
        if (_buffer.Count > 0)
        {
            return false;
        }

        using var cts = new CancellationTokenSource(within);
        try
        {
            await FillAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>True when the server closed the connection (end of stream or reset) within the time given.</summary>
    public async Task<bool> IsClosedAsync(TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                _buffer.Clear();
                await FillAsync(cts.Token);
            }
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

    /// <summary>STARTTLS, then the handshake.</summary>
    public async Task StartTlsAsync()
    {
        var response = await CommandAsync("STARTTLS");
        Assert.True(response.IsOk, response.ToString());
        await HandshakeAsync();
    }

    public async Task HandshakeAsync(SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        Assert.Empty(_buffer);
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
                cert is not null && _pki.Trust.Validate(new X509Certificate2(cert), Core.Security.X509KeyUsagePurpose.ServerAuth).IsValid,
        });
        _stream = _writeStream = ssl;
    }

    /// <summary>After "COMPRESS DEFLATE" got OK: raw DEFLATE both ways (RFC 4978), flushed after each write.</summary>
    public void StartDeflate()
    {
        Assert.Empty(_buffer);
        var inner = _stream;
        _stream = new DeflateStream(inner, CompressionMode.Decompress, leaveOpen: true);
        _writeStream = new FlushingDeflate(inner);
    }

    /// <summary>True once TLS is up.</summary>
    public bool IsTls => _stream is SslStream || _writeStream is FlushingDeflate;

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

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[16384];
        var n = await _stream.ReadAsync(chunk, cancellationToken);
        if (n == 0)
        {
            throw new IOException("connection closed by the server");
        }

        _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
    }

    [GeneratedRegex(@"~?\{(\d+)\+?\}$")]
    private static partial Regex LiteralAtEnd();

    /// <summary>A DEFLATE writer whose flush is a sync flush, as RFC 4978 needs after each command.</summary>
    private sealed class FlushingDeflate(Stream inner) : Stream
    {
        private readonly DeflateStream _deflate = new(inner, CompressionLevel.Optimal, leaveOpen: true);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            _deflate.Flush();
            inner.Flush();
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _deflate.FlushAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _deflate.WriteAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _deflate.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
