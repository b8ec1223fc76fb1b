// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth.Sasl;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations.PreAuth;

/// <summary>
/// LOGIN user password (RFC 9051 §6.2.3): refused before TLS (LOGINDISABLED, REQ-12) and when the
/// operator switched password methods off; PER boxes may be refused by the auth component (REQ-15).
/// </summary>
internal static class LoginOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, LoginCommand command, CancellationToken cancellationToken)
    {
        if (!session.IsTls)
        {
            return Completion.No(ResponseCode.PrivacyRequired, "LOGIN is disabled before STARTTLS");
        }

        var auth = session.Services.Auth;
        if (!auth.PasswordLoginAllowed)
        {
            return Completion.No(ResponseCode.Cannot, $"LOGIN is disabled at this operator: use AUTHENTICATE with {string.Join(", ", auth.Mechanisms(AuthProtocol.Imap))}");
        }

        var result = await auth.AuthenticatePasswordAsync(command.UserName, command.Password, session.Remote?.Address, cancellationToken).ConfigureAwait(false);
        return LoginCompletion.Complete(session, "LOGIN", result);
    }
}
