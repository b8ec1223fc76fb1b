// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// CREATE (RFC 9051 §6.3.4) with USE (CREATE-SPECIAL-USE, RFC 6154 §3): missing levels are created too.
/// In a shared mailbox it needs "k" on the parent folder (RFC 4314); "Shared" itself is reserved.
/// </summary>
internal static class CreateOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, CreateCommand command, CancellationToken cancellationToken)
    {
        // A trailing delimiter only says the name will have children (RFC 9051 §6.3.4).
        var name = command.Mailbox.TrimEnd(Namespaces.Delimiter);
        string? use = null;
        if (command.SpecialUse.Count > 1)
        {
            return Completion.No(ResponseCode.UseAttr, "Only one special-use attribute per mailbox");
        }

        if (command.SpecialUse.Count == 1 && !FolderNames.TryNormalizeSpecialUse(command.SpecialUse[0], out use))
        {
            return Completion.No(ResponseCode.UseAttr, $"Unknown special-use attribute {command.SpecialUse[0]} (supported: {string.Join(' ', FolderNames.SpecialUses)})");
        }

        var user = session.User!;
        switch (Namespaces.Parse(name))
        {
            case PersonalName { Folder: var folder }:
                if (Namespaces.IsReserved(folder))
                {
                    return Completion.No(ResponseCode.Cannot, $"\"{Namespaces.SharedRoot}\" is reserved for the mailboxes shared with you");
                }

                if (FolderNames.IsInbox(folder))
                {
                    return Completion.No(ResponseCode.AlreadyExists, "INBOX always exists");
                }

                await session.Services.Store.CreateFolderAsync(user.MailboxId, folder, use, cancellationToken).ConfigureAwait(false);
                return Completion.Ok("CREATE completed");

            case SharedName shared:
                var parent = FolderNames.Parent(shared.Folder);
                if (parent is null)
                {
                    return Completion.No(ResponseCode.NoPerm, "Folders of a shared mailbox are created under one of its folders");
                }

                var (parentMailbox, refusal) = await Access.RequireAsync(session, Namespaces.SharedName(shared.Owner, parent), 'k', "create folders", cancellationToken).ConfigureAwait(false);
                if (parentMailbox is null)
                {
                    return refusal;
                }

                await session.Services.Store.CreateFolderAsync(parentMailbox.MailboxId, shared.Folder, use, cancellationToken).ConfigureAwait(false);
                return Completion.Ok("CREATE completed");

            default:
                return Completion.No(ResponseCode.Cannot, $"\"{Namespaces.SharedRoot}\" is reserved for the mailboxes shared with you");
        }
    }
}
