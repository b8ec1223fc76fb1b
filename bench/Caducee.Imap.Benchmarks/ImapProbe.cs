// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.Imap.Benchmarks;

/// <summary>One tagged command's outcome: the untagged lines (literals counted, not kept), the tagged line, octets read.</summary>
internal sealed record ProbeResponse(List<string> Untagged, string Tagged, long Octets)
{
    public bool IsOk => Tagged.Split(' ', 3) is [_, "OK", ..];
}

/// <summary>
/// A small IMAP client for the benchmark's own measurements and load: STARTTLS with the chain checked against the
/// bench CA and the host name, LOGIN, tagged commands whose responses are read to the tagged line (literals
/// skipped by length). One read buffer per connection; nothing else is kept, so thousands can stay open.
/// </summary>
internal sealed class ImapProbe : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;
    private int _tags;

    private ImapProbe(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = Stream.Null;
    }

    public static async Task<ImapProbe> ConnectAsync(IPEndPoint endpoint, X509Certificate2Collection anchors, string user, string password, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient { NoDelay = true };
        var probe = new ImapProbe(tcp);
        try
        {
            await tcp.ConnectAsync(endpoint, cancellationToken);
            probe._stream = tcp.GetStream();
            var greeting = await probe.ReadLineAsync(cancellationToken);
            if (!greeting.StartsWith("* OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("greeting: " + greeting);
            }

            Ensure(await probe.CommandAsync("STARTTLS", cancellationToken));
            var tls = new SslStream(probe._stream, leaveInnerStreamOpen: false);
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(anchors);
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateChainPolicy = policy,
                },
                cancellationToken);
            probe._stream = tls;
            Ensure(await probe.CommandAsync($"LOGIN \"{user}\" \"{password}\"", cancellationToken));
            return probe;
        }
        catch
        {
            await probe.DisposeAsync();
            throw;
        }
    }

    public static ProbeResponse Ensure(ProbeResponse response) =>
        response.IsOk ? response : throw new InvalidOperationException("IMAP: " + response.Tagged);

    public async Task<ProbeResponse> CommandAsync(string command, CancellationToken cancellationToken = default)
    {
        var tag = "b" + (++_tags).ToString(CultureInfo.InvariantCulture);
        await SendAsync($"{tag} {command}\r\n", cancellationToken);
        return await ReadTaggedAsync(tag, cancellationToken);
    }

    /// <summary>Starts IDLE and waits for the continuation; returns the tag to end it with.</summary>
    public async Task<string> IdleAsync(CancellationToken cancellationToken = default)
    {
        var tag = "b" + (++_tags).ToString(CultureInfo.InvariantCulture);
        await SendAsync($"{tag} IDLE\r\n", cancellationToken);
        var line = await ReadLineAsync(cancellationToken);
        return line.StartsWith('+') ? tag : throw new InvalidOperationException("IDLE: " + line);
    }

    public async Task SendAsync(string text, CancellationToken cancellationToken = default)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    public async Task<ProbeResponse> ReadTaggedAsync(string tag, CancellationToken cancellationToken = default)
    {
        var untagged = new List<string>();
        long octets = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            octets += line.Length + 2;
            // A literal: skip its octets, the response goes on after it.
            while (line.EndsWith('}') && line.LastIndexOf('{') is var open and >= 0
                && long.TryParse(line.AsSpan(open + 1, line.Length - open - 2).TrimEnd('+'), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                await SkipAsync(size, cancellationToken);
                octets += size;
                var rest = await ReadLineAsync(cancellationToken);
                octets += rest.Length + 2;
                line = line + "{…}" + rest;
            }

            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return new ProbeResponse(untagged, line, octets);
            }

            untagged.Add(line);
        }
    }

    public async Task<string> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var length = lf > 0 && span[lf - 1] == '\r' ? lf - 1 : lf;
                text.Append(Encoding.UTF8.GetString(span[..length]));
                _start += lf + 1;
                return text.ToString().TrimEnd('\r'); // a CR left at the end of the previous read
            }

            text.Append(Encoding.UTF8.GetString(span));
            await FillAsync(cancellationToken);
        }
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        _start = _end = 0;
        var read = await _stream.ReadAsync(_buffer, cancellationToken);
        if (read == 0)
        {
            throw new IOException("connection closed by the server");
        }

        _end = read;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync();
        }
        catch (IOException)
        {
            // Already closed.
        }

        _tcp.Dispose();
    }
}
