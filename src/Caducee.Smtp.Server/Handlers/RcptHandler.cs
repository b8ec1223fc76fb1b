// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>
/// RCPT TO: local recipients must be active mailboxes; remote ones are allowed on submission only (the
/// MX is not an open relay), then the policy hooks decide (whitelist on submission).
/// </summary>
internal static class RcptHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession session, RcptCommand command, CancellationToken cancellationToken)
    {
        var tx = session.Transaction!;
        if (tx.RecipientCount >= session.Options.MaxRecipients)
        {
            session.Reply(new SmtpReply(452, "4.5.3", $"Too many recipients (limit {session.Options.MaxRecipients}); send the rest in another transaction"));
            return false;
        }

        var recipient = command.Recipient;
        MailboxInfo? mailbox = null;
        if (session.Options.IsLocalDomain(recipient.Domain))
        {
            try
            {
                mailbox = await session.Services.Store.FindMailboxAsync(recipient, cancellationToken).ConfigureAwait(false);
            }
            catch (MailException ex)
            {
                session.Reply(SmtpErrorMapping.ToSmtpReply(ex.Error, "Cannot verify the recipient at this time; try again later"));
                return false;
            }

            if (mailbox is null)
            {
                session.Errors++;
                session.Reply(new SmtpReply(550, "5.1.1", $"Recipient {recipient} unknown: no such mailbox at this operator"));
                return false;
            }

            if (mailbox.Status != MailboxStatus.Active)
            {
                session.Reply(new SmtpReply(550, "5.2.1", $"Mailbox {recipient} is {mailbox.Status.ToString().ToLowerInvariant()} and cannot receive mail"));
                return false;
            }
        }
        else if (session.Options.Kind == SmtpListenerKind.Mx)
        {
            session.Errors++;
            session.Reply(new SmtpReply(550, "5.7.1", $"Relaying denied: {recipient.Domain} is not a domain of this operator"));
            return false;
        }

        var verdict = await session.Services.Policy.OnRcptToAsync(session.PolicyContext(), recipient, cancellationToken).ConfigureAwait(false);
        if (verdict.IsRefusal)
        {
            Log.PolicyRefused(session.Logger, session.Id, "RCPT", verdict.Reply!.Code, verdict.Reply.Enhanced, verdict.Reason);
            session.Reply(verdict.Reply);
            return false;
        }

        if (mailbox is not null)
        {
            if (!tx.LocalRecipients.Any(r => r.Mailbox.Id == mailbox.Id))
            {
                tx.LocalRecipients.Add((command, mailbox));
            }
        }
        else if (!tx.RemoteRecipients.Any(r => r.Recipient.SameMailbox(recipient)))
        {
            tx.RemoteRecipients.Add(command);
        }

        session.Reply(new SmtpReply(250, "2.1.5", "Recipient OK"));
        return true;
    }
}
