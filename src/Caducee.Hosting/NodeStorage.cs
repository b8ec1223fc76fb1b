// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Sqlite;

namespace Caducee.Hosting;

/// <summary>Opens a node's stores from its data folder (used by the servers and by the admin CLI alike).</summary>
public sealed class NodeStorage : IDisposable
{
    private NodeStorage(DataLayout layout, SqliteMailStore store, FileBlobStore blobs)
    {
        Layout = layout;
        Store = store;
        Blobs = blobs;
    }

    public DataLayout Layout { get; }

    public SqliteMailStore Store { get; }

    public FileBlobStore Blobs { get; }

    /// <summary>Opens (creating if needed) the stores and brings the schema up to date.</summary>
    public static async Task<NodeStorage> OpenAsync(string dataDir, CancellationToken cancellationToken)
    {
        var layout = new DataLayout(dataDir);
        Directory.CreateDirectory(layout.Root);
        var store = new SqliteMailStore(layout.Database);
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var blobs = new FileBlobStore(layout.Blobs, MasterKey.LoadOrCreate(layout.MasterKey));
        return new NodeStorage(layout, store, blobs);
    }

    public void Dispose() => Store.Dispose();
}
