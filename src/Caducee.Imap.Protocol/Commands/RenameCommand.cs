// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>RENAME (RFC 9051 §6.3.6). Renaming INBOX moves its messages to a new mailbox.</summary>
/// <param name="From">The existing mailbox (decoded).</param>
/// <param name="To">The new name (decoded).</param>
public sealed record RenameCommand(string From, string To) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "RENAME";

    // rename = "RENAME" SP mailbox SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("existing mailbox name", out var from) && r.TryMailbox("new mailbox name", out var to) && r.TryEnd()
            ? new RenameCommand(from, to) { Tag = r.Tag }
            : r.Error;
}
