// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>MOVE and UID MOVE (RFC 6851, RFC 9051 §6.4.8): COPYUID in an untagged OK, then EXPUNGE/VANISHED.</summary>
/// <param name="Uid">True for the UID form: <paramref name="Set"/> holds UIDs.</param>
/// <param name="Set">The messages (sequence numbers or UIDs; may include "$").</param>
/// <param name="Mailbox">The destination mailbox (decoded).</param>
public sealed record MoveCommand(bool Uid, SequenceSet Set, string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID MOVE" : "MOVE";

    // move = "MOVE" SP sequence-set SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r, bool uid) =>
        r.TrySequenceSet(uid ? "UID set" : "sequence set", out var set) && r.TryMailbox("destination mailbox", out var mailbox) && r.TryEnd()
            ? new MoveCommand(uid, set, mailbox) { Tag = r.Tag }
            : r.Error;
}
