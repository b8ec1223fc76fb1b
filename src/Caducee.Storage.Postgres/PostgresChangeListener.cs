// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Sockets;
using Caducee.Core.Model;
using Caducee.Primitives;
using Npgsql;

namespace Caducee.Storage.Postgres;

/// <summary>
/// Hears the changes other nodes commit (issue 4 point 5): a dedicated connection runs <c>LISTEN</c> and
/// hands each notification to the in-process feed. When the connection breaks it reconnects with
/// exponential backoff (50 ms doubling to 5 s, with jitter); after every (re)connection it signals every
/// subscribed folder, because notifications sent while it was not listening are lost: listeners then
/// re-check with <c>GetChangesSinceAsync</c>, so no change is ever missed, only coalesced.
/// </summary>
internal sealed class PostgresChangeListener : IAsyncDisposable
{
    private static readonly TimeSpan s_minBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly string _nodeId;
    private readonly Action<IReadOnlyList<FolderChanged>> _publish;
    private readonly Func<CancellationToken, Task> _resync;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connections;
    private int _backendProcessId;

    public PostgresChangeListener(string connectionString, string nodeId, Action<IReadOnlyList<FolderChanged>> publish, Func<CancellationToken, Task> resync)
    {
        _connectionString = connectionString;
        _nodeId = nodeId;
        _publish = publish;
        _resync = resync;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes once LISTEN succeeded the first time.</summary>
    public Task Listening => _listening.Task;

    /// <summary>How many times LISTEN succeeded (1 after the first connection; more after reconnections).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The server process of the listening connection, 0 while disconnected.</summary>
    public int BackendProcessId => Volatile.Read(ref _backendProcessId);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var backoff = s_minBackoff;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) =>
                {
                    var changes = ChangeNotifications.Decode(e.Payload, _nodeId);
                    if (changes.Count > 0)
                    {
                        _publish(changes);
                    }
                };
                await connection.OpenAsync(token).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand("LISTEN " + PostgresDialect.Channel + ";", connection))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                Volatile.Write(ref _backendProcessId, connection.ProcessID);
                Interlocked.Increment(ref _connections);
                backoff = s_minBackoff;

                _listening.TrySetResult();

                // Listening from now on; what was committed before (while disconnected, or between a
                // subscription and the first connection) may have been missed: every subscriber re-checks.
                await _resync(token).ConfigureAwait(false);
                while (true)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or MailException or IOException or SocketException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                // The server restarted, the network failed, or our backend was terminated: wait, then again.
                Volatile.Write(ref _backendProcessId, 0);
                var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(backoff.TotalMilliseconds / 4) + 1));
                try
                {
                    await Task.Delay(backoff + jitter, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
            }
        }

        Volatile.Write(ref _backendProcessId, 0);
    }
}
