// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Model;
using Caducee.Core.Security;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>
/// Default <see cref="IAuthService"/>: passwords (PLAIN, LOGIN), client certificates (EXTERNAL) and OpenID
/// Connect access tokens (XOAUTH2, OAUTHBEARER), each mapped to the mailbox the session acts as through
/// <see cref="IAuthDirectory"/>. Rules: docs/adr/0005-authentication.md.
/// </summary>
/// <remarks>Two throttles: one per account (few failures), one per client address (more, as a NAT may hide many users).</remarks>
public sealed class AuthService : IAuthService
{
    private const string StrongMethods = "a Pro Santé Connect token (XOAUTH2, OAUTHBEARER) or a CPS certificate (EXTERNAL)";
    private static readonly string s_dummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    private readonly IAuthDirectory _directory;
    private readonly AuthOptions _options;
    private readonly LoginThrottle _accounts;
    private readonly LoginThrottle _clients;
    private readonly CertificateTrust? _clientTrust;
    private readonly IRevocationCheck _revocation;
    private readonly OidcTokenValidator? _oidc;

    /// <param name="directory">Mailboxes and who may use them.</param>
    /// <param name="options">Which methods are on.</param>
    /// <param name="accounts">Failures per account name.</param>
    /// <param name="clients">Failures per client address.</param>
    /// <param name="clientTrust">Anchors for TLS client certificates; null switches EXTERNAL off.</param>
    /// <param name="revocation">Revocation of client certificates (the CRL component); none checked when null.</param>
    /// <param name="oidc">The token issuer; null switches XOAUTH2 and OAUTHBEARER off.</param>
    public AuthService(
        IAuthDirectory directory,
        AuthOptions options,
        LoginThrottle accounts,
        LoginThrottle clients,
        CertificateTrust? clientTrust = null,
        IRevocationCheck? revocation = null,
        OidcTokenValidator? oidc = null)
    {
        _directory = directory;
        _options = options;
        _accounts = accounts;
        _clients = clients;
        _clientTrust = options.External ? clientTrust : null;
        _revocation = revocation ?? RevocationNotChecked.Instance;
        _oidc = oidc;
    }

    public bool PasswordLoginAllowed => _options.PasswordMethods;

    public IReadOnlyList<string> Mechanisms(AuthProtocol protocol)
    {
        var list = new List<string>(5);
        if (_options.PasswordMethods)
        {
            list.Add(SaslMechanismNames.Plain);
            if (protocol == AuthProtocol.Smtp)
            {
                list.Add(SaslMechanismNames.Login);
            }
        }

        if (_clientTrust is not null)
        {
            list.Add(SaslMechanismNames.External);
        }

        if (_oidc is not null)
        {
            list.Add(SaslMechanismNames.XOAuth2);
            list.Add(SaslMechanismNames.OAuthBearer);
        }

        return list;
    }

