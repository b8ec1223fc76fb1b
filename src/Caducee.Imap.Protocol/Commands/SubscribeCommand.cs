// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>SUBSCRIBE (RFC 9051 §6.3.7).</summary>
/// <param name="Mailbox">The decoded mailbox name.</param>
public sealed record SubscribeCommand(string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "SUBSCRIBE";

    // subscribe = "SUBSCRIBE" SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryEnd() ? new SubscribeCommand(mailbox) { Tag = r.Tag } : r.Error;
}
