// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Caducee.Core.Antivirus;

/// <summary>Where clamd listens: a unix socket (an absolute path) or TCP (host:port).</summary>
public sealed record ClamdEndpoint
{
    private ClamdEndpoint(string? socketPath, string? host, int port)
    {
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    /// <summary>The unix socket path, or null for TCP.</summary>
    public string? SocketPath { get; }

    /// <summary>The TCP host, or null for a unix socket.</summary>
    public string? Host { get; }

    public int Port { get; }

    public static ClamdEndpoint UnixSocket(string path) => new(path, null, 0);

    public static ClamdEndpoint Tcp(string host, int port) => new(null, host, port);

    /// <summary>Parses "/run/clamav/clamd.ctl" or "127.0.0.1:3310"; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string text, out ClamdEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        var value = text.Trim();
        if (value.StartsWith('/'))
        {
            endpoint = UnixSocket(value);
            return true;
        }

        var colon = value.LastIndexOf(':');
        if (colon > 0 && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            endpoint = Tcp(value[..colon].Trim('[', ']'), port);
            return true;
        }

        error = $"'{text}' is neither an absolute unix socket path nor host:port";
        return false;
    }

    /// <summary>A socket and the endpoint to connect it to.</summary>
    internal (Socket Socket, EndPoint EndPoint) CreateSocket()
    {
        if (SocketPath is not null)
        {
            return (new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(SocketPath));
        }

        EndPoint target = IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host!, Port);
        return (new Socket(SocketType.Stream, ProtocolType.Tcp), target);
    }

    public override string ToString() => SocketPath ?? $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
