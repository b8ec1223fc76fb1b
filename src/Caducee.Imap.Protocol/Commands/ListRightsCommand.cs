// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>LISTRIGHTS (RFC 4314 §3.4): the rights that may be granted to an identifier on a mailbox.</summary>
public sealed record ListRightsCommand(string Mailbox, string Identifier) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "LISTRIGHTS";

    // listrights = "LISTRIGHTS" SP mailbox SP identifier
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryAstring("identifier", out var identifier) && r.TryEnd()
            ? new ListRightsCommand(mailbox, identifier) { Tag = r.Tag }
            : r.Error;
}
