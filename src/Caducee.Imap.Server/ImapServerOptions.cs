// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using Caducee.Core.Security;

namespace Caducee.Imap.Server;

/// <summary>The settings of one IMAP listener (STYLE.md §4.2: every read bounded, every phase timed).</summary>
public sealed record ImapServerOptions
{
    public required string HostName { get; init; }

    public required SslStreamCertificateContext Certificate { get; init; }

    /// <summary>TLS at connect (993, RFC 8314) rather than STARTTLS (143).</summary>
    public bool ImplicitTls { get; init; }

    public TlsPolicy Tls { get; init; } = new();

    /// <summary>Longest command line (one stretch of text between literals), also the limit of non-APPEND literals.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Largest APPEND message, advertised as APPENDLIMIT (RFC 7889); a larger one gets NO [TOOBIG] before its data.</summary>
    public long MaxLiteralSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>APPEND literals from this size up are spooled (encrypted) to <see cref="SpoolDirectory"/> instead of memory.</summary>
    public long SpoolThreshold { get; init; } = 1024 * 1024;

    /// <summary>Where large APPEND literals wait, encrypted with a per-literal key, until the store takes them.</summary>
    public string SpoolDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Idle time before an unauthenticated connection is closed.</summary>
    public TimeSpan PreAuthTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Autologout: silence from an authenticated client (between commands or in IDLE) before BYE.
    /// RFC 9051 §5.4: at least 30 minutes.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Silence allowed in the middle of a command (a partial line or literal) before BYE.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>BAD answers and failed logins before the connection is closed with BYE.</summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>Authenticated connections one mailbox may hold on this node; more get NO [LIMIT] at login. 0: no limit.</summary>
    public int MaxConnectionsPerUser { get; init; } = 20;

    /// <summary>Longest SASL response line (bearer tokens are long; RFC 4954 uses 12,288 octets for SMTP).</summary>
    public int MaxSaslLine { get; init; } = 16 * 1024;

    /// <summary>COMPRESS=DEFLATE (RFC 4978) offered after login.</summary>
    public bool Compression { get; init; } = true;
}
