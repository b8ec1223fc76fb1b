// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>CHECK (RFC 3501 §6.4.1; removed in IMAP4rev2, equivalent to NOOP there).</summary>
public sealed record CheckCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "CHECK";

    // check = "CHECK"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new CheckCommand { Tag = r.Tag } : r.Error;
}
