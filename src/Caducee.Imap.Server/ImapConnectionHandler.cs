// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Transport;
using Caducee.Imap.Server.Session;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server;

/// <summary>Kestrel entry point for one IMAP listener (143 with STARTTLS, or 993 with <see cref="ImapServerOptions.ImplicitTls"/>).</summary>
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

    /// <summary>Runs one session over any stream (tests drive the server over plain sockets this way).</summary>
    public async Task RunAsync(Stream stream, IPEndPoint? remote, CancellationToken cancellationToken)
    {
        await using var session = new ImapSession(stream, remote, options, services, _logger);
        using var scope = _logger.BeginScope("SessionId:{SessionId}", session.Id);
        await session.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
