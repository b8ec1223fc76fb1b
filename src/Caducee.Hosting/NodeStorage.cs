// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Sqlite;

namespace Caducee.Hosting;

/// <summary>
/// Opens a node's stores from its data folder (used by the servers and by the admin CLI alike): the master
/// key file, the keyring, the encrypted blob files and the SQLite metadata store, schema brought up to date.
/// </summary>
public sealed class NodeStorage : IAsyncDisposable, IDisposable
{
    private NodeStorage(DataLayout layout, SqliteMailStore store, FileBlobStore blobs, int schemaBefore)
    {
        Layout = layout;
        Store = store;
        Blobs = blobs;
        SchemaVersionBefore = schemaBefore;
    }

    public DataLayout Layout { get; }

    public SqliteMailStore Store { get; }

    public FileBlobStore Blobs { get; }

    /// <summary>The schema version found when opening (before migrations ran).</summary>
    public int SchemaVersionBefore { get; }

    /// <summary>Opens (creating if needed) the stores and brings the schema up to date.</summary>
    public static async Task<NodeStorage> OpenAsync(string dataDir, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        var layout = new DataLayout(dataDir);
        Directory.CreateDirectory(layout.Root);
        var master = MasterKey.LoadOrCreate(layout.MasterKey);
        var (store, blobs) = Create(layout, master, clock);
        try
        {
            // A master-key rotation interrupted after its commit left the new key beside the old one: finish it.
            if (File.Exists(layout.PendingMasterKey) && await store.MasterKeyMatchesAsync(master, cancellationToken).ConfigureAwait(false) == false)
            {
                var pending = MasterKey.Load(layout.PendingMasterKey);
                if (await store.MasterKeyMatchesAsync(pending, cancellationToken).ConfigureAwait(false) == true)
                {
                    DurableFiles.Replace(layout.PendingMasterKey, layout.MasterKey);
                    await store.DisposeAsync().ConfigureAwait(false);
                    (store, blobs) = Create(layout, pending, clock);
                }
            }

            var before = await store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return new NodeStorage(layout, store, blobs, before);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Replaces the master key: a new key file is written beside the old one (0600, fsynced), every data key
    /// is re-wrapped under it in one transaction, then the new file replaces the old. A crash before the
    /// commit keeps the old key; after it, the next open finishes the replacement.
    /// </summary>
    public async Task RotateMasterKeyAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Layout.PendingMasterKey))
        {
            // Left by a rotation that never committed (the open above would have finished a committed one).
            File.Delete(Layout.PendingMasterKey);
        }

        var fresh = MasterKey.CreateFile(Layout.PendingMasterKey);
        await Store.RotateMasterKeyAsync(fresh, cancellationToken).ConfigureAwait(false);
        DurableFiles.Replace(Layout.PendingMasterKey, Layout.MasterKey);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    public void Dispose() => Store.Dispose();

    private static (SqliteMailStore, FileBlobStore) Create(DataLayout layout, MasterKey master, TimeProvider? clock)
    {
        var keys = new Keyring(master);
        var blobs = new FileBlobStore(layout.Blobs, keys, clock);
        return (new SqliteMailStore(layout.Database, blobs, keys, clock), blobs);
    }
}
