// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>The end of LOGIN and AUTHENTICATE: one verification path through the shared auth component.</summary>
internal static class LoginCompletion
{
    public static async Task CompleteAsync(ImapSession session, string tag, string user, string password, string mechanism, CancellationToken cancellationToken)
    {
        var result = await session.Services.Auth.AuthenticatePasswordAsync(user, password, session.Remote?.Address, cancellationToken).ConfigureAwait(false);
        if (result.Principal is { } principal)
        {
            session.State = new Authenticated(principal with { Mechanism = mechanism });
            Log.AuthSucceeded(session.Logger, session.Id, principal.Mailbox.Address.ToString(), mechanism);
            session.Out.Tagged(tag, "OK", $"[CAPABILITY {CapabilityOperation.Capabilities(session)}] Logged in");
            return;
        }

        Log.AuthFailed(session.Logger, session.Id, user, result.Failure.ToString());
        session.Errors++;
        session.Out.Tagged(tag, "NO", result.Failure switch
        {
            AuthFailure.LockedOut => "[UNAVAILABLE] Too many failed attempts; try again later",
            AuthFailure.Unavailable => "[UNAVAILABLE] Temporary authentication failure; try again later",
            AuthFailure.MailboxDisabled => "[AUTHORIZATIONFAILED] Mailbox suspended or closed",
            _ => "[AUTHENTICATIONFAILED] Invalid credentials",
        });
    }
}
