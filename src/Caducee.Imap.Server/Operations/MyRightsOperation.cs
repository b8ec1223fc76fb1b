// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>MYRIGHTS (RFC 4314 §3.5): the user's rights on a mailbox they have any right on.</summary>
internal static class MyRightsOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, MyRightsCommand command, CancellationToken cancellationToken)
    {
        var mailbox = await MailboxResolver.ResolveAsync(session.Services, session.User!, command.Mailbox, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return Failures.NoSuchMailbox();
        }

        session.Out.MyRights(mailbox.ClientName, Acls.Show(mailbox.Rights));
        return Completion.Ok("MYRIGHTS completed");
    }
}
