// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Policy;
using Caducee.Core.Security;
using Caducee.MsSante.Whitelist;
using Caducee.Primitives;

namespace Caducee.MsSante.Trust;

/// <summary>
/// The border of the trust space, as SMTP policy hooks (REQ-05, REQ-08, REQ-09):
/// <list type="bullet">
/// <item>on the MX, a peer must present a client certificate chaining to the configured anchors, not
/// revoked according to the CRL of its issuer, and its subject DN must equal the whitelist's
/// <c>DNCertificatOperateur</c> for the sender's domain; sender and recipient domains must be whitelisted;</item>
/// <item>on submission, remote recipients must be in whitelisted domains;</item>
/// <item>the queue relays only to whitelisted domains.</item>
/// </list>
/// When the whitelist or the CRL cannot be consulted the answer is 451 4.4.3, never a 5xx (STYLE.md §4.6).
/// </summary>
public sealed class MsSanteTrustPolicy(IWhitelistProvider whitelist, CertificateTrust trust, Func<string, bool> isLocalDomain, IRevocationChecker revocation, TimeProvider? clock = null) : ISmtpPolicy
{
    private static readonly PolicyVerdict s_unavailable =
        PolicyVerdict.TempFail("4.4.3", "MSSanté whitelist unavailable at this operator; try again later");

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public ValueTask<PolicyVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Listener == SmtpListenerKind.Mx ? CheckPeer(context) : PolicyVerdict.Continue);

    public ValueTask<PolicyVerdict> OnRcptToAsync(SmtpPolicyContext context, MailAddress recipient, CancellationToken cancellationToken)
    {
        if (context.Listener == SmtpListenerKind.Mx)
        {
            // REQ-05: the recipient's domain is in the trust space too (the MX only takes its own domains).
            return ValueTask.FromResult(CheckDestination(recipient.Domain, "Recipient domain {0} is not in the MSSanté whitelist: this operator receives mail only for domains of the trust space"));
        }

        if (isLocalDomain(recipient.Domain))
        {
            return ValueTask.FromResult(PolicyVerdict.Continue);
        }

        return ValueTask.FromResult(CheckDestination(recipient.Domain, null));
    }

    public ValueTask<PolicyVerdict> OnOutboundAsync(string domain, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CheckDestination(domain, null));

    private PolicyVerdict CheckDestination(string domain, string? refusal)
    {
        var list = whitelist.Current;
        if (list is null)
        {
            return s_unavailable;
        }

        return list.Document.Find(domain) is null
            ? PolicyVerdict.Reject(550, "5.7.1", string.Format(System.Globalization.CultureInfo.InvariantCulture, refusal ?? "Domain {0} is not in the MSSanté whitelist: only addresses of the MSSanté trust space can be reached", domain), "domain not whitelisted")
            : PolicyVerdict.Continue;
    }

    /// <summary>
    /// The chain of a session's peer certificate, built once per session (the certificate object is the session's)
    /// and rebuilt after <see cref="ChainCacheTime"/> or once the certificate is no longer within its validity:
    /// building a chain costs far more than a transaction, and a session carries many (issue 5 point 8).
    /// </summary>
    private (CertificateCheck Check, IReadOnlyList<X509Certificate2> Chain) ValidatedChain(X509Certificate2 certificate)
    {
        var now = _clock.GetUtcNow();
        if (_chains.TryGetValue(certificate, out var cached) && now - cached.At < ChainCacheTime &&
            now.UtcDateTime >= certificate.NotBefore.ToUniversalTime() && now.UtcDateTime <= certificate.NotAfter.ToUniversalTime())
        {
            return (cached.Check, cached.Chain);
        }

        var (check, chain) = trust.ValidateChain(certificate, X509KeyUsagePurpose.ClientAuth, now.UtcDateTime);
        _chains.AddOrUpdate(certificate, new CachedChain(check, chain, now));
        return (check, chain);
    }

    /// <summary>How long a session reuses the chain it built for its peer's certificate.</summary>
    public static readonly TimeSpan ChainCacheTime = TimeSpan.FromMinutes(5);

    private readonly ConditionalWeakTable<X509Certificate2, CachedChain> _chains = new();

    private sealed record CachedChain(CertificateCheck Check, IReadOnlyList<X509Certificate2> Chain, DateTimeOffset At);

    private PolicyVerdict CheckPeer(SmtpPolicyContext context)
    {
        if (context.Tls is null)
        {
            return new PolicyVerdict(VerdictKind.Reject, SmtpReply.TlsRequired, "no TLS");
        }

        var certificate = context.Tls.PeerCertificate;
        if (certificate is null)
        {
            return PolicyVerdict.Reject(550, "5.7.1", "Client certificate required: present your operator's IGC-Santé certificate in the TLS handshake", "no client certificate");
        }

        var (check, chain) = ValidatedChain(certificate);
        if (!check.IsValid)
        {
            return PolicyVerdict.Reject(550, "5.7.1", $"Client certificate rejected: {check.Reason}; present your operator's valid IGC-Santé certificate", check.Reason);
        }

        // REQ-09: revocation by the CRL of the issuer, at every MAIL (a CRL can arrive during a session); no usable
        // CRL is a temporary failure, never a 5xx.
        var status = revocation.Check(chain);

        switch (status.State)
        {
            case RevocationState.Revoked:
                return PolicyVerdict.Reject(550, "5.7.1", $"Client certificate revoked: {status.Detail}; your operator must use a new IGC-Santé certificate", "certificate revoked");
            case RevocationState.Unknown:
                return PolicyVerdict.TempFail("4.4.3", $"Cannot check the revocation of your certificate: {status.Detail}; try again later", "CRL unavailable: " + status.Detail);
        }

        var list = whitelist.Current;
        if (list is null)
        {
            return s_unavailable;
        }

        var peerDn = DistinguishedName.FromCertificate(certificate);
        if (context.Sender is null)
        {
            // A bounce (<>): the peer must be some operator of the trust space.
            return list.Document.HasOperator(peerDn)
                ? PolicyVerdict.Continue
                : PolicyVerdict.Reject(550, "5.7.1", $"Certificate subject {peerDn} is not an operator of the MSSanté whitelist", "unknown operator DN");
        }

        var entry = list.Document.Find(context.Sender.Domain);
        if (entry is null)
        {
            return PolicyVerdict.Reject(550, "5.7.1", $"Sender domain {context.Sender.Domain} is not in the MSSanté whitelist: only operators of the trust space may send through this MX", "sender domain not whitelisted");
        }

        return DistinguishedName.Parse(entry.DnCertificatOperateur).Equals(peerDn)
            ? PolicyVerdict.Continue
            : PolicyVerdict.Reject(550, "5.7.1", $"Certificate subject {peerDn} is not the operator certificate listed for {context.Sender.Domain} (expected {entry.DnCertificatOperateur})", "DN mismatch");
    }
}
