// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Core.Ports;

/// <summary>The durable outbound queue, as the queue runner sees it.</summary>
public interface IQueueStore
{
    /// <summary>
    /// Claims pending recipients due at <paramref name="now"/>, grouped by message and destination domain,
    /// leasing them until <paramref name="leaseUntil"/> so another runner does not take them; the lease records
    /// <paramref name="owner"/> (the node's queue id) so the node can take its leases back after a crash.
    /// </summary>
    Task<IReadOnlyList<QueueItem>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int maxItems, CancellationToken cancellationToken, string? owner = null);

    /// <summary>
    /// Frees the leases held by <paramref name="owner"/>: a node calls it when its runner starts, since leases
    /// under its id can only be left by a previous run that died (killed) before recording an outcome. Returns
    /// how many recipients were freed.
    /// </summary>
    Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Records delivery attempts; a message whose recipients are all final leaves the queue.</summary>
    Task RecordAsync(long queueItemId, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken);

    /// <summary>Counts of pending recipients (for `caducee queue` and health).</summary>
    Task<int> CountPendingAsync(CancellationToken cancellationToken);
}
