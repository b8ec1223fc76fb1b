// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Policy;
using Caducee.Core.Transport;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Protocol.Parsing;
using Caducee.Smtp.Protocol.Replies;
using Caducee.Smtp.Protocol.StateMachine;
using Caducee.Smtp.Server.Handlers;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server.Session;

/// <summary>What the I/O loop must do after a command.</summary>
internal enum SessionAction
{
    None,
    StartTls,
    BeginData,
    /// <summary>A BDAT chunk follows the command line (consumed even when the BDAT is refused).</summary>
    BeginChunk,
    Quit,
    /// <summary>The reply queued is the last: close without waiting for QUIT (lost synchronization, endless input).</summary>
    Close,
}

/// <summary>
/// One SMTP connection: moves bytes between the transport and the sans-I/O protocol core, and owns all
/// session state (handlers are stateless, STYLE.md §4.5). Replies to pipelined commands are coalesced
/// and flushed only when no further complete command is buffered.
/// </summary>
internal sealed class SmtpSession : IAsyncDisposable
{
    private readonly ArrayBufferWriter<byte> _pending = new(1024);
    private readonly ConnectionTransport _transport;
    private Mode _mode = Mode.Command;
    private DataReceiver? _dataReceiver;
    private ArrayBufferWriter<byte>? _content;
    private long _drained;

    public SmtpSession(Stream stream, IPEndPoint? remote, SmtpServerOptions options, SmtpServices services, ILogger logger)
    {
        _transport = new ConnectionTransport(stream);
        Remote = remote;
        Options = options;
        Services = services;
        Logger = logger;
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
    }

    private enum Mode
    {
        Command,
        DrainLine,
        Data,
        Chunk,
        Sasl,
    }

    public string Id { get; }

    public IPEndPoint? Remote { get; }

    public SmtpServerOptions Options { get; }

    public SmtpServices Services { get; }

    public ILogger Logger { get; }

    public SmtpState State { get; set; } = SmtpState.Connected;

    public string? HeloName { get; set; }

    public bool Extended { get; set; }

    public TlsInfo? Tls { get; private set; }

    public AuthenticatedPrincipal? Principal { get; set; }

    public SmtpTransaction? Transaction { get; set; }

    /// <summary>The SASL exchange in progress, if any (the next line is a SASL response, not a command).</summary>
    public SaslExchange? Sasl { get; set; }

    /// <summary>The BDAT chunks of the transaction in progress (RFC 3030): the receiver and the content so far.</summary>
    public BdatTransfer? Bdat { get; set; }

    /// <summary>A refused BDAT whose chunk is being read and discarded before its refusal is sent.</summary>
    public BdatTransfer? PendingDiscard { get; set; }

    public int Errors { get; set; }

    public SmtpPolicyContext PolicyContext() =>
        new(Id, Options.Kind, Remote, HeloName, Tls, Principal, Transaction?.Mail.Sender, Transaction?.Mail.DeclaredSize);

    /// <summary>Queues a reply; it is written at the next flush.</summary>
    public void Reply(SmtpReply reply) => ReplyWriter.Write(_pending, reply);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.SessionStarted(Logger, Id, Options.Kind.ToString(), Remote);
        var reason = "closed by client";
        try
        {
            // RFC 5321 §4.5.3.2.1: the 220 comes within the greeting timeout, implicit TLS handshake (465) included.
            if (Options.ImplicitTls && !await UpgradeToTlsAsync(Min(Options.HandshakeTimeout, Options.Timeouts.Greeting), cancellationToken).ConfigureAwait(false))
            {
                reason = "TLS handshake failed";
                return;
            }

            Reply(new SmtpReply(220, null, $"{Options.HostName} ESMTP Caducée MSSanté ready"));
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            reason = await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "server shutting down";
            await TryReplyAndFlushAsync(new SmtpReply(421, "4.3.2", $"{Options.HostName} service shutting down, try again later")).ConfigureAwait(false);
        }
        catch (IOException)
        {
            reason = "connection lost";
        }
        catch (Exception ex)
        {
            reason = "internal error";
            Log.SessionFailed(Logger, Id, ex);
            await TryReplyAndFlushAsync(new SmtpReply(421, "4.3.0", $"{Options.HostName} internal error, closing connection")).ConfigureAwait(false);
        }
        finally
        {
            Log.SessionEnded(Logger, Id, reason);
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _transport.DisposeAsync();

    private async Task<string> LoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            // RFC 5321 §4.5.3.2.5 and §4.5.3.2.7: a data block, or the next command.
            var timeout = _mode is Mode.Data or Mode.Chunk ? Options.Timeouts.DataBlock : Options.Timeouts.Command;
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(timeout);
                try
                {
                    result = await _transport.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // RFC 5321 §4.5.3.2: the server may close after a timeout, with 421.
                    await TryReplyAndFlushAsync(new SmtpReply(421, "4.4.2", $"{Options.HostName} timeout waiting for input, closing connection")).ConfigureAwait(false);
                    return "timeout";
                }
            }

