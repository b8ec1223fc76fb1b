// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, RFC 4315 §2.1): the \Deleted messages (of the UID set) go;
/// each is reported — EXPUNGE in decreasing order, or VANISHED once QRESYNC is enabled. Needs "e" (RFC 4314).
/// </summary>
internal static class ExpungeOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, ExpungeCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (selected.ReadOnly)
        {
            return Completion.No(ResponseCode.Cannot, "The mailbox is read-only");
        }

        if (!Access.Check(session, selected.Mailbox, 'e', "expunge messages", out var refusal))
        {
            return refusal;
        }

        IReadOnlyCollection<long>? uids = command.Uids is { } set
            ? [.. selected.Map.ResolveUidSet(set, selected.SavedResult).Select(r => (long)r.Uid)]
            : null;
        var result = await session.Services.Store.ExpungeAsync(selected.FolderId, uids, cancellationToken).ConfigureAwait(false);
        SelectedUpdates.ReportExpunges(session, selected, [.. result.Expunged.Select(u => (uint)u)]);
        selected.Acknowledge(result.HighestModSeq);
        return Completion.Ok($"{command.Name} completed");
    }
}
