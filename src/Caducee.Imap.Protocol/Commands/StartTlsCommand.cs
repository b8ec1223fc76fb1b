// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>STARTTLS (RFC 9051 §6.2.1): start TLS; nothing may be pipelined after it.</summary>
public sealed record StartTlsCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "STARTTLS";

    // starttls = "STARTTLS"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new StartTlsCommand { Tag = r.Tag } : r.Error;
}