            var buffer = result.Buffer;
            var action = await ProcessAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer = action.Remaining;
            _transport.Reader.AdvanceTo(buffer.Start, buffer.End);
            await FlushAsync(cancellationToken).ConfigureAwait(false);

            switch (action.Action)
            {
                case SessionAction.Quit:
                    return "QUIT";
                case SessionAction.Close:
                    await LingerAsync().ConfigureAwait(false);
                    return "closed by server after a protocol or limit violation";
                case SessionAction.StartTls:
                    if (!await UpgradeToTlsAsync(Options.HandshakeTimeout, cancellationToken).ConfigureAwait(false))
                    {
                        return "TLS handshake failed";
                    }

                    continue;
            }

            if (Errors >= Options.MaxErrors)
            {
                await TryReplyAndFlushAsync(new SmtpReply(421, "4.7.0", $"{Options.HostName} too many errors, closing connection")).ConfigureAwait(false);
                return "too many errors";
            }

            if (result.IsCompleted)
            {
                return "closed by client";
            }
        }
    }

    /// <summary>Handles everything complete in <paramref name="buffer"/>; returns what is left and what to do.</summary>
    private async ValueTask<(SessionAction Action, ReadOnlySequence<byte> Remaining)> ProcessAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (_mode)
            {
                case Mode.DrainLine:
                    {
                        var before = buffer.Length;
                        var drained = LineReader.TryDrainLine(ref buffer);
                        _drained += before - buffer.Length;
                        if (!drained)
                        {
                            if (_drained > Options.DrainLimit)
                            {
                                Reply(new SmtpReply(500, "5.5.2", $"Line too long (limit {Options.MaxCommandLine} octets); closing connection"));
                                return (SessionAction.Close, buffer);
                            }

                            return (SessionAction.None, buffer);
                        }

                        _mode = Mode.Command;
                        Errors++;
                        Reply(new SmtpReply(500, "5.5.2", $"Line too long (limit {Options.MaxCommandLine} octets, {Options.MaxAuthLine} for AUTH)"));
                        continue;
                    }

                case Mode.Data:
                    {
                        var status = _dataReceiver!.Feed(buffer, _content!, out var consumed);
                        buffer = buffer.Slice(consumed);
                        if (status == DataStatus.NeedMoreData)
                        {
                            if (_dataReceiver.Size > Options.MaxMessageSize + Options.DrainLimit)
                            {
                                // Never drain forever: answer and close.
                                Transaction = null;
                                State = SmtpState.Ready;
                                Reply(new SmtpReply(552, "5.3.4", $"Message size exceeds the limit of {Options.MaxMessageSize} octets; closing connection"));
                                return (SessionAction.Close, buffer);
                            }

                            return (SessionAction.None, buffer);
                        }

                        _mode = Mode.Command;
                        await WithinAsync(Options.Timeouts.DataTermination, ct => DataHandler.EndOfDataAsync(this, _dataReceiver, _content!.WrittenMemory, ct), cancellationToken).ConfigureAwait(false);
                        _content = null;
                        continue;
                    }

                case Mode.Chunk:
                    {
                        var transfer = PendingDiscard ?? Bdat!;
                        var status = transfer.Receiver.Feed(buffer, transfer.Content, out var consumed);
                        buffer = buffer.Slice(consumed);
                        if (status == DataStatus.NeedMoreData)
                        {
                            return (SessionAction.None, buffer);
                        }

                        _mode = Mode.Command;
                        await WithinAsync(Options.Timeouts.DataTermination, ct => BdatHandler.EndOfChunkAsync(this, ct), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
            }

            // RFC 4954 §4: AUTH lines and SASL responses may reach 12,288 octets (bearer tokens are long).
            var limit = _mode == Mode.Sasl || (Options.Kind == SmtpListenerKind.Submission && Principal is null)
                ? Math.Max(Options.MaxCommandLine, Options.MaxAuthLine)
                : Options.MaxCommandLine;
            var lineStatus = LineReader.TryReadLine(ref buffer, limit, out var line);
            if (lineStatus == LineStatus.NeedMoreData)
            {
                return (SessionAction.None, buffer);
            }

            if (lineStatus == LineStatus.TooLong)
            {
                // An oversized SASL response ends the exchange; the drained line is answered 500.
                Sasl = null;
                _mode = Mode.DrainLine;
                _drained = 0;
                continue;
            }

            var bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            if (_mode == Mode.Sasl)
            {
                var text = System.Text.Encoding.ASCII.GetString(bytes);
                await AuthHandler.ContinueAsync(this, text, cancellationToken).ConfigureAwait(false);
                if (Sasl is null)
                {
                    _mode = Mode.Command;
                }

                continue;
            }

            var command = CommandParser.Parse(bytes);
            var action = await DispatchAsync(command, cancellationToken).ConfigureAwait(false);
            switch (action)
            {
                case SessionAction.Quit:
                    return (SessionAction.Quit, buffer);
                case SessionAction.Close:
                    return (SessionAction.Close, buffer.Slice(buffer.End));
                case SessionAction.BeginChunk:
                    _mode = Mode.Chunk;
                    continue;
                case SessionAction.StartTls:
                    if (buffer.Length > 0)
                    {
                        // RFC 3207 §5 / CVE-2011-0411: plaintext pipelined after STARTTLS must not be carried into TLS.
                        _pending.Clear();
                        Reply(new SmtpReply(554, "5.5.1", "Commands pipelined after STARTTLS are not allowed; closing connection"));
                        return (SessionAction.Quit, buffer.Slice(buffer.End));
                    }

                    return (SessionAction.StartTls, buffer);
                case SessionAction.BeginData:
                    _mode = Mode.Data;
                    _dataReceiver = new DataReceiver(Options.MaxMessageSize, Options.MaxDataLineLength);
                    _content = new ArrayBufferWriter<byte>(16 * 1024);
                    break;
            }

            if (Sasl is not null)
            {
                _mode = Mode.Sasl;
            }
        }
    }

    private async ValueTask<SessionAction> DispatchAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        if (command is InvalidCommand invalid)
        {
            Errors++;
            Reply(invalid.Reply);
            return invalid.LosesSynchronization ? SessionAction.Close : SessionAction.None;
        }

        if (!SmtpStateTable.TryAccept(State, command.Verb, out var next))
        {
            Errors++;
            var refusal = State switch
            {
                SmtpState.Connected => new SmtpReply(503, "5.5.1", "Send EHLO first"),
                SmtpState.Ready when command.Verb is SmtpVerb.Rcpt => new SmtpReply(503, "5.5.1", "Need MAIL before RCPT"),
                SmtpState.Ready when command.Verb is SmtpVerb.Data or SmtpVerb.Bdat or SmtpVerb.BdatLast => new SmtpReply(503, "5.5.1", "Need MAIL and RCPT before DATA or BDAT"),
                SmtpState.MailGiven when command.Verb is SmtpVerb.Data or SmtpVerb.Bdat or SmtpVerb.BdatLast => new SmtpReply(503, "5.5.1", "Need RCPT before DATA: no valid recipient"),
                SmtpState.InBdat when command.Verb is SmtpVerb.Data => new SmtpReply(503, "5.5.1", "DATA cannot follow BDAT in the same transaction (RFC 3030); send RSET"),
                SmtpState.InBdat when command.Verb is SmtpVerb.Mail or SmtpVerb.Rcpt => new SmtpReply(503, "5.5.1", "BDAT transfer in progress: send the rest with BDAT … LAST, or RSET"),
                _ when command.Verb is SmtpVerb.Mail => new SmtpReply(503, "5.5.1", "Nested MAIL command"),
                _ when command.Verb is SmtpVerb.StartTls => new SmtpReply(503, "5.5.1", "STARTTLS not allowed now"),
                _ => SmtpReply.BadSequence,
            };

            // RFC 3030 §2: a refused BDAT still has its chunk coming; it is consumed, then answered.
            return command is BdatCommand refusedChunk ? BdatHandler.Start(this, refusedChunk, refusal) : Refuse(refusal);
        }

        if (command is BdatCommand chunk)
        {
            var action = BdatHandler.Start(this, chunk, refusal: null);
            if (action == SessionAction.BeginChunk)
            {
                State = next;
            }

            return action;
        }

        var (accepted, sessionAction) = command switch
        {
            HeloCommand c => (HeloHandler.Handle(this, c), SessionAction.None),
            StartTlsCommand => StartTlsHandler.Handle(this),
            AuthCommand c => (await AuthHandler.StartAsync(this, c, cancellationToken).ConfigureAwait(false), SessionAction.None),
            MailCommand c => (await WithinAsync(Options.Timeouts.Mail, ct => MailHandler.HandleAsync(this, c, ct), cancellationToken, onTimeout: () => Transaction = null).ConfigureAwait(false), SessionAction.None),
            RcptCommand c => (await WithinAsync(Options.Timeouts.Rcpt, ct => RcptHandler.HandleAsync(this, c, ct), cancellationToken).ConfigureAwait(false), SessionAction.None),
            DataCommand => DataHandler.Begin(this),
            RsetCommand => Rset(),
            NoopCommand => Simple(SmtpReply.Ok),
            VrfyCommand => Simple(new SmtpReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery")),
            HelpCommand => Simple(new SmtpReply(214, "2.0.0", "See RFC 5321 and https://caducee.example/docs")),
            QuitCommand => (Quit(), SessionAction.Quit),
            _ => NotImplemented("Command not implemented"),
        };

        if (accepted)
        {
            State = next;
        }

        return sessionAction;
    }

    /// <summary>
    /// Runs our own processing of a command within its RFC 5321 §4.5.3.2 budget: past it, the command is answered
    /// 451 (the client would give up anyway) instead of leaving the client without a reply.
    /// </summary>
    private async ValueTask<bool> WithinAsync(TimeSpan budget, Func<CancellationToken, ValueTask<bool>> step, CancellationToken cancellationToken, Action? onTimeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(budget);
        try
        {
            return await step(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            onTimeout?.Invoke();
            Log.ProcessingTimedOut(Logger, Id, budget);
            Reply(new SmtpReply(451, "4.3.0", "Local processing took too long; try again later"));
            return false;
        }
    }

    private ValueTask WithinAsync(TimeSpan budget, Func<CancellationToken, Task> step, CancellationToken cancellationToken) =>
        new(WithinAsync(budget, async ct =>
        {
            await step(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).AsTask());

    private SessionAction Refuse(SmtpReply reply)
    {
        Reply(reply);
        return SessionAction.None;
    }

    private (bool, SessionAction) Simple(SmtpReply reply)
    {
        Reply(reply);
        return (true, SessionAction.None);
    }

    private (bool, SessionAction) NotImplemented(string text)
    {
        Errors++;
        Reply(new SmtpReply(502, "5.5.1", text));
        return (false, SessionAction.None);
    }

    private (bool, SessionAction) Rset()
    {
        Transaction = null;
        Bdat = null;
        Reply(SmtpReply.Ok);
        return (true, SessionAction.None);
    }

    private bool Quit()
    {
        Reply(new SmtpReply(221, "2.0.0", $"{Options.HostName} closing connection"));
        return true;
    }

    private async Task<bool> UpgradeToTlsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A client certificate is requested on every listener: required on the MX (trust policy), optional
        // on submission where it serves SASL EXTERNAL (REQ-14, REQ-16).
        var options = Options.Tls.ServerOptions(Options.Certificate, requestClientCertificate: true);
        var (tls, error) = await _transport.UpgradeToTlsAsync(options, timeout, cancellationToken).ConfigureAwait(false);
        if (tls is null)
        {
            Log.TlsFailed(Logger, Id, error ?? "unknown");
            return false;
        }

        Tls = tls;
        Log.TlsEstablished(Logger, Id, tls.Protocol.ToString(), tls.CipherSuite, tls.PeerCertificate?.Subject ?? "none");

        // RFC 3207 §4.2: forget everything learnt before TLS.
        State = SmtpState.Connected;
        HeloName = null;
        Transaction = null;
        Bdat = null;
        Principal = null;
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Before closing on a client still sending (endless data, a chunk not read), discards its input for a
    /// moment: closing with unread input makes the kernel send a reset, which can destroy the reply in flight.
    /// </summary>
    private async Task LingerAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        long discarded = 0;
        try
        {
            while (discarded < 4 * 1024 * 1024)
            {
                var result = await _transport.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
                discarded += result.Buffer.Length;
                _transport.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Done waiting: close.
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }

        await _transport.WriteAsync(_pending.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _pending.Clear();
    }

    private async Task TryReplyAndFlushAsync(SmtpReply reply)
    {
        Reply(reply);
        await _transport.TryWriteAsync(_pending.WrittenMemory).ConfigureAwait(false);
        _pending.Clear();
    }
}