    public SaslServerMechanism? CreateMechanism(string name, AuthProtocol protocol)
    {
        if (!Mechanisms(protocol).Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        return name switch
        {
            SaslMechanismNames.Plain => new PlainMechanism(),
            SaslMechanismNames.Login => new LoginMechanism(),
            SaslMechanismNames.External => new ExternalMechanism(),
            SaslMechanismNames.XOAuth2 => new XOAuth2Mechanism(_oidc!.Options.Scope),
            SaslMechanismNames.OAuthBearer => new OAuthBearerMechanism(_oidc!.Options.Scope, _oidc.Options.DiscoveryUrl.ToString()),
            _ => null,
        };
    }

    public Task<AuthResult> AuthenticatePasswordAsync(string userName, string password, IPAddress? client, CancellationToken cancellationToken) =>
        AuthenticateAsync(new PasswordCredentials(SaslMechanismNames.Login, null, userName, password), new AuthContext(client, null), cancellationToken);

    public async Task<AuthResult> AuthenticateAsync(SaslCredentials credentials, AuthContext context, CancellationToken cancellationToken)
    {
        var clientKey = "ip:" + (context.Client?.ToString() ?? "?");
        if (_clients.IsLocked(clientKey))
        {
            return AuthResult.Fail(AuthFailure.LockedOut, "Too many failed attempts from this address; try again later", credentials.LogName);
        }

        try
        {
            return credentials switch
            {
                PasswordCredentials p => await PasswordAsync(p, clientKey, cancellationToken).ConfigureAwait(false),
                ExternalCredentials e => await ExternalAsync(e, context, cancellationToken).ConfigureAwait(false),
                BearerCredentials b => await BearerAsync(b, clientKey, cancellationToken).ConfigureAwait(false),
                _ => AuthResult.Fail(AuthFailure.MechanismNotAllowed, $"Mechanism {credentials.Mechanism} is not offered"),
            };
        }
        catch (MailException)
        {
            return AuthResult.Fail(AuthFailure.Unavailable, "The mailbox directory is unavailable; try again later", credentials.LogName);
        }
    }

    public async Task<bool> MaySendAsAsync(AuthenticatedPrincipal principal, MailAddress sender, CancellationToken cancellationToken)
    {
        if (principal.Mailbox.Address.SameMailbox(sender))
        {
            return true;
        }

        var mailbox = await _directory.FindMailboxAsync(sender, cancellationToken).ConfigureAwait(false);
        return mailbox is { Status: MailboxStatus.Active }
            && await _directory.MayUseAsync(principal.Identity, mailbox, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthResult> PasswordAsync(PasswordCredentials credentials, string clientKey, CancellationToken cancellationToken)
    {
        var user = credentials.UserName;
        if (!_options.PasswordMethods)
        {
            return AuthResult.Fail(AuthFailure.MechanismNotAllowed, $"Password authentication is disabled at this operator: use {StrongMethods}", user);
        }

        var accountKey = "user:" + user.ToLowerInvariant();
        if (_accounts.IsLocked(accountKey))
        {
            return AuthResult.Fail(AuthFailure.LockedOut, "Too many failed attempts for this account; try again later", user);
        }

        MailboxInfo? mailbox = null;
        if (MailAddress.TryParse(user, out var address, out _))
        {
            mailbox = await _directory.FindMailboxAsync(address, cancellationToken).ConfigureAwait(false);
        }

        // REQ-15: decided before the password is checked, so the answer is no oracle on the password.
        if (mailbox is { Kind: MailboxKind.Per } && !_options.PasswordForPer)
        {
            return AuthResult.Fail(AuthFailure.MechanismTooWeak, $"Authentication mechanism is too weak: personal (PER) mailboxes use {StrongMethods}", user);
        }

        var hash = mailbox is null ? null : await _directory.GetPasswordHashAsync(mailbox, cancellationToken).ConfigureAwait(false);

        // Verify against a dummy hash when the account is unknown, so timing does not reveal which exist.
        var ok = PasswordHasher.Verify(credentials.Password, hash ?? s_dummyHash) && hash is not null && mailbox is not null;
        if (!ok)
        {
            _accounts.RecordFailure(accountKey);
            _clients.RecordFailure(clientKey);
            return AuthResult.Fail(AuthFailure.InvalidCredentials, "Authentication credentials invalid", user);
        }

        _accounts.RecordSuccess(accountKey);
        var identity = AuthIdentity.ForMailbox(mailbox!);
        var authzid = credentials.AuthorizationId;
        if (authzid is not null && !(MailAddress.TryParse(authzid, out var asked, out _) && asked.SameMailbox(mailbox!.Address)))
        {
            return await ResolveAsync(identity, authzid, credentials, "this mailbox", cancellationToken).ConfigureAwait(false);
        }

        return Accept(mailbox!, credentials, identity);
    }

    private async Task<AuthResult> ExternalAsync(ExternalCredentials credentials, AuthContext context, CancellationToken cancellationToken)
    {
        var user = credentials.LogName;
        if (_clientTrust is null)
        {
            return AuthResult.Fail(AuthFailure.MechanismNotAllowed, "EXTERNAL is not offered by this operator", user);
        }

        if (context.ClientCertificate is not { } certificate)
        {
            return AuthResult.Fail(AuthFailure.InvalidCredentials, "No client certificate: present your CPS or organisation certificate in the TLS handshake", user);
        }

        var check = _clientTrust.Validate(certificate, X509KeyUsagePurpose.ClientAuth);
        if (!check.IsValid)
        {
            return AuthResult.Fail(AuthFailure.InvalidCredentials, "Client certificate rejected: " + check.Reason, user);
        }

        switch (await _revocation.CheckAsync(certificate, cancellationToken).ConfigureAwait(false))
        {
            case RevocationStatus.Revoked:
                return AuthResult.Fail(AuthFailure.InvalidCredentials, "Client certificate rejected: certificate revoked", user);
            case RevocationStatus.Unknown:
                return AuthResult.Fail(AuthFailure.Unavailable, "The revocation status of the client certificate cannot be checked now; try again later", user);
        }

        var identity = CertificateIdentity.FromCertificate(certificate);
        var who = identity.Kind == IdentityKind.Professional ? $"the professional with RPPS {identity.Id}" : "this organisation certificate";
        return await ResolveAsync(identity, credentials.AuthorizationId, credentials, who, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthResult> BearerAsync(BearerCredentials credentials, string clientKey, CancellationToken cancellationToken)
    {
        var user = credentials.LogName;
        if (_oidc is null)
        {
            return AuthResult.Fail(AuthFailure.MechanismNotAllowed, $"{credentials.Mechanism} is not offered by this operator", user);
        }

        var check = await _oidc.ValidateAsync(credentials.Token, cancellationToken).ConfigureAwait(false);
        switch (check.Verdict)
        {
            case TokenVerdict.Invalid:
                _clients.RecordFailure(clientKey);
                return AuthResult.Fail(AuthFailure.InvalidCredentials, "Authentication credentials invalid: " + check.Reason, user);
            case TokenVerdict.InsufficientScope:
                return AuthResult.Fail(AuthFailure.InsufficientScope, "Authentication credentials invalid: " + check.Reason, user);
            case TokenVerdict.Unavailable:
                return AuthResult.Fail(AuthFailure.Unavailable, "Temporary authentication failure: " + check.Reason, user);
        }

        var identity = AuthIdentity.Professional(check.Rpps!);
        return await ResolveAsync(identity, credentials.AuthorizationId, credentials, $"the professional with RPPS {check.Rpps}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The mailbox an authenticated identity acts as: the authorization identity when given (owned or
    /// delegated), else the one mailbox the identity owns. Several owned and none named is refused: the
    /// first by address is not a choice the server may make for the client.
    /// </summary>
    private async Task<AuthResult> ResolveAsync(AuthIdentity identity, string? authzid, SaslCredentials credentials, string who, CancellationToken cancellationToken)
    {
        var user = credentials.LogName;
        MailboxInfo target;
        if (authzid is not null)
        {
            var mailbox = MailAddress.TryParse(authzid, out var address, out _)
                ? await _directory.FindMailboxAsync(address, cancellationToken).ConfigureAwait(false)
                : null;
            if (mailbox is null || !await _directory.MayUseAsync(identity, mailbox, cancellationToken).ConfigureAwait(false))
            {
                return AuthResult.Fail(AuthFailure.NotAuthorized, $"Not authorized: {who} may not use mailbox {authzid} (neither owner nor delegate)", user);
            }

            target = mailbox;
        }
        else
        {
            var candidates = identity.Kind switch
            {
                IdentityKind.Professional => await _directory.FindMailboxesOwnedByAsync(identity.Id, cancellationToken).ConfigureAwait(false),
                IdentityKind.Organisation => await _directory.FindMailboxByCertificateSubjectAsync(identity.Id, cancellationToken).ConfigureAwait(false) is { } m ? [m] : [],
                _ => [],
            };
            if (candidates.Count == 0)
            {
                return AuthResult.Fail(AuthFailure.NotAuthorized, $"Not authorized: no mailbox at this operator belongs to {who}", user);
            }

            if (candidates.Count > 1)
            {
                return AuthResult.Fail(AuthFailure.AuthzidRequired, $"{char.ToUpperInvariant(who[0])}{who[1..]} owns several mailboxes ({string.Join(", ", candidates.Select(c => c.Address))}): give the one to use as authorization identity", user);
            }

            target = candidates[0];
        }

        return Accept(target, credentials, identity);
    }

    private static AuthResult Accept(MailboxInfo mailbox, SaslCredentials credentials, AuthIdentity identity) =>
        mailbox.Status != MailboxStatus.Active
            ? AuthResult.Fail(AuthFailure.MailboxDisabled, $"Mailbox {mailbox.Address} is suspended or closed", credentials.LogName)
            : AuthResult.Success(new AuthenticatedPrincipal(mailbox, credentials.Mechanism, identity));
}
