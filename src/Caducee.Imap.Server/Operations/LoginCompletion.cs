// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>The end of LOGIN and AUTHENTICATE: one way to log in or to answer a failure.</summary>
internal static class LoginCompletion
{
    public static void Complete(ImapSession session, string tag, string mechanism, AuthResult result)
    {
        if (result.Principal is { } principal)
        {
            session.State = new Authenticated(principal);
            Log.AuthSucceeded(session.Logger, session.Id, principal.Mailbox.Address.ToString(), principal.Mechanism);
            session.Out.Tagged(tag, "OK", $"[CAPABILITY {CapabilityOperation.Capabilities(session)}] Logged in");
            return;
        }

        Log.AuthFailed(session.Logger, session.Id, result.User ?? "-", mechanism + ": " + result.Reason);
        if (result.Failure != AuthFailure.Cancelled)
        {
            session.Errors++;
        }

        var (status, text) = ImapAuthReplies.For(result);
        session.Out.Tagged(tag, status, text);
    }
}
