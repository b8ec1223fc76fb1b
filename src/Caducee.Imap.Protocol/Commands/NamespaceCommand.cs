// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>NAMESPACE (RFC 2342, RFC 9051 §6.3.10): the personal, other users' and shared namespaces.</summary>
public sealed record NamespaceCommand : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "NAMESPACE";

    // namespace-command = "NAMESPACE"
    internal static ImapParseResult Parse(ArgumentReader r) => r.TryEnd() ? new NamespaceCommand { Tag = r.Tag } : r.Error;
}
