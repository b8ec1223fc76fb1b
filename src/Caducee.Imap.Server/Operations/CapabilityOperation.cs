// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>CAPABILITY (RFC 9051 §6.1.1): the list for the session's TLS and login state (<see cref="Capabilities"/>).</summary>
internal static class CapabilityOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, CapabilityCommand command, CancellationToken cancellationToken)
    {
        session.Out.Capability(Capabilities.For(session));
        return ValueTask.FromResult(Completion.Ok("CAPABILITY completed"));
    }
}
