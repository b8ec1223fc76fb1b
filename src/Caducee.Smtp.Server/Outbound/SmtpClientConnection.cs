// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Core.Security;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Parsing;
using Caducee.Smtp.Protocol.Replies;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>The outcome of handing one message to a peer: a reply per recipient, or one for all.</summary>
public sealed record RelayResult(IReadOnlyDictionary<long, SmtpReply> PerRecipient);

/// <summary>
/// The outbound side of the trust-space relay: connects to the peer MX, requires STARTTLS, presents the
/// operator's certificate (mutual TLS), checks the peer's certificate against the trust anchors and its
/// name, then sends one message. Every failure becomes a reply (4xx when the cause may pass).
/// </summary>
public sealed class SmtpClientConnection(string heloName, TlsPolicy tls, CertificateTrust trust, SslStreamCertificateContext? clientCertificate, TimeSpan timeout)
{
    /// <summary>Sends one message; with <paramref name="credentials"/>, authenticates with AUTH PLAIN after TLS (submission).</summary>
    public async Task<RelayResult> SendAsync(Route route, MailAddress? sender, IReadOnlyList<QueueRecipient> recipients, ReadOnlyMemory<byte> message, string? envelopeId, bool returnFull, CancellationToken cancellationToken, System.Net.NetworkCredential? credentials = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var ct = cts.Token;
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(route.Host, route.Port, ct).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var greeting = await ReadReplyAsync(reader, ct).ConfigureAwait(false);
            if (greeting.Code != 220)
            {
                return All(recipients, greeting);
            }

            var ehlo = await CommandAsync(stream, reader, $"EHLO {heloName}", ct).ConfigureAwait(false);
            if (ehlo.Code != 250 || !ehlo.Lines.Any(l => l.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))
            {
                return All(recipients, new SmtpReply(451, "4.7.5", $"Peer {route.Host} does not offer STARTTLS; not delivering in clear"));
            }

            var starttls = await CommandAsync(stream, reader, "STARTTLS", ct).ConfigureAwait(false);
            if (starttls.Code != 220)
            {
                return All(recipients, starttls);
            }

            await reader.CompleteAsync().ConfigureAwait(false);
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await using (ssl.ConfigureAwait(false))
            {
                try
                {
                    await ssl.AuthenticateAsClientAsync(tls.ClientOptions(route.TlsServerName, trust, clientCertificate), ct).ConfigureAwait(false);
                }
                catch (System.Security.Authentication.AuthenticationException ex)
                {
                    return All(recipients, new SmtpReply(451, "4.7.5", $"TLS with {route.Host} failed: {ex.Message}"));
                }

                stream = ssl;
                reader = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
                ehlo = await CommandAsync(stream, reader, $"EHLO {heloName}", ct).ConfigureAwait(false);
                if (ehlo.Code != 250)
                {
                    return All(recipients, ehlo);
                }

                if (credentials is not null)
                {
                    var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{credentials.UserName}\0{credentials.Password}"));
                    var auth = await CommandAsync(stream, reader, "AUTH PLAIN " + plain, ct).ConfigureAwait(false);
                    if (auth.Code != 235)
                    {
                        return All(recipients, auth);
                    }
                }

                var extensions = ehlo.Lines.Skip(1).Select(l => l.Split(' ')[0].ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
                var dsn = extensions.Contains("DSN");
                var mail = new StringBuilder("MAIL FROM:<").Append(sender?.ToString() ?? string.Empty).Append('>');
                if (extensions.Contains("SIZE"))
                {
                    mail.Append(CultureInfo.InvariantCulture, $" SIZE={message.Length}");
                }

                if (extensions.Contains("8BITMIME") && message.Span.ContainsAnyExceptInRange((byte)0, (byte)127))
                {
                    mail.Append(" BODY=8BITMIME");
                }

                if ((sender?.IsInternational ?? false) || recipients.Any(r => r.Recipient.Address.IsInternational))
                {
                    if (!extensions.Contains("SMTPUTF8"))
                    {
                        return All(recipients, new SmtpReply(553, "5.6.7", "Peer does not support SMTPUTF8, required by an international address"));
                    }

                    mail.Append(" SMTPUTF8");
                }

                if (dsn)
                {
                    mail.Append(returnFull ? " RET=FULL" : " RET=HDRS");
                    if (envelopeId is not null)
                    {
                        mail.Append(" ENVID=").Append(Xtext.Encode(envelopeId));
                    }
                }

                var mailReply = await CommandAsync(stream, reader, mail.ToString(), ct).ConfigureAwait(false);
                if (mailReply.Code != 250)
                {
                    return All(recipients, mailReply);
                }

                var results = new Dictionary<long, SmtpReply>();
                var accepted = new List<QueueRecipient>();
                foreach (var r in recipients)
                {
                    var rcpt = new StringBuilder("RCPT TO:<").Append(r.Recipient.Address).Append('>');
                    if (dsn)
                    {
                        var notify = NotifyParameter(r.Recipient.Notify);
                        if (notify is not null)
                        {
                            rcpt.Append(" NOTIFY=").Append(notify);
                        }

                        if (r.Recipient.OriginalRecipient is { } orcpt && orcpt.IndexOf(';', StringComparison.Ordinal) is var semi and > 0)
                        {
                            rcpt.Append(" ORCPT=").Append(orcpt[..semi]).Append(';').Append(Xtext.Encode(orcpt[(semi + 1)..]));
                        }
                    }

                    var reply = await CommandAsync(stream, reader, rcpt.ToString(), ct).ConfigureAwait(false);
                    results[r.Id] = reply;
                    if (reply.Code is 250 or 251)
                    {
                        accepted.Add(r);
                    }
                }

                if (accepted.Count == 0)
                {
                    await TryQuitAsync(stream, reader, ct).ConfigureAwait(false);
                    return new RelayResult(results);
                }

                var data = await CommandAsync(stream, reader, "DATA", ct).ConfigureAwait(false);
                if (data.Code != 354)
                {
                    return All(accepted, data, results);
                }

                var stuffed = new ArrayBufferWriter<byte>(message.Length + 1024);
                DotStuffer.Write(message.Span, stuffed);
                await stream.WriteAsync(stuffed.WrittenMemory, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
                var final = await ReadReplyAsync(reader, ct).ConfigureAwait(false);
                foreach (var r in accepted)
                {
                    results[r.Id] = final;
                }

                await TryQuitAsync(stream, reader, ct).ConfigureAwait(false);
                return new RelayResult(results);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or InvalidDataException)
        {
            var why = ex is OperationCanceledException ? "timed out" : ex.Message;
            return All(recipients, new SmtpReply(451, "4.4.1", $"Connection to {route.Host}:{route.Port} failed: {why}"));
        }
    }

    private static string? NotifyParameter(NotifyOn notify)
    {
        if (notify == NotifyOn.Default)
        {
            return null;
        }

        if ((notify & NotifyOn.Never) != 0)
        {
            return "NEVER";
        }

        var parts = new List<string>();
        if ((notify & NotifyOn.Success) != 0)
        {
            parts.Add("SUCCESS");
        }

        if ((notify & NotifyOn.Failure) != 0)
        {
            parts.Add("FAILURE");
        }

        if ((notify & NotifyOn.Delay) != 0)
        {
            parts.Add("DELAY");
        }

        return string.Join(',', parts);
    }

    private static RelayResult All(IReadOnlyList<QueueRecipient> recipients, SmtpReply reply, Dictionary<long, SmtpReply>? into = null)
    {
        var results = into ?? [];
        foreach (var r in recipients)
        {
            results[r.Id] = reply;
        }

        return new RelayResult(results);
    }

    private static async Task<SmtpReply> CommandAsync(Stream stream, PipeReader reader, string command, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        return await ReadReplyAsync(reader, ct).ConfigureAwait(false);
    }

    private static async Task TryQuitAsync(Stream stream, PipeReader reader, CancellationToken ct)
    {
        try
        {
            await CommandAsync(stream, reader, "QUIT", ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or OperationCanceledException)
        {
            // The message is delivered; a peer that drops the line at QUIT changes nothing.
        }
    }

    private static async Task<SmtpReply> ReadReplyAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (ReplyParser.TryParse(ref buffer, out var reply, out var error))
            {
                reader.AdvanceTo(buffer.Start);
                return reply!;
            }

            if (error is not null)
            {
                throw new InvalidDataException("peer sent a malformed reply: " + error);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("peer closed the connection");
            }
        }
    }
}
