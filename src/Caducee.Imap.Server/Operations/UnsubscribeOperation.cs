// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>UNSUBSCRIBE (RFC 9051 §6.3.8): removes a name from the user's list, whether or not a mailbox has it.</summary>
internal static class UnsubscribeOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, UnsubscribeCommand command, CancellationToken cancellationToken)
    {
        await session.Services.Store.SetSubscriptionAsync(session.User!.MailboxId, Namespaces.Canonical(command.Mailbox), subscribed: false, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("UNSUBSCRIBE completed");
    }
}
