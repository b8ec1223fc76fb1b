// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>LOGOUT (RFC 9051 §6.1.3): BYE, tagged OK, then close.</summary>
public sealed record LogoutCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "LOGOUT";

    // logout = "LOGOUT"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new LogoutCommand { Tag = r.Tag } : r.Error;
}
