// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>LOGIN user password (RFC 9051 §6.2.3): refused before TLS (LOGINDISABLED, REQ-12).</summary>
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

        await LoginCompletion.CompleteAsync(session, request.Tag, request.Arguments[0].Value, request.Arguments[1].Value, "LOGIN", cancellationToken).ConfigureAwait(false);
        return ImapAction.None;
    }
}
