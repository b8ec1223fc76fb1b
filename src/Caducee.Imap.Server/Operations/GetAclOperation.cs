// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>GETACL (RFC 4314 §3.3): the owner's implicit entry, then the stored ones. Needs "a".</summary>
internal static class GetAclOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, GetAclCommand command, CancellationToken cancellationToken)
    {
        var (mailbox, refusal) = await Access.RequireAsync(session, command.Mailbox, 'a', "read the access control list", cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return refusal;
        }

        var entries = await session.Services.Store.GetAclAsync(mailbox.Folder.Id, cancellationToken).ConfigureAwait(false);
        session.Out.Acl(mailbox.ClientName, [new(Acls.OwnerOf(session, mailbox), Acls.Grantable), .. entries.Select(e => new KeyValuePair<string, string>(e.Identifier, Acls.Show(e.Rights)))]);
        return Completion.Ok("GETACL completed");
    }
}
