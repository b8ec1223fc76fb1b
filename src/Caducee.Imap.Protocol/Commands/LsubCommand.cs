// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>LSUB (RFC 3501 §6.3.9; replaced by LIST (SUBSCRIBED) in IMAP4rev2).</summary>
/// <param name="Reference">The reference name (decoded).</param>
/// <param name="Pattern">The mailbox pattern with % and * wildcards (decoded); see <see cref="Mailboxes.MailboxPattern"/>.</param>
public sealed record LsubCommand(string Reference, string Pattern) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "LSUB";

    // lsub = "LSUB" SP mailbox SP list-mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("reference name", out var reference) && r.TryListMailbox("mailbox pattern", out var pattern) && r.TryEnd()
            ? new LsubCommand(reference, pattern) { Tag = r.Tag }
            : r.Error;
}
