// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// CLOSE (RFC 9051 §6.4.1): expunge the \Deleted messages silently (no EXPUNGE responses) when the mailbox
/// is read-write and the user may expunge ("e", RFC 4314), then leave the selected state.
/// </summary>
internal static class CloseOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, CloseCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var folderId = selected.FolderId;
        var expunge = !selected.ReadOnly && selected.Rights.Has('e');
        session.Deselect();
        if (expunge)
        {
            await session.Services.Store.ExpungeAsync(folderId, null, cancellationToken).ConfigureAwait(false);
        }

        return Completion.Ok("CLOSE completed");
    }
}
