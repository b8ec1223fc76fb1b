// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using Caducee.Core.Policy;
using Caducee.Core.Security;

namespace Caducee.Smtp.Server;

/// <summary>The settings of one SMTP listener.</summary>
public sealed record SmtpServerOptions
{
    /// <summary>MX (between operators) or submission (clients).</summary>
    public required SmtpListenerKind Kind { get; init; }

    /// <summary>The name in the greeting, EHLO reply and Received headers.</summary>
    public required string HostName { get; init; }

    /// <summary>The server certificate with its chain.</summary>
    public required SslStreamCertificateContext Certificate { get; init; }

    /// <summary>TLS starts at connect (465) rather than with STARTTLS.</summary>
    public bool ImplicitTls { get; init; }

    /// <summary>Local domains: recipients there are delivered to the store.</summary>
    public required Func<string, bool> IsLocalDomain { get; init; }

    public TlsPolicy Tls { get; init; } = new();

    /// <summary>Largest message accepted, in octets (advertised in SIZE, enforced while reading).</summary>
    public long MaxMessageSize { get; init; } = 50L * 1024 * 1024;

    /// <summary>Longest command line, CRLF included (RFC 5321 §4.5.3.1.4 says 512; extensions need more).</summary>
    public int MaxCommandLine { get; init; } = 4096;

    /// <summary>Longest AUTH command or SASL response line on submission (RFC 4954 §4: 12,288 octets), accepted before authentication.</summary>
    public int MaxAuthLine { get; init; } = 12288;

    /// <summary>Most recipients in one transaction (RFC 5321 §4.5.3.1.8: at least 100).</summary>
    public int MaxRecipients { get; init; } = 1000;

    /// <summary>Bad commands before the session is closed.</summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>
    /// Longest text line of a message, CRLF included (RFC 5321 §4.5.3.1.6: 1000), for DATA and BDAT alike (7BIT
    /// and 8BITMIME content keeps its line limit with BDAT); longer lines are drained and the message refused
    /// with 554 5.6.0. 0 disables the check.
    /// </summary>
    public int MaxDataLineLength { get; init; } = 1000;

    /// <summary>
    /// Octets the server reads and discards past a limit (message size, line length) before it gives up on the
    /// client: it answers and closes the connection instead of draining forever. A BDAT announcing more than
    /// this past the size limit is refused at once.
    /// </summary>
    public long DrainLimit { get; init; } = 50L * 1024 * 1024;

    /// <summary>RFC 5321 §4.5.3.2 timeouts per phase.</summary>
    public SmtpTimeouts Timeouts { get; init; } = new();

    /// <summary>How long a TLS handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
