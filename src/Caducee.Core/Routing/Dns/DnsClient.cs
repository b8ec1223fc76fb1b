// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Caducee.Core.Routing.Dns;

/// <summary>A DNS server could not give an answer (timeout, unreachable, SERVFAIL, REFUSED, malformed): a temporary failure.</summary>
public sealed class DnsException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Where the DNS client sends its queries, and how patiently.</summary>
public sealed record DnsClientOptions(IReadOnlyList<IPEndPoint> Servers, TimeSpan Timeout, int Attempts)
{
    /// <summary>glibc's defaults (resolv.conf(5)): 5 s, 2 attempts.</summary>
    public static DnsClientOptions FromServers(IReadOnlyList<IPEndPoint> servers) => new(servers, TimeSpan.FromSeconds(5), 2);
}

/// <summary>
/// A stub resolver: sends one question to a recursive server over UDP (random id and source port, the reply
/// must come from the server asked and echo the id and question), retries over TCP when the answer is
/// truncated (RFC 1035 §4.2.2: 2-octet length prefix, RFC 7766), tries each server in turn for each attempt,
/// and gives up with <see cref="DnsException"/>. NXDOMAIN and NODATA are answers, not failures.
/// </summary>
public sealed class DnsClient(DnsClientOptions options)
{
    private const int MaxUdpResponse = 4096;
    private long _queries;
    private long _tcpFallbacks;

    public DnsClientOptions Options => options;

    /// <summary>Queries sent (UDP and TCP), for tests and logs.</summary>
    public long QueriesSent => Interlocked.Read(ref _queries);

    /// <summary>Truncated UDP answers retried over TCP.</summary>
    public long TcpFallbacks => Interlocked.Read(ref _tcpFallbacks);

    public async Task<DnsResponse> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var ascii = DnsMessage.Normalize(name);
        if (options.Servers.Count == 0)
        {
            throw new DnsException("no DNS server configured");
        }

        string? lastError = null;
        for (var attempt = 0; attempt < Math.Max(1, options.Attempts); attempt++)
        {
            foreach (var server in options.Servers)
            {
                try
                {
                    var response = await UdpAsync(server, ascii, type, cancellationToken).ConfigureAwait(false);
                    if (response.Truncated)
                    {
                        Interlocked.Increment(ref _tcpFallbacks);
                        response = await TcpAsync(server, ascii, type, cancellationToken).ConfigureAwait(false);
                    }

                    if (response.Code is DnsResponseCode.NoError or DnsResponseCode.NameError)
                    {
                        return response;
                    }

                    lastError = $"{server} answered {response.Code}";
                }
                catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or DnsException ||
                                           (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    lastError = $"{server}: {(ex is OperationCanceledException or TimeoutException ? "no answer within " + options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s" : ex.Message)}";
                }
            }
        }

        throw new DnsException($"DNS query {ascii} {type} failed: {lastError}");
    }

    private async Task<DnsResponse> UdpAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var query = DnsMessage.EncodeQuery(id, name, type);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected: only datagrams from that server are received, and an ICMP "port unreachable" fails fast.
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(options.Timeout);
        Interlocked.Increment(ref _queries);
        await socket.SendAsync(query, SocketFlags.None, cts.Token).ConfigureAwait(false);
        var buffer = new byte[MaxUdpResponse];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            // Anything that is not the answer to this question (a late answer to an earlier one, a spoof) is ignored.
            if (DnsMessage.TryDecode(buffer.AsSpan(0, n), out var response, out _) && Matches(response!, id, name, type))
            {
                return response!;
            }
        }
    }

    private async Task<DnsResponse> TcpAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var query = DnsMessage.EncodeQuery(id, name, type);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(options.Timeout);
        using var tcp = new TcpClient(server.AddressFamily);
        await tcp.ConnectAsync(server, cts.Token).ConfigureAwait(false);
        var stream = tcp.GetStream();
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        Interlocked.Increment(ref _queries);
        await stream.WriteAsync(framed, cts.Token).ConfigureAwait(false);
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix, cts.Token).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        var message = new byte[length];
        await stream.ReadExactlyAsync(message, cts.Token).ConfigureAwait(false);
        if (!DnsMessage.TryDecode(message, out var response, out var error))
        {
            throw new DnsException($"{server} sent a malformed answer over TCP: {error}");
        }

        if (!Matches(response!, id, name, type))
        {
            throw new DnsException($"{server} answered another question over TCP");
        }

        return response!;
    }

    private static bool Matches(DnsResponse response, ushort id, string name, DnsRecordType type) =>
        response.Id == id && response.QuestionType == type && string.Equals(response.QuestionName, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The servers and options of <c>/etc/resolv.conf</c> (resolv.conf(5)), as glibc reads them.</summary>
public static class ResolvConf
{
    /// <summary>Parses the file's text: <c>nameserver</c> lines (IPv4 or IPv6, at most 3), <c>options timeout:n attempts:n</c>.</summary>
    public static DnsClientOptions Parse(string text)
    {
        var servers = new List<IPEndPoint>();
        var timeout = TimeSpan.FromSeconds(5);
        var attempts = 2;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', ';')[0].Trim();
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            if (parts[0] == "nameserver" && servers.Count < 3 && IPAddress.TryParse(parts[1].Split('%')[0], out var ip))
            {
                servers.Add(new IPEndPoint(ip, 53));
            }
            else if (parts[0] == "options")
            {
                foreach (var option in parts.Skip(1))
                {
                    if (option.StartsWith("timeout:", StringComparison.Ordinal) && int.TryParse(option[8..], NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0)
                    {
                        timeout = TimeSpan.FromSeconds(Math.Min(t, 30));
                    }
                    else if (option.StartsWith("attempts:", StringComparison.Ordinal) && int.TryParse(option[9..], NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a > 0)
                    {
                        attempts = Math.Min(a, 5);
                    }
                }
            }
        }

        // glibc: no nameserver line means the local server.
        if (servers.Count == 0)
        {
            servers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        }

        return new DnsClientOptions(servers, timeout, attempts);
    }

    /// <summary>Reads <paramref name="path"/> (default <c>/etc/resolv.conf</c>); a missing file gives the local server.</summary>
    public static DnsClientOptions Load(string path = "/etc/resolv.conf") =>
        Parse(File.Exists(path) ? File.ReadAllText(path) : string.Empty);
}
