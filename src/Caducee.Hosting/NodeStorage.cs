// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Hosting.Configuration;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Postgres;
using Caducee.Storage.Sql;
using Caducee.Storage.Sqlite;

namespace Caducee.Hosting;

/// <summary>
/// Opens a node's stores (used by the servers and by the admin CLI alike): the master key file, the
/// keyring, the encrypted blob files and the metadata store, SQLite in the data folder or PostgreSQL as
/// configured (<see cref="StoreSettings"/>), schema brought up to date.
/// </summary>
public sealed class NodeStorage : IAsyncDisposable, IDisposable
{
    private NodeStorage(DataLayout layout, StoreSettings settings, SqlMailStore store, FileBlobStore blobs, int schemaBefore)
    {
        Layout = layout;
        Settings = settings;
        Store = store;
        Blobs = blobs;
        SchemaVersionBefore = schemaBefore;
    }

    public DataLayout Layout { get; }

    public StoreSettings Settings { get; }

    public SqlMailStore Store { get; }

    public FileBlobStore Blobs { get; }

    /// <summary>Where the metadata lives, for messages: the SQLite file, or the PostgreSQL database and server (never the password).</summary>
    public string Location => Store.Dialect.Location;

    /// <summary>The schema version found when opening (before migrations ran).</summary>
    public int SchemaVersionBefore { get; }

    /// <summary>
    /// Opens (creating if needed) the stores and brings the schema up to date. <paramref name="store"/> null:
    /// the <c>Store:*</c> keys of <c>DIR/caducee.json</c> (when present) and of the <c>CADUCEE__Store__*</c>
    /// environment variables, as the admin verbs need.
    /// </summary>
    public static async Task<NodeStorage> OpenAsync(string dataDir, CancellationToken cancellationToken, TimeProvider? clock = null, StoreSettings? store = null)
    {
        var layout = new DataLayout(dataDir);
        var settings = store ?? SettingsOf(layout, null);
        Directory.CreateDirectory(layout.Root);
        var master = MasterKey.LoadOrCreate(layout.MasterKey);
        var (mailStore, blobs) = Create(layout, settings, master, clock);
        try
        {
            // A master-key rotation interrupted after its commit left the new key beside the old one: finish it.
            if (File.Exists(layout.PendingMasterKey) && await mailStore.MasterKeyMatchesAsync(master, cancellationToken).ConfigureAwait(false) == false)
            {
                var pending = MasterKey.Load(layout.PendingMasterKey);
                if (await mailStore.MasterKeyMatchesAsync(pending, cancellationToken).ConfigureAwait(false) == true)
                {
                    DurableFiles.Replace(layout.PendingMasterKey, layout.MasterKey);
                    await mailStore.DisposeAsync().ConfigureAwait(false);
                    (mailStore, blobs) = Create(layout, settings, pending, clock);
                }
            }

            var before = await mailStore.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            await mailStore.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return new NodeStorage(layout, settings, mailStore, blobs, before);
        }
        catch
        {
            await mailStore.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The store settings of a data folder: the <c>Store:*</c> keys of <paramref name="configFile"/> (default
    /// <c>DIR/caducee.json</c> when it exists), overridden by the <c>CADUCEE__Store__*</c> environment variables.
    /// </summary>
    public static StoreSettings SettingsOf(DataLayout layout, string? configFile)
    {
        var file = configFile ?? (File.Exists(layout.ConfigFile) ? layout.ConfigFile : null);
        Microsoft.Extensions.Configuration.IConfiguration configuration;
        try
        {
            configuration = NodeSettings.Build(file);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new ConfigurationException(file ?? "--config", $"the file cannot be read as JSON ({ex.Message})", "the JSON (with comments) written by 'caducee init'");
        }

        return NodeSettings.Store(configuration, file is null ? layout.Root : Path.GetDirectoryName(Path.GetFullPath(file))!);
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

    private static (SqlMailStore, FileBlobStore) Create(DataLayout layout, StoreSettings settings, MasterKey master, TimeProvider? clock)
    {
        var keys = new Keyring(master);
        var blobs = new FileBlobStore(settings.BlobPath ?? layout.Blobs, keys, clock, settings.GroupFlush);
        SqlMailStore store = settings.Provider switch
        {
            StoreProvider.Postgres => new PostgresMailStore(settings.ConnectionString!, blobs, keys, clock) { FolderStates = new(settings.FolderStateCache) },
            _ => new SqliteMailStore(layout.Database, blobs, keys, clock) { FolderStates = new(settings.FolderStateCache) },
        };
        return (store, blobs);
    }
}
