// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>GETQUOTAROOT (RFC 9208 §4.3): the quota root of a mailbox (its BAL) and that root's quota.</summary>
internal static class GetQuotaRootOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, GetQuotaRootCommand command, CancellationToken cancellationToken)
    {
        var mailbox = await MailboxResolver.ResolveAsync(session.Services, session.User!, command.Mailbox, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return Failures.NoSuchMailbox();
        }

        session.Out.QuotaRoot(mailbox.ClientName, [mailbox.QuotaRoot]);
        await Quotas.WriteAsync(session, mailbox.QuotaRoot, mailbox.MailboxId, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("GETQUOTAROOT completed");
    }
}
