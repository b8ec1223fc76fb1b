// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>UNSELECT (RFC 3691, RFC 9051 §6.4.2): leave the selected state without expunging.</summary>
public sealed record UnselectCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "UNSELECT";

    // unselect = "UNSELECT"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new UnselectCommand { Tag = r.Tag } : r.Error;
}
