// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>NAMESPACE (RFC 2342, RFC 9051 §6.3.10): personal "" with "/", no other users' namespace, the shared namespace "Shared/".</summary>
internal static class NamespaceOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, NamespaceCommand command, CancellationToken cancellationToken)
    {
        session.Out.Namespace([new NamespaceEntry(string.Empty, Namespaces.Delimiter)], null, [new NamespaceEntry(Namespaces.SharedPrefix, Namespaces.Delimiter)]);
        return ValueTask.FromResult(Completion.Ok("NAMESPACE completed"));
    }
}
