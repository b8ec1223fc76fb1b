// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// CHECK (RFC 3501 §6.4.1; a NOOP in IMAP4rev2): every write is durable when acknowledged, so there is
/// nothing to checkpoint; the dispatcher reports the mailbox's changes as for NOOP.
/// </summary>
internal static class CheckOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, CheckCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Completion.Ok("CHECK completed"));
}
