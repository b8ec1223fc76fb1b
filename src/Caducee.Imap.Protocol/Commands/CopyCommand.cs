// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>COPY and UID COPY (RFC 9051 §6.4.7); answer with COPYUID (RFC 4315).</summary>
/// <param name="Uid">True for the UID form: <paramref name="Set"/> holds UIDs.</param>
/// <param name="Set">The messages (sequence numbers or UIDs; may include "$").</param>
/// <param name="Mailbox">The destination mailbox (decoded).</param>
public sealed record CopyCommand(bool Uid, SequenceSet Set, string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID COPY" : "COPY";

    // copy = "COPY" SP sequence-set SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r, bool uid) =>
        r.TrySequenceSet(uid ? "UID set" : "sequence set", out var set) && r.TryMailbox("destination mailbox", out var mailbox) && r.TryEnd()
            ? new CopyCommand(uid, set, mailbox) { Tag = r.Tag }
            : r.Error;
}
