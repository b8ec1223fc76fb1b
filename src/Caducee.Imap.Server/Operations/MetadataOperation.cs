// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>GETMETADATA and SETMETADATA (RFC 5464): parsed by the core, not offered (no METADATA capability): BAD.</summary>
internal static class MetadataOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Completion.Bad($"{command.Name}: METADATA is not supported by this server"));
}
