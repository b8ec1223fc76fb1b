// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations.PreAuth;

/// <summary>The end of LOGIN and AUTHENTICATE: one way to log in (with the per-user connection limit) or to answer a failure.</summary>
internal static class LoginCompletion
{
    public static Completion Complete(ImapSession session, string mechanism, AuthResult result)
    {
        if (result.Principal is { } principal)
        {
            if (!session.TryLogIn(principal))
            {
                // Issue 6 point 5: not a failed guess; the client may retry once it closed other connections.
                return Completion.No(ResponseCode.Limit, $"Too many connections for this mailbox (at most {session.Options.MaxConnectionsPerUser}); close some and try again");
            }

            Log.AuthSucceeded(session.Logger, session.Id, principal.Mailbox.Address.ToString(), principal.Mechanism);
            return Completion.Ok("Logged in", ResponseCode.Capability(Capabilities.For(session)));
        }

        Log.AuthFailed(session.Logger, session.Id, result.User ?? "-", mechanism + ": " + result.Reason);
        var (status, code) = ImapAuthReplies.For(result.Failure);
        if (status == ImapStatus.No)
        {
            // A failed login counts as an error (BAD answers are counted where they are written).
            session.Errors++;
        }

        return new Completion(status, code, result.Reason);
    }
}
