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

/// <summary>What policy hooks may look at. Read-only to hooks; the session owns the state.</summary>
public sealed record SmtpPolicyContext(
    string SessionId,
    SmtpListenerKind Listener,
    IPEndPoint? Remote,
    string? HeloName,
    TlsInfo? Tls,
    AuthenticatedPrincipal? Principal,
    MailAddress? Sender);
