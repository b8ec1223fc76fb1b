// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server;

/// <summary>
/// What IMAP sessions use of the rest of the node. Singletons, shared by the node's IMAP listeners (143
/// and 993), so <see cref="Connections"/> counts a user's connections on both.
/// </summary>
public sealed record ImapServices(IMailStore Store, IBlobStore Blobs, IAuthService Auth, TimeProvider Clock, ILoggerFactory LoggerFactory)
{
    /// <summary>Authenticated connections per mailbox on this node (<see cref="ImapServerOptions.MaxConnectionsPerUser"/>).</summary>
    public ImapConnectionRegistry Connections { get; init; } = new();
}
