// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>GETQUOTA (RFC 9208 §4.2): the resources and limits of one quota root.</summary>
/// <param name="Root">The quota root name ("" is common for a user's root).</param>
public sealed record GetQuotaCommand(string Root) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "GETQUOTA";

    // getquota = "GETQUOTA" SP quota-root-name ; quota-root-name = astring
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryAstring("quota root", out var root) && r.TryEnd() ? new GetQuotaCommand(root) { Tag = r.Tag } : r.Error;
}
