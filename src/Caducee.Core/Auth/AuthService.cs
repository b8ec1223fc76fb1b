// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>Default <see cref="IAuthService"/> over the mail store.</summary>
/// <remarks>Two throttles: one per account (few failures), one per client address (more, as a NAT may hide many users).</remarks>
public sealed class AuthService(IMailStore store, LoginThrottle accounts, LoginThrottle clients) : IAuthService
{
    public async Task<AuthResult> AuthenticatePasswordAsync(string userName, string password, IPAddress? client, CancellationToken cancellationToken)
    {
        var accountKey = "user:" + userName.ToLowerInvariant();
        var clientKey = "ip:" + (client?.ToString() ?? "?");
        if (accounts.IsLocked(accountKey) || clients.IsLocked(clientKey))
        {
            return AuthResult.Fail(AuthFailure.LockedOut);
        }

        if (!MailAddress.TryParse(userName, out var address, out _))
        {
            RecordFailure(accountKey, clientKey);
            return AuthResult.Fail(AuthFailure.InvalidCredentials);
        }

        MailboxInfo? mailbox;
        string? hash;
        try
        {
            mailbox = await store.FindMailboxAsync(address, cancellationToken).ConfigureAwait(false);
            hash = mailbox is null ? null : await store.GetPasswordHashAsync(mailbox.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException)
        {
            return AuthResult.Fail(AuthFailure.Unavailable);
        }

        // Verify against a dummy hash when the account is unknown, so timing does not reveal which exist.
        var ok = PasswordHasher.Verify(password, hash ?? s_dummyHash) && hash is not null && mailbox is not null;
        if (!ok)
        {
            RecordFailure(accountKey, clientKey);
            return AuthResult.Fail(AuthFailure.InvalidCredentials);
        }

        if (mailbox!.Status != MailboxStatus.Active)
        {
            return AuthResult.Fail(AuthFailure.MailboxDisabled);
        }

        accounts.RecordSuccess(accountKey);
        return AuthResult.Success(new AuthenticatedPrincipal(mailbox, "PLAIN"));
    }

    private void RecordFailure(string accountKey, string clientKey)
    {
        accounts.RecordFailure(accountKey);
        clients.RecordFailure(clientKey);
    }

    private static readonly string s_dummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());
}
