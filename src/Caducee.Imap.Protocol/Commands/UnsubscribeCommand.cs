// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>UNSUBSCRIBE (RFC 9051 §6.3.8).</summary>
/// <param name="Mailbox">The decoded mailbox name.</param>
public sealed record UnsubscribeCommand(string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "UNSUBSCRIBE";

    // unsubscribe = "UNSUBSCRIBE" SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryEnd() ? new UnsubscribeCommand(mailbox) { Tag = r.Tag } : r.Error;
}
