// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using Caducee.Core.Security;

namespace Caducee.Imap.Server;

/// <summary>The settings of one IMAP listener.</summary>
public sealed record ImapServerOptions
{
    public required string HostName { get; init; }

    public required SslStreamCertificateContext Certificate { get; init; }

    /// <summary>TLS at connect (993) rather than STARTTLS (143).</summary>
    public bool ImplicitTls { get; init; }

    public TlsPolicy Tls { get; init; } = new();

    /// <summary>Longest command line.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Largest literal (APPEND), also advertised as APPENDLIMIT.</summary>
    public long MaxLiteralSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Idle time before an unauthenticated connection is closed.</summary>
    public TimeSpan PreAuthTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Idle time before an authenticated connection is closed (RFC 9051 §5.4: at least 30 minutes).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bad commands before the connection is closed.</summary>
    public int MaxErrors { get; init; } = 20;
}
