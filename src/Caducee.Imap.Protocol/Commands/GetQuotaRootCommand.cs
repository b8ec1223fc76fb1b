// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>GETQUOTAROOT (RFC 9208 §4.3): the quota roots of a mailbox and their quotas.</summary>
/// <param name="Mailbox">The decoded mailbox name.</param>
public sealed record GetQuotaRootCommand(string Mailbox) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "GETQUOTAROOT";

    // getquotaroot = "GETQUOTAROOT" SP mailbox
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryMailbox("mailbox name", out var mailbox) && r.TryEnd() ? new GetQuotaRootCommand(mailbox) { Tag = r.Tag } : r.Error;
}
