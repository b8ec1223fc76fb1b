// SPDX-License-Identifier: AGPL-3.0-or-later
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Core.Security;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>A session opened, or the reply that says why it could not be (4xx when the cause may pass).</summary>
public sealed record OpenResult(OutboundSession? Session, SmtpReply? Failure);

/// <summary>
/// The outbound side of the trust-space relay: connects to the peer MX, requires STARTTLS, presents the
/// operator's certificate (mutual TLS), checks the peer's certificate against the trust anchors and its
/// name, and gives an <see cref="OutboundSession"/> that can carry several messages. Every failure becomes a
/// reply (4xx when the cause may pass); nothing is ever sent in clear.
/// </summary>
public sealed class SmtpClientConnection(string heloName, TlsPolicy tls, CertificateTrust trust, SslStreamCertificateContext? clientCertificate, TimeSpan timeout, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>How long opening a session, and each transaction on it, may take.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>Connect, greeting, EHLO, STARTTLS, TLS with the operator's certificate, EHLO again; with <paramref name="credentials"/>, AUTH PLAIN (submission).</summary>
    public async Task<OpenResult> OpenAsync(Route route, CancellationToken cancellationToken, NetworkCredential? credentials = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var ct = cts.Token;
        var tcp = new TcpClient { NoDelay = true };
        Stream? stream = null;
        PipeReader? reader = null;
        var handedOver = false;
        try
        {
            await tcp.ConnectAsync(route.Host, route.Port, ct).ConfigureAwait(false);
            stream = tcp.GetStream();
            reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var greeting = await SmtpReplyReader.ReadAsync(reader, ct).ConfigureAwait(false);
            if (greeting.Code != 220)
            {
                return new OpenResult(null, greeting);
            }

            var ehlo = await CommandAsync(stream, reader, $"EHLO {heloName}", ct).ConfigureAwait(false);
            if (ehlo.Code != 250 || !PeerCapabilities.FromEhlo(ehlo).StartTls)
            {
                return new OpenResult(null, new SmtpReply(451, "4.7.5", $"Peer {route.Host}:{route.Port} does not offer STARTTLS; not delivering in clear"));
            }

            var starttls = await CommandAsync(stream, reader, "STARTTLS", ct).ConfigureAwait(false);
            if (starttls.Code != 220)
            {
                return new OpenResult(null, starttls.IsPositive ? new SmtpReply(451, "4.7.5", $"STARTTLS answered {starttls}") : starttls);
            }

            await reader.CompleteAsync().ConfigureAwait(false);
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = ssl;
            try
            {
                await ssl.AuthenticateAsClientAsync(tls.ClientOptions(route.TlsServerName, trust, clientCertificate), ct).ConfigureAwait(false);
            }
            catch (System.Security.Authentication.AuthenticationException ex)
            {
                return new OpenResult(null, new SmtpReply(451, "4.7.5", $"TLS with {route.TlsServerName} ({route.Host}:{route.Port}) failed: {ex.Message}"));
            }

            reader = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
            ehlo = await CommandAsync(ssl, reader, $"EHLO {heloName}", ct).ConfigureAwait(false);
            if (ehlo.Code != 250)
            {
                return new OpenResult(null, ehlo);
            }

            if (credentials is not null)
            {
                var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{credentials.UserName}\0{credentials.Password}"));
                var auth = await CommandAsync(ssl, reader, "AUTH PLAIN " + plain, ct).ConfigureAwait(false);
                if (auth.Code != 235)
                {
                    return new OpenResult(null, auth);
                }
            }

            handedOver = true;
            return new OpenResult(new OutboundSession(route, tcp, ssl, reader, PeerCapabilities.FromEhlo(ehlo), timeout, _clock.GetUtcNow()), null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or InvalidDataException)
        {
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var why = ex is OperationCanceledException ? "timed out" : ex.Message;
            return new OpenResult(null, new SmtpReply(451, "4.4.1", $"Connection to {route.Host}:{route.Port} failed: {why}"));
        }
        finally
        {
            if (!handedOver)
            {
                if (reader is not null)
                {
                    await reader.CompleteAsync().ConfigureAwait(false);
                }

                if (stream is not null)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                tcp.Dispose();
            }
        }
    }

    /// <summary>Sends one message on a session of its own (submission clients, the demo's sample), then QUIT.</summary>
    public async Task<RelayResult> SendAsync(Route route, MailAddress? sender, IReadOnlyList<QueueRecipient> recipients, ReadOnlyMemory<byte> message, string? envelopeId, bool returnFull, CancellationToken cancellationToken, NetworkCredential? credentials = null)
    {
        var opened = await OpenAsync(route, cancellationToken, credentials).ConfigureAwait(false);
        if (opened.Session is not { } session)
        {
            return OutboundSession.All(recipients, opened.Failure!);
        }

        try
        {
            return await session.SendAsync(new OutboundEnvelope(sender, recipients, envelopeId, returnFull), message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await session.QuitAsync().ConfigureAwait(false);
        }
    }

    private static async Task<SmtpReply> CommandAsync(Stream stream, PipeReader reader, string command, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        return await SmtpReplyReader.ReadAsync(reader, ct).ConfigureAwait(false);
    }
}
