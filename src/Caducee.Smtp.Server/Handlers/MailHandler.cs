// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>MAIL FROM: TLS first on every listener; on submission, an authenticated owner of the address; then the policy hooks.</summary>
internal static class MailHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession session, MailCommand command, CancellationToken cancellationToken)
    {
        if (session.Tls is null)
        {
            session.Errors++;
            session.Reply(SmtpReply.TlsRequired);
            return false;
        }

        if (session.Options.Kind == SmtpListenerKind.Submission)
        {
            if (session.Principal is null)
            {
                session.Errors++;
                session.Reply(new SmtpReply(530, "5.7.0", "Authentication required"));
                return false;
            }

            // Send-as (issue 5 point 4): the envelope sender must be a mailbox the principal owns or is
            // delegated; the From header is not checked here (docs/adr/0005-authentication.md).
            bool allowed;
            try
            {
                allowed = command.Sender is not null && await session.Services.Auth.MaySendAsAsync(session.Principal, command.Sender, cancellationToken).ConfigureAwait(false);
            }
            catch (MailException)
            {
                session.Reply(SmtpErrorMapping.ToSmtpReply(MailError.Unavailable, "Cannot check the sender's mailbox now; try again later"));
                return false;
            }

            if (!allowed)
            {
                Log.PolicyRefused(session.Logger, session.Id, "MAIL", 550, "5.7.1", "send-as refused");
                session.Reply(new SmtpReply(550, "5.7.1", $"Sender address {command.Sender?.ToString() ?? "<>"} refused: {session.Principal.Mailbox.Address} may send only as mailboxes it owns or is delegated"));
                return false;
            }
        }

        if (command.Body == BodyType.BinaryMime)
        {
            // RFC 3030 §3: BINARYMIME is not advertised (relaying it would need a conversion to 8BITMIME).
            session.Errors++;
            session.Reply(new SmtpReply(555, "5.5.4", "BODY=BINARYMIME is not supported here; send the message as 8BITMIME (with BDAT or DATA)"));
            return false;
        }

        if (command.DeclaredSize > session.Options.MaxMessageSize)
        {
            session.Reply(new SmtpReply(552, "5.3.4", $"Message size exceeds the limit of {session.Options.MaxMessageSize} octets"));
            return false;
        }

        session.Transaction = new SmtpTransaction(command);
        var verdict = await session.Services.Policy.OnMailFromAsync(session.PolicyContext(), cancellationToken).ConfigureAwait(false);
        if (verdict.IsRefusal)
        {
            session.Transaction = null;
            Log.PolicyRefused(session.Logger, session.Id, "MAIL", verdict.Reply!.Code, verdict.Reply.Enhanced, verdict.Reason);
            session.Reply(verdict.Reply);
            return false;
        }

        session.Reply(new SmtpReply(250, "2.1.0", "Sender OK"));
        return true;
    }
}
