// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>UNSELECT (RFC 3691, RFC 9051 §6.4.2): leave the selected state without expunging.</summary>
internal static class UnselectOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, UnselectCommand command, CancellationToken cancellationToken)
    {
        session.Deselect();
        return ValueTask.FromResult(Completion.Ok("UNSELECT completed"));
    }
}
