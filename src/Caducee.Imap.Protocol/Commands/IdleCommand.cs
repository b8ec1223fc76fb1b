// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>IDLE (RFC 2177, RFC 9051 §6.3.13): send "+ idling", then updates, until DONE (see <see cref="Receiver.ImapReceiver.ExpectIdleDone"/>).</summary>
public sealed record IdleCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "IDLE";

    // idle = "IDLE" CRLF "DONE"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new IdleCommand { Tag = r.Tag } : r.Error;
}
