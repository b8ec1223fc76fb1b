// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>The QRESYNC parameter of SELECT/EXAMINE (RFC 7162 §3.2.5).</summary>
/// <param name="UidValidity">The UIDVALIDITY the client knows; resynchronization applies only when it still matches.</param>
/// <param name="ModSeq">The last known mod-sequence.</param>
/// <param name="KnownUids">The UIDs the client knows (optional).</param>
/// <param name="KnownSequenceSet">seq-match-data: message numbers...</param>
/// <param name="KnownUidSet">...and the UIDs they correspond to (same count), to find the expunged.</param>
public sealed record QResyncParameters(uint UidValidity, long ModSeq, SequenceSet? KnownUids, SequenceSet? KnownSequenceSet, SequenceSet? KnownUidSet);

/// <summary>
/// SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3) with the CONDSTORE and QRESYNC parameters (RFC 7162).
/// QRESYNC is only valid once enabled (ENABLE QRESYNC): the server answers BAD otherwise.
/// </summary>
/// <param name="Mailbox">The mailbox (decoded).</param>
/// <param name="ReadOnly">True for EXAMINE.</param>
/// <param name="CondStore">The CONDSTORE parameter was given.</param>
/// <param name="QResync">The QRESYNC parameter, if given.</param>
public sealed record SelectCommand(string Mailbox, bool ReadOnly, bool CondStore, QResyncParameters? QResync) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => ReadOnly ? "EXAMINE" : "SELECT";

    /// <inheritdoc/>
    public override bool EnablesCondStore => CondStore || QResync is not null;
}
