// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;

namespace Caducee.Core.Ports;

/// <summary>
/// Raw message bytes, stored exactly as received (STYLE.md §4.8), content-addressed (one copy per content),
/// encrypted at rest under a data key whose id the stored form records. <see cref="PutAsync"/> returns only
/// when the bytes are on disk. Only the store writes; the protocols read.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores <paramref name="content"/> durably under <paramref name="key"/> and returns its id (the same
    /// content gives the same id). If the blob exists, its last-touched time is refreshed instead (one
    /// syscall), which protects it from a collection in progress.
    /// </summary>
    Task<string> PutAsync(ReadOnlyMemory<byte> content, DataKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="PutAsync"/>, but the bytes need not be on disk when it returns: they are once a
    /// <see cref="SyncAsync"/> that started after it has returned, and the blob is not readable before.
    /// The store uses it so the deliveries waiting at the same time share one flush (issue 4 point 8): it awaits
    /// <see cref="SyncAsync"/> before writing the rows that name the blob. By default, <see cref="PutAsync"/>.
    /// </summary>
    Task<string> PutDeferredAsync(ReadOnlyMemory<byte> content, DataKey key, CancellationToken cancellationToken) =>
        PutAsync(content, key, cancellationToken);

    /// <summary>Makes every <see cref="PutDeferredAsync"/> that returned before this call durable and readable.</summary>
    Task SyncAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether a blob is stored under <paramref name="blobId"/> (after a deferred put: once synced).</summary>
    bool Exists(string blobId) => true;

    /// <summary>Reads a blob back; NotFound if absent, InvalidData if it fails its integrity check.</summary>
    Task<byte[]> ReadAsync(string blobId, CancellationToken cancellationToken);

    /// <summary>Blobs not touched since <paramref name="before"/>: the collection candidates.</summary>
    IEnumerable<string> ListUntouchedSince(DateTimeOffset before);

    /// <summary>
    /// Moves a blob aside (atomically) so no reader or writer sees it; returns its last-touched time, or
    /// null if it was not there.
    /// </summary>
    DateTimeOffset? Quarantine(string blobId);

    /// <summary>Puts a quarantined blob back (a newer copy written meanwhile wins).</summary>
    void Restore(string blobId);

    /// <summary>Deletes a quarantined blob for good.</summary>
    void Purge(string blobId);

    /// <summary>Deletes temporary files of interrupted writes older than <paramref name="before"/>; returns how many.</summary>
    int DeleteStaleTemporaryFiles(DateTimeOffset before);
}
