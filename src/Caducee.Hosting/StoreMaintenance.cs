// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Ports;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.Hosting;

/// <summary>
/// The node's maintenance loop (issue 4 point 6): retention of each domain, then collection of
/// unreferenced blobs, shortly after start and then periodically. Counts are logged, never content.
/// </summary>
public sealed partial class StoreMaintenance(IStoreMaintenance store, TimeProvider clock, ILogger logger)
{
    /// <summary>Time between passes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Delay before the first pass after start.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Blob files touched more recently than this are never collected (ADR 0006).</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(FirstDelay, clock, cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(Interval, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One pass; failures are logged and retried at the next pass.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var retention = await store.ApplyRetentionAsync(clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var blobs = await store.CollectBlobsAsync(GracePeriod, cancellationToken).ConfigureAwait(false);
            LogPass(logger, retention.Total, blobs.Examined, blobs.Deleted, blobs.Restored);
        }
        catch (MailException ex)
        {
            LogFailed(logger, ex.Error.ToString(), ex.Message);
        }
        catch (IOException ex)
        {
            LogFailed(logger, "IO", ex.Message);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Store maintenance: {Expunged} message(s) expunged by retention; blobs {Examined} examined, {Deleted} deleted, {Restored} kept after re-check")]
    private static partial void LogPass(ILogger logger, int expunged, int examined, int deleted, int restored);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Store maintenance failed ({Error}): {Reason}; retried at the next pass")]
    private static partial void LogFailed(ILogger logger, string error, string reason);
}
