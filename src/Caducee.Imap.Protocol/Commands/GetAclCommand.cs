// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>GETACL (RFC 4314 §3.3): the access control list of a mailbox.</summary>
/// <param name="Mailbox">The decoded mailbox name.</param>
public sealed record GetAclCommand(string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "GETACL";

    // getacl = "GETACL" SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryEnd() ? new GetAclCommand(mailbox) { Tag = r.Tag } : r.Error;
}
