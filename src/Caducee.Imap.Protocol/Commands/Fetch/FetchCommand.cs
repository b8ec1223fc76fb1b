// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5) with the CHANGEDSINCE and VANISHED modifiers (RFC 7162).
/// Macros are expanded (ALL, FAST, FULL); for UID FETCH a UID item is present, and with CHANGEDSINCE a
/// MODSEQ item is present (both required in the responses), so the server writes exactly <see cref="Items"/>.
/// </summary>
/// <param name="Uid">True for UID FETCH.</param>
/// <param name="Set">The messages.</param>
/// <param name="Items">The data items, without duplicates.</param>
/// <param name="ChangedSince">CHANGEDSINCE: only messages whose mod-sequence is greater.</param>
/// <param name="Vanished">VANISHED (UID FETCH with CHANGEDSINCE, QRESYNC enabled): report expunged UIDs as VANISHED (EARLIER) first.</param>
public sealed record FetchCommand(bool Uid, SequenceSet Set, IReadOnlyList<FetchItem> Items, long? ChangedSince, bool Vanished) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID FETCH" : "FETCH";

    /// <inheritdoc/>
    public override bool EnablesCondStore => ChangedSince is not null || Items.Any(i => i.Kind == FetchItemKind.ModSeq);

    /// <summary>True when any item sets \Seen.</summary>
    public bool SetsSeen => Items.Any(i => i.SetsSeen);
}
