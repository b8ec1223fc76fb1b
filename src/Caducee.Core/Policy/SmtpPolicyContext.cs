// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Auth;
using Caducee.Primitives;

namespace Caducee.Core.Policy;

/// <summary>Which listener a session arrived on: the policy differs.</summary>
public enum SmtpListenerKind
{
    /// <summary>The relay between operators (port 25): mutual TLS, whitelisted peers only.</summary>
    Mx,
    /// <summary>Submission by mail clients and professional software (587, 465): authenticated users.</summary>
    Submission,
}

/// <summary>TLS facts of a session, once STARTTLS (or implicit TLS) completed.</summary>
public sealed record TlsInfo(SslProtocols Protocol, string CipherSuite, X509Certificate2? PeerCertificate);

/// <summary>
/// What policy hooks may look at. Read-only to hooks; the session owns the state.
/// <paramref name="DeclaredSize"/> is the SIZE= of MAIL FROM (RFC 1870), when the client gave one.
/// </summary>
public sealed record SmtpPolicyContext(
    string SessionId,
    SmtpListenerKind Listener,
    IPEndPoint? Remote,
    string? HeloName,
    TlsInfo? Tls,
    AuthenticatedPrincipal? Principal,
    MailAddress? Sender,
    long? DeclaredSize = null);

/// <summary>A complete message at the end of DATA or BDAT LAST, before it is stored: its accepted recipients and bytes.</summary>
public sealed record ReceivedMessage(IReadOnlyList<MailAddress> Recipients, ReadOnlyMemory<byte> Content)
{
    /// <summary>Octets as received.</summary>
    public long Size => Content.Length;
}
