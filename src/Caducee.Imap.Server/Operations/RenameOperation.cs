// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// RENAME (RFC 9051 §6.3.6): children follow; renaming INBOX moves its messages into the new mailbox and
/// leaves INBOX empty. Within one mailbox only (a folder cannot move between a user's box and a shared
/// one); in a shared mailbox it needs "x" on the folder and "k" on the new parent (RFC 4314).
/// </summary>
internal static class RenameOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, RenameCommand command, CancellationToken cancellationToken)
    {
        var (source, refusal) = await Access.RequireAsync(session, command.From, 'x', "rename the mailbox", cancellationToken).ConfigureAwait(false);
        if (source is null)
        {
            return refusal;
        }

        var target = Namespaces.Parse(command.To.TrimEnd(Namespaces.Delimiter));
        string newName;
        switch (target)
        {
            case PersonalName { Folder: var folder } when !source.IsShared:
                if (Namespaces.IsReserved(folder))
                {
                    return Completion.No(ResponseCode.Cannot, $"\"{Namespaces.SharedRoot}\" is reserved for the mailboxes shared with you");
                }

                newName = folder;
                break;

            case SharedName shared when source.Owner?.Key == shared.Owner:
                if (FolderNames.Parent(shared.Folder) is not { } parent)
                {
                    return Completion.No(ResponseCode.NoPerm, "Folders of a shared mailbox stay under one of its folders");
                }

                var (parentMailbox, parentRefusal) = await Access.RequireAsync(session, Namespaces.SharedName(shared.Owner, parent), 'k', "create folders", cancellationToken).ConfigureAwait(false);
                if (parentMailbox is null)
                {
                    return parentRefusal;
                }

                newName = shared.Folder;
                break;

            default:
                return Completion.No(ResponseCode.Cannot, "A mailbox cannot be moved between your mailbox and a shared one");
        }

        await session.Services.Store.RenameFolderAsync(source.MailboxId, source.Folder.Name, newName, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("RENAME completed");
    }
}
