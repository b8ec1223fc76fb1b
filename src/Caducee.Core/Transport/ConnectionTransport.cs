// SPDX-License-Identifier: AGPL-3.0-or-later
using System.ComponentModel;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Policy;

namespace Caducee.Core.Transport;

/// <summary>
/// The byte transport of one protocol connection (SMTP or IMAP): the stream, a reader over it, writes
/// that flush, and the STARTTLS swap (the transport replacement Kestrel's HTTPS middleware does, done
/// inside the protocol). Shared by both servers so the TLS upgrade is written once.
/// </summary>
public sealed class ConnectionTransport : IAsyncDisposable
{
    private Stream _stream;
    private int _disposed;

    public ConnectionTransport(Stream stream)
    {
        _stream = stream;
        Reader = PipeReader.Create(stream, IdleFriendly);
    }

    /// <summary>
    /// Zero-byte reads (as Kestrel does): the reader waits for data with an empty read before it takes a buffer,
    /// and SslStream gives its own buffer back while nothing is pending, so a connection that waits (IMAP IDLE,
    /// an SMTP session between messages) holds no read buffers: 5,000 idle IMAP sessions fit in far less memory.
    /// </summary>
    private static readonly StreamPipeReaderOptions IdleFriendly = new(leaveOpen: true, useZeroByteReads: true);

    /// <summary>Reads the (possibly decrypted) input. Replaced by <see cref="UpgradeToTlsAsync"/>.</summary>
    public PipeReader Reader { get; private set; }

    /// <summary>Writes and flushes.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the server side of a TLS handshake over the current stream. Any input already buffered must
    /// have been refused by the caller (no plaintext may be carried into TLS). On failure the transport
    /// is dead and the reason is returned.
    /// </summary>
    public async Task<(TlsInfo? Tls, string? Error)> UpgradeToTlsAsync(SslServerAuthenticationOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Reader.CompleteAsync().ConfigureAwait(false);
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            cts.CancelAfter(timeout);
            try
            {
                await ssl.AuthenticateAsServerAsync(options, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or Win32Exception)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                _stream = Stream.Null;
                Reader = PipeReader.Create(Stream.Null);
                return (null, ex.Message);
            }
        }

        _stream = ssl;
        Reader = PipeReader.Create(ssl, IdleFriendly);
        var peer = ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
        return (new TlsInfo(ssl.SslProtocol, ssl.NegotiatedCipherSuite.ToString(), peer), null);
    }

    /// <summary>
    /// Puts a layer over the current stream (IMAP COMPRESS=DEFLATE, RFC 4978): reads and writes then go
    /// through it. As for TLS, input already buffered must have been refused by the caller.
    /// </summary>
    public async Task WrapAsync(Func<Stream, Stream> layer)
    {
        await Reader.CompleteAsync().ConfigureAwait(false);
        _stream = layer(_stream);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary>Writes a last message, ignoring a peer that is already gone (used when closing).</summary>
    public async Task TryWriteAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteAsync(data, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone; nothing more to say.
        }
    }

    /// <summary>Idempotent: the session's own clean-up and its owner may both call it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
