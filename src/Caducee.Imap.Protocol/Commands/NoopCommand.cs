// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>NOOP (RFC 9051 §6.1.2): does nothing; the server reports pending updates.</summary>
public sealed record NoopCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "NOOP";

    // noop = "NOOP"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new NoopCommand { Tag = r.Tag } : r.Error;
}
