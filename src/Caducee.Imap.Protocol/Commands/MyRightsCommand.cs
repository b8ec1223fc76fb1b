// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>MYRIGHTS (RFC 4314 §3.5): the rights of the current user on a mailbox.</summary>
/// <param name="Mailbox">The decoded mailbox name.</param>
public sealed record MyRightsCommand(string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "MYRIGHTS";

    // myrights = "MYRIGHTS" SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryEnd() ? new MyRightsCommand(mailbox) { Tag = r.Tag } : r.Error;
}
