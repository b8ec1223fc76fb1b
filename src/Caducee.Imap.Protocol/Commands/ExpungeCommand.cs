// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>EXPUNGE (RFC 9051 §6.4.3), or UID EXPUNGE (RFC 4315 §2.1, RFC 9051 §6.4.9) when <see cref="Uids"/> is set.</summary>
/// <param name="Uids">For UID EXPUNGE: only the \Deleted messages with these UIDs are expunged.</param>
public sealed record ExpungeCommand(SequenceSet? Uids) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uids is null ? "EXPUNGE" : "UID EXPUNGE";

    // expunge = "EXPUNGE"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new ExpungeCommand((SequenceSet?)null) { Tag = r.Tag } : r.Error;

    // uid-expunge = "UID" SP "EXPUNGE" SP sequence-set
    internal static ImapParseResult ParseUid(ArgumentReader r) =>
        r.TrySequenceSet("UID set", out var set) && r.TryEnd() ? new ExpungeCommand(set) { Tag = r.Tag } : r.Error;
}
