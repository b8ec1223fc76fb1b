// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth.Sasl;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// LOGIN user password (RFC 9051 §6.2.3): refused before TLS (LOGINDISABLED, REQ-12) and when the
/// operator switched password methods off; PER boxes may be refused by the auth component (REQ-15).
/// </summary>
internal static class LoginOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (!session.IsTls)
        {
            session.Out.Tagged(request.Tag, "NO", "[PRIVACYREQUIRED] LOGIN is disabled before STARTTLS");
            return ImapAction.None;
        }

        if (request.Arguments.Count != 2 || !request.Arguments[0].IsString || !request.Arguments[1].IsString)
        {
            return Dispatcher.Bad(session, request, "Syntax: LOGIN <user> <password>");
        }

        var auth = session.Services.Auth;
        if (!auth.PasswordLoginAllowed)
        {
            session.Out.Tagged(request.Tag, "NO", $"[CANNOT] LOGIN is disabled at this operator: use AUTHENTICATE with {string.Join(", ", auth.Mechanisms(AuthProtocol.Imap))}");
            return ImapAction.None;
        }

        var result = await auth.AuthenticatePasswordAsync(request.Arguments[0].Value, request.Arguments[1].Value, session.Remote?.Address, cancellationToken).ConfigureAwait(false);
        LoginCompletion.Complete(session, request.Tag, "LOGIN", result);
        return ImapAction.None;
    }
}
