// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// COPY and UID COPY (RFC 9051 §6.4.7) with COPYUID (RFC 4315): the message files are shared, not copied.
/// Needs "i" on the destination (RFC 4314); a missing destination is NO [TRYCREATE], a full one NO [OVERQUOTA].
/// </summary>
internal static class CopyOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, CopyCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (!MessageSets.TryResolve(selected, command.Set, command.Uid, out var refs, out var bad))
        {
            return bad;
        }

        var (target, refusal) = await Destinations.RequireAsync(session, command.Mailbox, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return refusal;
        }

        if (refs.Count == 0)
        {
            return Completion.Ok($"{command.Name} completed, nothing to copy");
        }

        var result = await session.Services.Store.CopyAsync(selected.FolderId, [.. refs.Select(r => (long)r.Uid)], target.Folder.Id, cancellationToken).ConfigureAwait(false);
        if (result.Mapping.Count == 0)
        {
            return Completion.No(ResponseCode.ExpungeIssued, "The messages were expunged meanwhile");
        }

        return Completion.Ok($"{command.Name} completed", Destinations.CopyUid(result));
    }
}
