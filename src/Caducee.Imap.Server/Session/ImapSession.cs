// SPDX-License-Identifier: AGPL-3.0-or-later
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Policy;
using Caducee.Core.Transport;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Operations;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server.Session;

/// <summary>
/// One IMAP connection: moves bytes between the transport and the sans-I/O receiver, hands complete
/// commands to the dispatcher, and owns the state (<see cref="ImapState"/>): operations are stateless.
/// Responses are flushed before each read, and during long responses. Every wait is bounded: before
/// login, in the middle of a command, and between commands or in IDLE (autologout).
/// </summary>
internal sealed class ImapSession : IAsyncDisposable
{
    /// <summary>Responses are sent as they are built once this much is waiting (a large FETCH streams out).</summary>
    private const int FlushThreshold = 64 * 1024;

    /// <summary>Before login: lines, literals and whole commands stay small (the pre-auth surface, STYLE.md §4.5).</summary>
    private const int PreAuthCommandSize = 64 * 1024;

    /// <summary>A response buffer that grew past this is dropped before the session waits (5,000 idle sessions keep little).</summary>
    private const int KeptBuffer = 16 * 1024;

    private readonly ConnectionTransport _transport;
    private readonly WakeSignal _wake = new();
    private bool _outGrew;
    private ImapReceiver _receiver;
    private ImapState _state = new NotAuthenticated();

    public ImapSession(Stream stream, IPEndPoint? remote, ImapServerOptions options, ImapServices services, ILogger logger)
    {
        _transport = new ConnectionTransport(stream);
        Remote = remote;
        Options = options;
        Services = services;
        Logger = logger;
        _receiver = CreateReceiver(authenticated: false);
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
    }

    public string Id { get; }

    public IPEndPoint? Remote { get; }

    public ImapServerOptions Options { get; }

    public ImapServices Services { get; }

    public ILogger Logger { get; }

    public ImapState State => _state;

    /// <summary>The logged-in user, or null before login.</summary>
    public UserContext? User => (_state as Authenticated)?.User;

    /// <summary>The selected mailbox, or null.</summary>
    public SelectedMailbox? Selected => (_state as Selected)?.Mailbox;

    public bool IsTls => Tls is not null;

    /// <summary>TLS facts once STARTTLS or implicit TLS completed, with the client certificate if one was presented (SASL EXTERNAL).</summary>
    public TlsInfo? Tls { get; private set; }

    public bool IsCompressed { get; private set; }

    /// <summary>Responses being built; replaced by a small one after a large response, so an idle session keeps no big buffer.</summary>
    public ImapWriter Out { get; private set; } = new();

    /// <summary>BAD answers and failed logins so far (<see cref="ImapServerOptions.MaxErrors"/>).</summary>
    public int Errors { get; set; }

    /// <summary>CONDSTORE is on (RFC 7162 §3.1): MODSEQ in flag updates, HIGHESTMODSEQ kept.</summary>
    public bool CondStore { get; private set; }

    /// <summary>QRESYNC is enabled: expunges are reported as VANISHED.</summary>
    public bool QResync { get; private set; }

    /// <summary>IMAP4rev2 is enabled (RFC 9051): ESEARCH answers, LIST in SELECT, no RECENT.</summary>
    public bool Rev2 { get; private set; }

    /// <summary>UTF-8 mailbox names and strings (UTF8=ACCEPT, RFC 6855, or IMAP4rev2).</summary>
    public bool Utf8 { get; private set; }

    public ImapParserOptions ParserOptions { get; private set; } = ImapParserOptions.Default;

    /// <summary>An AUTHENTICATE waiting for the client's response line: its tag and exchange.</summary>
    public (string Tag, SaslExchange Exchange)? PendingSasl { get; private set; }

    /// <summary>The tag of the IDLE in progress, or null.</summary>
    public string? IdleTag { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.SessionStarted(Logger, Id, Remote);
        var reason = "closed by client";
        try
        {
            if (Options.ImplicitTls && !await UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false))
            {
                reason = "TLS handshake failed";
                return;
            }

            Out.Untagged(ImapStatus.Ok, ResponseCode.Capability(Capabilities.For(this)), $"{Options.HostName} Caducée IMAP ready");
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            reason = await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "server shutting down";
            await TryWriteAsync("* BYE Server shutting down\r\n").ConfigureAwait(false);
        }
        catch (IOException)
        {
            reason = "connection lost";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = "internal error";
            Log.SessionFailed(Logger, Id, ex);
            await TryWriteAsync("* BYE Internal server error\r\n").ConfigureAwait(false);
        }
        finally
        {
            Log.SessionEnded(Logger, Id, reason);
            End();
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        End();
        return _transport.DisposeAsync();
    }

