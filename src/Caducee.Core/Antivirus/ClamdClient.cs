// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Caducee.Core.Antivirus;

/// <summary>What a scan found.</summary>
public enum ScanOutcome
{
    Clean,
    Infected,
    /// <summary>The scan could not be done (clamd unreachable, timed out, or answered an error).</summary>
    Failed,
}

/// <summary>The result of a scan: the signature when infected, the reason when failed.</summary>
public sealed record ScanResult(ScanOutcome Outcome, string? Signature = null, string? Error = null)
{
    public static readonly ScanResult Clean = new(ScanOutcome.Clean);

    public static ScanResult Infected(string signature) => new(ScanOutcome.Infected, Signature: signature);

    public static ScanResult Failed(string error) => new(ScanOutcome.Failed, Error: error);
}

/// <summary>Scans bytes; implemented by <see cref="ClamdClient"/>.</summary>
public interface IVirusScanner
{
    Task<ScanResult> ScanAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}

/// <summary>
/// A client of clamd's INSTREAM command (clamd(8)): "zINSTREAM\0", then chunks each preceded by its length
/// as 4 octets in network order, then a zero length; clamd answers one NUL-terminated line,
/// "stream: OK", "stream: NAME FOUND" or "… ERROR". One connection per scan; the whole exchange is bounded
/// in time (<see cref="Timeout"/>) and the reply in size.
/// </summary>
public sealed class ClamdClient(ClamdEndpoint endpoint, TimeSpan timeout) : IVirusScanner
{
    /// <summary>Octets sent per INSTREAM chunk.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>The longest reply read; clamd's replies are one short line.</summary>
    public const int MaxReplyLength = 1024;

    private static readonly byte[] s_command = "zINSTREAM\0"u8.ToArray();

    public ClamdEndpoint Endpoint { get; } = endpoint;

    public TimeSpan Timeout { get; } = timeout;

    public async Task<ScanResult> ScanAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        var (socket, target) = Endpoint.CreateSocket();
        using (socket)
        {
            try
            {
                await socket.ConnectAsync(target, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return ScanResult.Failed($"clamd at {Endpoint} unreachable: {(ex is OperationCanceledException ? "connection timed out" : ex.Message)}");
            }

            try
            {
                try
                {
                    await SendAsync(socket, content, cts.Token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // clamd may close early (e.g. "INSTREAM size limit exceeded"): its reply says why.
                }

                var reply = await ReadReplyAsync(socket, cts.Token).ConfigureAwait(false);
                return Interpret(reply);
            }
            catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return ScanResult.Failed(ex is OperationCanceledException ? $"clamd at {Endpoint} did not answer within {Timeout.TotalSeconds:0} s" : $"clamd at {Endpoint} failed: {ex.Message}");
            }
        }
    }

    /// <summary>Reads clamd's answer: "stream: OK", "stream: NAME FOUND", anything else is an error.</summary>
    public static ScanResult Interpret(string reply)
    {
        var text = reply.Trim();
        if (text.StartsWith("stream:", StringComparison.Ordinal))
        {
            text = text["stream:".Length..].Trim();
        }

        if (text == "OK")
        {
            return ScanResult.Clean;
        }

        if (text.EndsWith(" FOUND", StringComparison.Ordinal))
        {
            return ScanResult.Infected(Printable(text[..^" FOUND".Length].Trim()));
        }

        return ScanResult.Failed("clamd answered: " + Printable(text.Length == 0 ? "(nothing)" : text));
    }

    private static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await socket.SendAsync(s_command, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var header = new byte[4];
        for (var offset = 0; offset < content.Length; offset += ChunkSize)
        {
            var chunk = content.Slice(offset, Math.Min(ChunkSize, content.Length - offset));
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)chunk.Length);
            await SendAllAsync(socket, header, cancellationToken).ConfigureAwait(false);
            await SendAllAsync(socket, chunk, cancellationToken).ConfigureAwait(false);
        }

        BinaryPrimitives.WriteUInt32BigEndian(header, 0);
        await SendAllAsync(socket, header, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private static async Task<string> ReadReplyAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxReplyLength];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            var nul = Array.IndexOf(buffer, (byte)0, length, n);
            length += n;
            if (nul >= 0)
            {
                length = nul;
                break;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    // A signature name goes into an SMTP reply and a log line: printable ASCII only, bounded.
    private static string Printable(string text)
    {
        var clean = new string([.. text.Where(c => c is >= ' ' and <= '~')]);
        return clean.Length > 200 ? clean[..200] : clean;
    }
}
