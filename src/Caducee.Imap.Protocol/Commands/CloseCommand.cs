// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>CLOSE (RFC 9051 §6.4.1): expunge silently (if read-write) and leave the selected state.</summary>
public sealed record CloseCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "CLOSE";

    // close = "CLOSE"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new CloseCommand { Tag = r.Tag } : r.Error;
}
