// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>How STORE changes the flags.</summary>
public enum StoreAction
{
    /// <summary>FLAGS: replace.</summary>
    Replace,
    /// <summary>+FLAGS: add.</summary>
    Add,
    /// <summary>-FLAGS: remove.</summary>
    Remove,
}

/// <summary>STORE and UID STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3).</summary>
/// <param name="Uid">True for UID STORE.</param>
/// <param name="Set">The messages.</param>
/// <param name="Action">Replace, add or remove.</param>
/// <param name="Silent">.SILENT: no untagged FETCH for the new flags (except for changes made by others, and MODSEQ with CONDSTORE).</param>
/// <param name="Flags">The flags.</param>
/// <param name="UnchangedSince">UNCHANGEDSINCE: only messages whose mod-sequence is not greater; the others go in [MODIFIED …].</param>
public sealed record StoreCommand(bool Uid, SequenceSet Set, StoreAction Action, bool Silent, FlagList Flags, long? UnchangedSince) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID STORE" : "STORE";

    /// <inheritdoc/>
    public override bool EnablesCondStore => UnchangedSince is not null;
}
