// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>LISTRIGHTS (RFC 4314 §3.4): the owner always has every right; anyone else may be granted each right alone. Needs "a".</summary>
internal static class ListRightsOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, ListRightsCommand command, CancellationToken cancellationToken)
    {
        var (mailbox, refusal) = await Access.RequireAsync(session, command.Mailbox, 'a', "read the access control list", cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return refusal;
        }

        var identifier = AclIdentifiers.Normalize(command.Identifier) ?? command.Identifier;
        if (identifier == Acls.OwnerOf(session, mailbox))
        {
            session.Out.ListRights(mailbox.ClientName, command.Identifier, Acls.Grantable, []);
        }
        else
        {
            session.Out.ListRights(mailbox.ClientName, command.Identifier, string.Empty, Acls.Grantable.Select(c => c.ToString()));
        }

        return Completion.Ok("LISTRIGHTS completed");
    }
}
