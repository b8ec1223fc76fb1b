// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>DELETEACL (RFC 4314 §3.2): remove an identifier's entry from a mailbox's ACL.</summary>
public sealed record DeleteAclCommand(string Mailbox, string Identifier) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "DELETEACL";

    // deleteacl = "DELETEACL" SP mailbox SP identifier
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryAstring("identifier", out var identifier) && r.TryEnd()
            ? new DeleteAclCommand(mailbox, identifier) { Tag = r.Tag }
            : r.Error;
}
