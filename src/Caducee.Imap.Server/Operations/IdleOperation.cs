// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then every change of the selected mailbox as it is
/// committed (the change feed wakes the session), expunges included, until DONE. The store is asked once
/// at the start, so a change the feed missed (another node) is reported too.
/// </summary>
internal static class IdleOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, IdleCommand command, CancellationToken cancellationToken)
    {
        session.Out.Continuation("idling");
        await SelectedUpdates.ReportAsync(session, allowExpunges: true, force: true, cancellationToken).ConfigureAwait(false);
        if (session.State is not LoggedOut)
        {
            session.BeginIdle(command.Tag);
        }

        return Completion.Pending;
    }
}
