// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// DELETE (RFC 9051 §6.3.5): the folder and its messages; a folder with children stays as a \Noselect
/// level. INBOX cannot be deleted. Needs "x" (RFC 4314). Deleting the selected mailbox leaves the selected
/// state first; other sessions that have it selected get BYE.
/// </summary>
internal static class DeleteOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, DeleteCommand command, CancellationToken cancellationToken)
    {
        var (mailbox, refusal) = await Access.RequireAsync(session, command.Mailbox, 'x', "delete the mailbox", cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return refusal;
        }

        if (session.Selected?.FolderId == mailbox.Folder.Id)
        {
            session.Deselect();
            session.Out.Untagged(ImapStatus.Ok, ResponseCode.Closed, "The selected mailbox is being deleted");
        }

        try
        {
            await session.Services.Store.DeleteFolderAsync(mailbox.MailboxId, mailbox.Folder.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException ex) when (ex.Error == MailError.NotPossible && !mailbox.Folder.Selectable)
        {
            return Completion.No(ResponseCode.HasChildren, "This level has mailboxes below it: delete them first");
        }

        return Completion.Ok("DELETE completed");
    }
}
