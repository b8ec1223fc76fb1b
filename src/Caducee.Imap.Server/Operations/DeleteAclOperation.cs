// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>DELETEACL (RFC 4314 §3.2): remove an identifier's entry. Needs "a".</summary>
internal static class DeleteAclOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, DeleteAclCommand command, CancellationToken cancellationToken)
    {
        if (command.Identifier.StartsWith('-'))
        {
            return Completion.No(ResponseCode.Cannot, "Negative rights are not supported");
        }

        var (mailbox, refusal) = await Access.RequireAsync(session, command.Mailbox, 'a', "change the access control list", cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return refusal;
        }

        await session.Services.Store.SetAclAsync(mailbox.Folder.Id, command.Identifier, Core.Model.AclModification.Replace, Core.Model.AclRights.None, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("DELETEACL completed");
    }
}
