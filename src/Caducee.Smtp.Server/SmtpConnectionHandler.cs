// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Smtp.Server.Session;
using Caducee.Core.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server;

/// <summary>
/// Kestrel entry point for one SMTP listener (STYLE.md §1.4): each accepted connection becomes an
/// <see cref="SmtpSession"/> over the connection's transport; Kestrel owns limits and graceful shutdown.
/// </summary>
public sealed class SmtpConnectionHandler(SmtpServerOptions options, SmtpServices services)
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger("Caducee.Smtp");

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var stream = new DuplexPipeStream(connection.Transport);
        await using var session = new SmtpSession(stream, connection.RemoteEndPoint as IPEndPoint, options, services, _logger);
        using var scope = _logger.BeginScope("SessionId:{SessionId}", session.Id);
        await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
    }
}
