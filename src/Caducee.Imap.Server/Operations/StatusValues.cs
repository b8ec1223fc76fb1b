// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// The "* STATUS" response of STATUS and LIST-STATUS (RFC 9051 §6.3.11, RFC 5819): counters come from the
/// folder row (kept with every change), so no message is read — except DELETED-STORAGE (RFC 9208), which
/// sums the sizes of the \Deleted messages when there are any.
/// </summary>
internal static class StatusValues
{
    public static async Task WriteAsync(ImapSession session, ResolvedMailbox mailbox, IReadOnlyList<StatusItem> items, CancellationToken cancellationToken)
    {
        var folder = mailbox.Folder;
        var values = new List<KeyValuePair<StatusItem, long?>>(items.Count);
        foreach (var item in items)
        {
            long? value = item switch
            {
                StatusItem.Messages => folder.MessageCount,
                StatusItem.UidNext => folder.UidNext,
                StatusItem.UidValidity => folder.UidValidity,
                StatusItem.Unseen => folder.UnseenCount,
                StatusItem.Deleted => folder.DeletedCount,
                StatusItem.Size => folder.TotalSize,
                StatusItem.Recent => 0,
                StatusItem.HighestModSeq => folder.HighestModSeq,
                StatusItem.AppendLimit => session.Options.MaxLiteralSize,
                StatusItem.DeletedStorage => folder.DeletedCount == 0 ? 0 : await DeletedStorageAsync(session, folder.Id, cancellationToken).ConfigureAwait(false),
                _ => null,
            };
            values.Add(new KeyValuePair<StatusItem, long?>(item, value));
        }

        session.Out.Status(mailbox.ClientName, values);
    }

    private static async Task<long> DeletedStorageAsync(ImapSession session, long folderId, CancellationToken cancellationToken)
    {
        var messages = await session.Services.Store.ListMessagesAsync(folderId, cancellationToken).ConfigureAwait(false);
        return messages.Where(m => (m.Flags & MessageFlags.Deleted) != 0).Sum(m => m.Size);
    }
}
