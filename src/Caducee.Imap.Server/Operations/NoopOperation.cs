// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>NOOP (RFC 9051 §6.1.2): nothing, but the dispatcher asks the store for changes of the selected mailbox (EXISTS, EXPUNGE, FETCH).</summary>
internal static class NoopOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, NoopCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Completion.Ok("NOOP completed"));
}