    /// <summary>Logs in (LOGIN or AUTHENTICATE succeeded): false when the user already holds <see cref="ImapServerOptions.MaxConnectionsPerUser"/> connections.</summary>
    public bool TryLogIn(AuthenticatedPrincipal principal)
    {
        var slot = Services.Connections.TryAcquire(principal.Mailbox.Id, Options.MaxConnectionsPerUser);
        if (slot is null)
        {
            Log.ConnectionLimit(Logger, Id, principal.Mailbox.Address.ToString(), Services.Connections.CountOf(principal.Mailbox.Id), Options.MaxConnectionsPerUser);
            return false;
        }

        _state = new Authenticated(new UserContext(principal, slot));
        _receiver = CreateReceiver(authenticated: true);
        return true;
    }

    /// <summary>Subscribes to the change feed of a folder about to be selected (before its state is read, so no change is missed).</summary>
    public FolderWatch WatchFolder(long folderId)
    {
        var watch = new FolderWatch();
        watch.Attach(Services.Store.SubscribeFolder(folderId, change =>
        {
            watch.MarkStale(change.Kinds);
            _wake.Set();
        }));
        return watch;
    }

    /// <summary>Enters the selected state (a previous selection was left by <see cref="Deselect"/>).</summary>
    public void Select(SelectedMailbox mailbox)
    {
        var user = User ?? throw new InvalidOperationException("not logged in");
        Selected?.Dispose();
        _state = new Selected(user, mailbox);
    }

    /// <summary>Back to the authenticated state (CLOSE, UNSELECT, a failed or new SELECT).</summary>
    public void Deselect()
    {
        if (_state is Selected selected)
        {
            selected.Mailbox.Dispose();
            _state = new Authenticated(selected.User);
        }
    }

    /// <summary>LOGOUT, or a BYE the server decided: the loop ends after this command.</summary>
    public void LogOut()
    {
        Deselect();
        User?.Dispose();
        _state = new LoggedOut();
    }

    public void EnableCondStore() => CondStore = true;

    public void EnableQResync()
    {
        QResync = true;
        CondStore = true;
    }

    public void EnableRev2()
    {
        Rev2 = true;
        EnableUtf8();
    }

    /// <summary>UTF-8 from now on: mailbox names in UTF-8 both ways, UTF-8 in quoted strings (RFC 6855 §3, RFC 9051 §5.1).</summary>
    public void EnableUtf8()
    {
        Utf8 = true;
        Out.Utf8 = true;
        ParserOptions = ParserOptions with { Utf8MailboxNames = true };
    }

    /// <summary>The client's next line answers a SASL challenge.</summary>
    public void BeginSasl(string tag, SaslExchange exchange)
    {
        PendingSasl = (tag, exchange);
        _receiver.ExpectContinuationLine();
    }

    /// <summary>IDLE: updates are pushed until DONE (RFC 2177, RFC 9051 §6.3.13).</summary>
    public void BeginIdle(string tag)
    {
        IdleTag = tag;
        _receiver.ExpectIdleDone();
    }

    /// <summary>Sends what is waiting when it is large (a FETCH of many messages streams out as it is built).</summary>
    public ValueTask FlushIfLargeAsync(CancellationToken cancellationToken) =>
        Out.Length >= FlushThreshold ? new ValueTask(FlushAsync(cancellationToken)) : ValueTask.CompletedTask;

