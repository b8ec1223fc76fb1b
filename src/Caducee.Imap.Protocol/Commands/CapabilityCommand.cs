// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>CAPABILITY (RFC 9051 §6.1.1): list the server's capabilities.</summary>
public sealed record CapabilityCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "CAPABILITY";

    // capability = "CAPABILITY"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new CapabilityCommand { Tag = r.Tag } : r.Error;
}
