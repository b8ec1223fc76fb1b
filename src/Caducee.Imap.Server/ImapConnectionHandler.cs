// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Imap.Server.Session;
using Caducee.Core.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server;

/// <summary>Kestrel entry point for one IMAP listener.</summary>
public sealed class ImapConnectionHandler(ImapServerOptions options, ImapServices services)
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger("Caducee.Imap");

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var stream = new DuplexPipeStream(connection.Transport);
        await using var session = new ImapSession(stream, connection.RemoteEndPoint as IPEndPoint, options, services, _logger);
        using var scope = _logger.BeginScope("SessionId:{SessionId}", session.Id);
        await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
    }
}
