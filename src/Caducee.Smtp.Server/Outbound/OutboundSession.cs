// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Parsing;
using Caducee.Smtp.Protocol.Replies;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>The outcome of handing one message to a peer: a reply per recipient (by queue recipient id).</summary>
public sealed record RelayResult(IReadOnlyDictionary<long, SmtpReply> PerRecipient)
{
    /// <summary>The peer offered DSN (RFC 3461): NOTIFY was passed on, so the peer reports success and delays itself.</summary>
    public bool PeerOffersDsn { get; init; }

    /// <summary>The name of the peer MTA that answered (its TLS name), for the Remote-MTA field of reports.</summary>
    public string? RemoteMta { get; init; }
}

/// <summary>
/// The session was lost before the message could have been accepted (a reused connection the peer had closed,
/// a 421 to RSET): nothing was delivered, the same transaction may be sent again on a new connection.
/// </summary>
public sealed class OutboundSessionLostException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// One open, authenticated-by-TLS SMTP session with a peer MX, able to carry several transactions (connection
/// reuse): RSET before every transaction but the first, MAIL/RCPT/DATA pipelined when the peer offers
/// PIPELINING (RFC 2920), the content dot-stuffed. Not thread-safe: one transaction at a time.
/// </summary>
public sealed class OutboundSession : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly TimeSpan _timeout;

    internal OutboundSession(Route route, TcpClient tcp, Stream stream, PipeReader reader, PeerCapabilities capabilities, TimeSpan timeout, DateTimeOffset openedAt)
    {
        Route = route;
        _tcp = tcp;
        _stream = stream;
        _reader = reader;
        Capabilities = capabilities;
        _timeout = timeout;
        LastUsed = openedAt;
    }

    public Route Route { get; }

    public PeerCapabilities Capabilities { get; }

    /// <summary>Transactions started on this session (the first goes without RSET).</summary>
    public int Transactions { get; private set; }

    /// <summary>When the last transaction ended (idle time is counted from it).</summary>
    public DateTimeOffset LastUsed { get; internal set; }

    /// <summary>The connection can no longer be used (I/O error, timeout, 421, malformed reply).</summary>
    public bool Broken { get; private set; }

    /// <summary>
    /// True when the peer has closed the connection or sent something unsolicited while idle (a 421 before
    /// closing): such a session is not reused.
    /// </summary>
    public bool LooksClosed
    {
        get
        {
            try
            {
                return Broken || _tcp.Client.Poll(0, SelectMode.SelectRead) || _tcp.Client.Available > 0;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Sends one message. Throws <see cref="OutboundSessionLostException"/> when a reused session turns out to be
    /// closed before the message could have been accepted (the caller retries on a new session); any other
    /// failure becomes a 4xx reply for every recipient.
    /// </summary>
    public async Task<RelayResult> SendAsync(OutboundEnvelope envelope, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (Broken)
        {
            throw new InvalidOperationException("the session is broken");
        }

        var reused = Transactions > 0;
        Transactions++;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        var ct = cts.Token;
        var dataSent = false;
        try
        {
            var result = await TransactionAsync(envelope, message, reused, () => dataSent = true, ct).ConfigureAwait(false);
            return result with { PeerOffersDsn = Capabilities.Dsn, RemoteMta = Route.TlsServerName };
        }
        catch (OutboundSessionLostException)
        {
            Broken = true;
            throw;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            Broken = true;
            if (reused && !dataSent && !cancellationToken.IsCancellationRequested)
            {
                throw new OutboundSessionLostException($"reused connection to {Route.Host}:{Route.Port} lost", ex);
            }

            var why = ex is OperationCanceledException ? "timed out" : ex.Message;
            var reply = dataSent
                ? new SmtpReply(451, "4.4.2", $"Connection to {Route.Host}:{Route.Port} lost after the message was sent ({why}); will retry")
                : new SmtpReply(451, "4.4.2", $"Connection to {Route.Host}:{Route.Port} lost ({why})");
            return All(envelope.Recipients, reply) with { PeerOffersDsn = Capabilities.Dsn, RemoteMta = Route.TlsServerName };
        }
    }

    private async Task<RelayResult> TransactionAsync(OutboundEnvelope envelope, ReadOnlyMemory<byte> message, bool reused, Action onData, CancellationToken ct)
    {
        var mail = EnvelopeCommands.Mail(envelope, message.Span, Capabilities, out var refusal);
        if (mail is null)
        {
            return All(envelope.Recipients, refusal!);
        }

        var rcpts = envelope.Recipients.Select(r => EnvelopeCommands.Rcpt(r.Recipient, Capabilities)).ToList();
        var results = new Dictionary<long, SmtpReply>();
        var accepted = new List<long>();
        SmtpReply mailReply;
        SmtpReply dataReply;
        if (Capabilities.Pipelining)
        {
            // RFC 2920 §3.1: RSET, MAIL and RCPT may be anywhere in a group, DATA ends it; one write, then the replies in order.
            var group = new StringBuilder();
            if (reused)
            {
                group.Append("RSET\r\n");
            }

            group.Append(mail).Append("\r\n");
            foreach (var rcpt in rcpts)
            {
                group.Append(rcpt).Append("\r\n");
            }

            group.Append("DATA\r\n");
            await WriteAsync(Encoding.UTF8.GetBytes(group.ToString()), ct).ConfigureAwait(false);
            if (reused)
            {
                await ExpectResetAsync(ct).ConfigureAwait(false);
            }

            mailReply = await ReadReplyAsync(ct).ConfigureAwait(false);
            for (var i = 0; i < rcpts.Count; i++)
            {
                var reply = await ReadReplyAsync(ct).ConfigureAwait(false);
                Record(envelope.Recipients[i].Id, mailReply.Code == 250 ? reply : mailReply, results, accepted);
            }

            dataReply = await ReadReplyAsync(ct).ConfigureAwait(false);
            if (dataReply.Code == 354 && accepted.Count == 0)
            {
                // RFC 2920 §3.1: a server that starts DATA although no recipient was accepted gets an empty message ended at once.
                await WriteAsync(".\r\n"u8.ToArray(), ct).ConfigureAwait(false);
                await ReadReplyAsync(ct).ConfigureAwait(false);
            }

            if (mailReply.Code != 250 || accepted.Count == 0)
            {
                return new RelayResult(results);
            }
        }
        else
        {
            if (reused)
            {
                await WriteAsync("RSET\r\n"u8.ToArray(), ct).ConfigureAwait(false);
                await ExpectResetAsync(ct).ConfigureAwait(false);
            }

            mailReply = await CommandAsync(mail, ct).ConfigureAwait(false);
            if (mailReply.Code != 250)
            {
                return All(envelope.Recipients, mailReply);
            }

            for (var i = 0; i < rcpts.Count; i++)
            {
                Record(envelope.Recipients[i].Id, await CommandAsync(rcpts[i], ct).ConfigureAwait(false), results, accepted);
            }

            if (accepted.Count == 0)
            {
                return new RelayResult(results);
            }

            dataReply = await CommandAsync("DATA", ct).ConfigureAwait(false);
        }

        if (dataReply.Code != 354)
        {
            foreach (var id in accepted)
            {
                results[id] = dataReply;
            }

            return new RelayResult(results);
        }

        var stuffed = new ArrayBufferWriter<byte>(message.Length + (message.Length / 64) + 8);
        DotStuffer.Write(message.Span, stuffed);
        onData();
        await WriteAsync(stuffed.WrittenMemory, ct).ConfigureAwait(false);
        var final = await ReadReplyAsync(ct).ConfigureAwait(false);
        if (final.Code == 421)
        {
            Broken = true;
        }

        foreach (var id in accepted)
        {
            results[id] = final;
        }

        return new RelayResult(results);
    }

    /// <summary>The RSET that probes a reused session: anything but 250 (a 421 before closing) means the session is gone.</summary>
    private async Task ExpectResetAsync(CancellationToken ct)
    {
        var reset = await ReadReplyAsync(ct).ConfigureAwait(false);
        if (reset.Code != 250)
        {
            throw new OutboundSessionLostException($"RSET answered {reset}");
        }
    }

    private static void Record(long id, SmtpReply reply, Dictionary<long, SmtpReply> results, List<long> accepted)
    {
        results[id] = reply;
        if (reply.Code is 250 or 251)
        {
            accepted.Add(id);
        }
    }

    /// <summary>Ends the session politely (QUIT), bounded in time; errors are ignored.</summary>
    public async Task QuitAsync()
    {
        if (!Broken)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await CommandAsync("QUIT", cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer dropped the line at QUIT: nothing is lost.
            }

            Broken = true;
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Broken = true;
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }

    internal static RelayResult All(IReadOnlyList<QueueRecipient> recipients, SmtpReply reply) =>
        new(recipients.ToDictionary(r => r.Id, _ => reply));

    private async Task<SmtpReply> CommandAsync(string command, CancellationToken ct)
    {
        await WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), ct).ConfigureAwait(false);
        return await ReadReplyAsync(ct).ConfigureAwait(false);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        await _stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private async Task<SmtpReply> ReadReplyAsync(CancellationToken ct)
    {
        var reply = await SmtpReplyReader.ReadAsync(_reader, ct).ConfigureAwait(false);
        if (reply.Code == 421)
        {
            // RFC 5321 §3.8: the peer is closing the transmission channel.
            Broken = true;
        }

        return reply;
    }
}

/// <summary>Reads one reply from a pipe (bounded by <see cref="ReplyParser"/>'s limits).</summary>
internal static class SmtpReplyReader
{
    public static async Task<SmtpReply> ReadAsync(PipeReader reader, CancellationToken ct)
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
