// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Policy;
using Caducee.Core.Transport;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Operations;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server.Session;

/// <summary>What the I/O loop must do after a command.</summary>
internal enum ImapAction
{
    None,
    StartTls,
    Logout,
}

/// <summary>
/// One IMAP connection: moves bytes between the transport and the sans-I/O receiver, dispatches
/// commands to stateless operations, and owns the state. Responses are flushed before each read.
/// </summary>
internal sealed class ImapSession : IAsyncDisposable
{
    private readonly ConnectionTransport _transport;
    private readonly ImapReceiver _receiver;

    public ImapSession(Stream stream, IPEndPoint? remote, ImapServerOptions options, ImapServices services, ILogger logger)
    {
        _transport = new ConnectionTransport(stream);
        Remote = remote;
        Options = options;
        Services = services;
        Logger = logger;
        _receiver = new ImapReceiver(options.MaxLineLength, options.MaxLiteralSize);
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
    }

    public string Id { get; }

    public IPEndPoint? Remote { get; }

    public ImapServerOptions Options { get; }

    public ImapServices Services { get; }

    public ILogger Logger { get; }

    public ImapState State { get; set; } = new NotAuthenticated();

    public bool IsTls => Tls is not null;

    /// <summary>TLS facts once STARTTLS or implicit TLS completed, with the client certificate if one was presented (SASL EXTERNAL).</summary>
    public TlsInfo? Tls { get; private set; }

    public ImapWriter Out { get; } = new();

    public int Errors { get; set; }

    /// <summary>An AUTHENTICATE waiting for the client's response line: its tag and exchange.</summary>
    public (string Tag, SaslExchange Exchange)? PendingSasl { get; set; }

    /// <summary>Longest SASL response line (bearer tokens are long; RFC 4954 uses 12,288 octets for SMTP).</summary>
    public const int MaxSaslLine = 16 * 1024;

    /// <summary>An oversized SASL response is being discarded up to its end of line.</summary>
    private bool _drainingSasl;

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

            Out.Untagged($"OK [CAPABILITY {CapabilityOperation.Capabilities(this)}] {Options.HostName} Caducée IMAP ready");
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            reason = await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "server shutting down";
            await TryWriteAsync("* BYE server shutting down\r\n").ConfigureAwait(false);
        }
        catch (IOException)
        {
            reason = "connection lost";
        }
        catch (Exception ex)
        {
            reason = "internal error";
            Log.SessionFailed(Logger, Id, ex);
            await TryWriteAsync("* BYE internal error\r\n").ConfigureAwait(false);
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
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(State is NotAuthenticated ? Options.PreAuthTimeout : Options.IdleTimeout);
                try
                {
                    result = await _transport.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await TryWriteAsync("* BYE Autologout; idle for too long\r\n").ConfigureAwait(false);
                    return "timeout";
                }
            }

            var buffer = result.Buffer;
            var action = ImapAction.None;
            while (action == ImapAction.None)
            {
                if (PendingSasl is not null || _drainingSasl)
                {
                    var lf = buffer.PositionOf((byte)'\n');
                    if (lf is null)
                    {
                        if (buffer.Length > MaxSaslLine && PendingSasl is { } big)
                        {
                            // Bounded: an oversized response ends the exchange; the rest of its line is discarded.
                            PendingSasl = null;
                            _drainingSasl = true;
                            Errors++;
                            Out.Tagged(big.Tag, "BAD", $"SASL response longer than {MaxSaslLine} octets");
                        }

                        if (_drainingSasl)
                        {
                            buffer = buffer.Slice(buffer.End);
                        }

                        break;
                    }

                    var line = Encoding.ASCII.GetString(buffer.Slice(0, lf.Value)).TrimEnd('\r');
                    buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
                    if (_drainingSasl)
                    {
                        _drainingSasl = false;
                        continue;
                    }

                    var sasl = PendingSasl!.Value;
                    PendingSasl = null;
                    if (line.Length > MaxSaslLine)
                    {
                        Errors++;
                        Out.Tagged(sasl.Tag, "BAD", $"SASL response longer than {MaxSaslLine} octets");
                        continue;
                    }

                    await AuthenticateOperation.ContinueAsync(this, sasl.Tag, sasl.Exchange, line, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var received = _receiver.Feed(ref buffer);
                if (received.Status == ReceiveStatus.NeedMoreData)
                {
                    break;
                }

                if (received.Status == ReceiveStatus.NeedContinuation)
                {
                    Out.Raw("+ Ready for literal data\r\n");
                    break;
                }

                if (received.Status == ReceiveStatus.Error)
                {
                    Errors++;
                    Out.Tagged(received.Tag ?? "*", "BAD", received.Error ?? "Malformed command");
                    continue;
                }

                action = await Dispatcher.DispatchAsync(this, received.Request!, cancellationToken).ConfigureAwait(false);
                if (action == ImapAction.StartTls && buffer.Length > 0)
                {
                    // Plaintext pipelined after STARTTLS must not be carried into TLS (RFC 9051 §6.2.1).
                    Out.Untagged("BYE Commands pipelined after STARTTLS are not allowed");
                    action = ImapAction.Logout;
                    buffer = buffer.Slice(buffer.End);
                }
            }

            _transport.Reader.AdvanceTo(buffer.Start, buffer.End);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (action == ImapAction.Logout)
            {
                return "LOGOUT";
            }

            if (action == ImapAction.StartTls && !await UpgradeToTlsAsync(cancellationToken).ConfigureAwait(false))
            {
                return "TLS handshake failed";
            }

            if (Errors >= Options.MaxErrors)
            {
                await TryWriteAsync("* BYE Too many errors\r\n").ConfigureAwait(false);
                return "too many errors";
            }

            if (result.IsCompleted)
            {
                return "closed by client";
            }
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

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Out.Length == 0)
        {
            return;
        }

        await _transport.WriteAsync(Out.Written, cancellationToken).ConfigureAwait(false);
        Out.Clear();
    }

    private async Task TryWriteAsync(string text)
    {
        Out.Raw(text);
        await _transport.TryWriteAsync(Out.Written).ConfigureAwait(false);
        Out.Clear();
    }
}
