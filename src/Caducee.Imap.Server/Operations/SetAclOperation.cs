// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// SETACL (RFC 4314 §3.1): replace, add ("+") or remove ("-") an identifier's rights on one mailbox —
/// identifiers are "anyone" or an address of this operator (a delegate's login). Needs "a". The owner's
/// rights cannot change; negative rights ("-identifier") are not supported.
/// </summary>
internal static class SetAclOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, SetAclCommand command, CancellationToken cancellationToken)
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

        await session.Services.Store.SetAclAsync(mailbox.Folder.Id, command.Identifier, Acls.ToStore(command.Modification), Acls.Parse(command.Rights), cancellationToken).ConfigureAwait(false);
        return Completion.Ok("SETACL completed");
    }
}
