// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// MOVE and UID MOVE (RFC 6851, RFC 9051 §6.4.8): copy and expunge in one transaction; "* OK [COPYUID …]",
/// then the moved messages as EXPUNGE (or VANISHED), then the tagged OK. Needs "i" on the destination and
/// "t" and "e" on the source (RFC 6851 §3.3, RFC 4314).
/// </summary>
internal static class MoveOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, MoveCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (!MessageSets.TryResolve(selected, command.Set, command.Uid, out var refs, out var bad))
        {
            return bad;
        }

        if (selected.ReadOnly)
        {
            return Completion.No(ResponseCode.Cannot, "The mailbox is read-only");
        }

        if (!Access.Check(session, selected.Mailbox, 't', "delete messages", out var refusal) || !Access.Check(session, selected.Mailbox, 'e', "expunge messages", out refusal))
        {
            return refusal;
        }

        var (target, targetRefusal) = await Destinations.RequireAsync(session, command.Mailbox, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return targetRefusal;
        }

        if (refs.Count == 0)
        {
            return Completion.Ok($"{command.Name} completed, nothing to move");
        }

        var result = await session.Services.Store.MoveAsync(selected.FolderId, [.. refs.Select(r => (long)r.Uid)], target.Folder.Id, cancellationToken).ConfigureAwait(false);
        if (result.Copy.Mapping.Count > 0)
        {
            session.Out.Untagged(ImapStatus.Ok, Destinations.CopyUid(result.Copy), "Moved");
        }

        SelectedUpdates.ReportExpunges(session, selected, [.. result.Expunged.Select(u => (uint)u)]);
        selected.Acknowledge(result.SourceHighestModSeq);
        return Completion.Ok($"{command.Name} completed");
    }
}
