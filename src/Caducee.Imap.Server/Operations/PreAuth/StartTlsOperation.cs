// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations.PreAuth;

/// <summary>STARTTLS (RFC 9051 §6.2.1); the session swaps the transport after the OK is flushed.</summary>
internal static class StartTlsOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, StartTlsCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(session.IsTls
            ? Completion.Bad("TLS is already active")
            : Completion.Ok("Begin TLS negotiation now", action: ImapAction.StartTls));
}
