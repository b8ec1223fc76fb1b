// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Core.Model;

namespace Caducee.Core.Ports;

/// <summary>Schema, retention, blob collection and keys (`caducee store …`, and the node's maintenance loop).</summary>
public interface IStoreMaintenance
{
    /// <summary>The schema version this program writes.</summary>
    int LatestSchemaVersion { get; }

    /// <summary>
    /// Creates the schema or upgrades it (idempotent), then loads the keys (creating the data keys of
    /// hosted domains if needed) after checking the master key matches. Call once before any other method.
    /// </summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>The schema version of the database.</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Expunges, in every domain with a retention policy, the messages whose internal date is older than
    /// it (recorded as expunges, listeners notified). Their blobs are collected later.
    /// </summary>
    Task<RetentionResult> ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes blob files that no message or queue entry references and that were not touched for
    /// <paramref name="gracePeriod"/>, safely against concurrent deliveries of the same content.
    /// </summary>
    Task<BlobCollectionResult> CollectBlobsAsync(TimeSpan gracePeriod, CancellationToken cancellationToken);

    /// <summary>Gives a domain a new data key for new content; old content stays readable. Returns the new key id.</summary>
    Task<int> RotateDomainKeyAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Re-wraps every data key under <paramref name="newMaster"/> (no content rewritten) in one transaction.</summary>
    Task RotateMasterKeyAsync(MasterKey newMaster, CancellationToken cancellationToken);
}