    /// <summary>Sends what is waiting, then <paramref name="data"/> as is (a large literal goes out without being copied into the response buffer).</summary>
    public async Task WriteDirectAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await _transport.WriteAsync(data, cancellationToken).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Out.Length == 0)
        {
            return;
        }

        _outGrew |= Out.Length > KeptBuffer;
        await _transport.WriteAsync(Out.Written, cancellationToken).ConfigureAwait(false);
        Out.Clear();
    }

    private ImapReceiver CreateReceiver(bool authenticated)
    {
        if (!authenticated)
        {
            // Nothing before login needs more than a SASL response line; APPEND is refused after parsing.
            var line = Math.Max(Options.MaxSaslLine, 1024);
            return new ImapReceiver(new ImapReceiverOptions
            {
                MaxLineLength = line,
                MaxLiteralSize = line,
                MaxCommandSize = Math.Max(PreAuthCommandSize, line),
                MaxCommandText = Math.Max(PreAuthCommandSize, line),
                MaxLiterals = 8,
                MaxArguments = 256,
                MaxDepth = 8,
            });
        }

        return new ImapReceiver(new ImapReceiverOptions
        {
            MaxLineLength = Options.MaxLineLength,
            MaxLiteralSize = Options.MaxLiteralSize,
            // MULTIAPPEND: the messages of one command are stored together, so they are bounded together.
            MaxCommandSize = Options.MaxLiteralSize + Options.MaxLineLength,
            MaxCommandText = Math.Max(1024 * 1024, Options.MaxLineLength),
        })
        {
            SinkThreshold = Options.SpoolThreshold,
            LiteralSinkFactory = _ => CreateSpool(),
        };
    }

    /// <summary>A spool file for a large APPEND literal; without one (the folder cannot be written) the literal stays in memory.</summary>
    private SpoolSink? CreateSpool()
    {
        try
        {
            return new SpoolSink(Options.SpoolDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<string> LoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_outGrew)
            {
                Out = new ImapWriter { Utf8 = Utf8 };
                _outGrew = false;
            }

            var (result, timedOut) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (_state is LoggedOut)
            {
                // The selected mailbox went away while idling: the BYE is sent.
                return "selected mailbox deleted";
            }

            if (timedOut is { } phase)
            {
                var seconds = (phase switch { "pre-auth" => Options.PreAuthTimeout, "command" => Options.CommandTimeout, _ => Options.IdleTimeout }).TotalSeconds;
                Log.Timeout(Logger, Id, phase, seconds);
                await TryWriteAsync(phase == "command" ? "* BYE Timeout: the command was not completed in time\r\n" : "* BYE Autologout; idle for too long\r\n").ConfigureAwait(false);
                return "timeout (" + phase + ")";
            }

            var buffer = result.Buffer;
            var action = ImapAction.None;
            while (action == ImapAction.None && _state is not LoggedOut && Errors < Options.MaxErrors)
            {
                var received = _receiver.Feed(ref buffer);
                if (received.Status == ReceiveStatus.NeedMoreData)
                {
                    break;
                }

                switch (received.Status)
                {
                    case ReceiveStatus.NeedContinuation:
                        Out.Continuation();
                        break;
                    case ReceiveStatus.ContinuationLine:
                        await ContinueSaslAsync(received.Line, cancellationToken).ConfigureAwait(false);
                        break;
                    case ReceiveStatus.IdleDone:
                        Out.Tagged(IdleTag ?? "*", ImapStatus.Ok, "IDLE terminated");
                        IdleTag = null;
                        break;
                    case ReceiveStatus.Error:
                        Refuse(received);
                        break;
                    default:
                        action = await Dispatcher.DispatchAsync(this, received.Request!, pipelined: !buffer.IsEmpty, cancellationToken).ConfigureAwait(false);
                        if (action is ImapAction.StartTls or ImapAction.Compress && !buffer.IsEmpty)
                        {
                            // Bytes sent before the answer must not be read through the new layer (RFC 9051 §6.2.1, RFC 4978 §3).
                            Out.Untagged(ImapStatus.Bye, null, "Commands pipelined after STARTTLS or COMPRESS are not allowed");
                            action = ImapAction.Logout;
                            buffer = buffer.Slice(buffer.End);
                        }

                        break;
                }
            }

            _transport.Reader.AdvanceTo(buffer.Start, buffer.End);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (action == ImapAction.Logout || _state is LoggedOut)
            {
                return "LOGOUT";
            }

            if (Errors >= Options.MaxErrors)
            {
                Log.TooManyErrors(Logger, Id, Errors);
                await TryWriteAsync("* BYE Too many errors; closing the connection\r\n").ConfigureAwait(false);
                return "too many errors";
            }

            if (action == ImapAction.StartTls && !await UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false))
            {
                return "TLS handshake failed";
            }

            if (action == ImapAction.Compress)
            {
                await _transport.WrapAsync(s => new DeflateDuplexStream(s)).ConfigureAwait(false);
                _receiver.Reset();
                IsCompressed = true;
                Log.CompressionStarted(Logger, Id);
            }

            if (result.IsCompleted)
            {
                return "closed by client";
            }
        }
    }

    /// <summary>
    /// Reads more input within the timeout of the current phase. While in IDLE, the read stays pending and
    /// the session wakes on the change feed to push updates (the read is never cancelled for that).
    /// </summary>
    private async Task<(ReadResult Result, string? TimedOut)> ReadAsync(CancellationToken cancellationToken)
    {
        var phase = !_receiver.IsIdle ? "command" : _state is NotAuthenticated ? "pre-auth" : "idle";
        var timeout = phase switch { "pre-auth" => Options.PreAuthTimeout, "command" => Options.CommandTimeout, _ => Options.IdleTimeout };
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        var read = _transport.Reader.ReadAsync(timer.Token).AsTask();
        while (IdleTag is not null && !read.IsCompleted)
        {
            _wake.Reset();
            if (Selected is { Watch.IsStale: true })
            {
                await SelectedUpdates.ReportAsync(this, allowExpunges: true, force: false, cancellationToken).ConfigureAwait(false);
                await FlushAsync(cancellationToken).ConfigureAwait(false);
                if (_state is LoggedOut)
                {
                    return (default, null);
                }

                continue;
            }

            await Task.WhenAny(read, _wake.Task).ConfigureAwait(false);
        }

        try
        {
            return (await read.ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (default, phase);
        }
    }

    private void Refuse(in ReceiveResult received)
    {
        if (PendingSasl is { } sasl)
        {
            // The only receiver error on a SASL line is its length (bearer tokens are the long ones).
            PendingSasl = null;
            Errors++;
            Out.Tagged(sasl.Tag, ImapStatus.Bad, $"SASL response longer than {Options.MaxSaslLine} octets");
            return;
        }

        if (IdleTag is { } idle)
        {
            IdleTag = null;
            Errors++;
            Out.Tagged(idle, ImapStatus.Bad, "Expected DONE to end IDLE");
            return;
        }

        if (received.ErrorStatus == ImapStatus.Bad)
        {
            Errors++;
        }

        Out.Tagged(received);
    }

    private async Task ContinueSaslAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        if (PendingSasl is not { } sasl)
        {
            return;
        }

        PendingSasl = null;
        if (line.Length > Options.MaxSaslLine)
        {
            Errors++;
            Out.Tagged(sasl.Tag, ImapStatus.Bad, $"SASL response longer than {Options.MaxSaslLine} octets");
            return;
        }

        var completion = await Operations.PreAuth.AuthenticateOperation.ContinueAsync(this, sasl.Tag, sasl.Exchange, line, cancellationToken).ConfigureAwait(false);
        if (!completion.IsPending)
        {
            if (completion.Status == ImapStatus.Bad)
            {
                Errors++;
            }

            Out.Tagged(sasl.Tag, completion.Status, completion.Code, completion.Text);
        }
    }

    private async Task<bool> UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        // A client certificate is requested, never required: it serves SASL EXTERNAL (REQ-14, REQ-16).
        var options = Options.Tls.ServerOptions(Options.Certificate, requestClientCertificate: true);
        var (tls, error) = await _transport.UpgradeToTlsAsync(options, Options.HandshakeTimeout, cancellationToken).ConfigureAwait(false);
        if (tls is null)
        {
            Log.TlsFailed(Logger, Id, error ?? "unknown");
            return false;
        }

        Log.TlsEstablished(Logger, Id, tls.Protocol.ToString(), tls.CipherSuite);
        _receiver.Reset();
        Tls = tls;
        return true;
    }

    private async Task TryWriteAsync(string text)
    {
        Out.Raw(text);
        await _transport.TryWriteAsync(Out.Written).ConfigureAwait(false);
        Out.Clear();
    }

    private void End()
    {
        if (_state is LoggedOut)
        {
            return;
        }

        Selected?.Dispose();
        User?.Dispose();
        _receiver.Reset();
        _state = new LoggedOut();
    }
}
