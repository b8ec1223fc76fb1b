// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>DELETE (RFC 9051 §6.3.5).</summary>
/// <param name="Mailbox">The decoded mailbox name.</param>
public sealed record DeleteCommand(string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "DELETE";

    // delete = "DELETE" SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryEnd() ? new DeleteCommand(mailbox) { Tag = r.Tag } : r.Error;
}
