// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>SUBSCRIBE (RFC 9051 §6.3.7): a name in the user's own list (shared names too); it may name no mailbox now.</summary>
internal static class SubscribeOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, SubscribeCommand command, CancellationToken cancellationToken)
    {
        await session.Services.Store.SetSubscriptionAsync(session.User!.MailboxId, Namespaces.Canonical(command.Mailbox), subscribed: true, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("SUBSCRIBE completed");
    }
}
