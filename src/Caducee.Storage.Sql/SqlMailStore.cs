// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>
/// The message store over ADO.NET, for every SQL backend (the <see cref="SqlDialect"/> holds what differs).
/// Writes go through one group-commit writer (<see cref="WritePipeline"/>); reads use pooled connections
/// and read transactions for consistent snapshots. Message bytes go to the <see cref="IBlobStore"/> before
/// the metadata that references them is committed; the cached views are encrypted under the domain's
/// data key. The contract is docs/store.md; decisions are in docs/adr/0006-message-store.md.
/// </summary>
public partial class SqlMailStore : IMailStore, IQueueStore, IChangeFeed, IStoreMaintenance, IAsyncDisposable, IDisposable
{
    private readonly SqlDialect _dialect;
    private readonly IBlobStore _blobs;
    private readonly Keyring _keys;
    private readonly TimeProvider _clock;
    private readonly InProcessChangeFeed _feed = new();
    private readonly WritePipeline _writer;
    private readonly Func<CancellationToken, Task> _reload;
    private int _disposed;

    public SqlMailStore(SqlDialect dialect, IBlobStore blobs, Keyring keys, TimeProvider? clock = null)
    {
        _dialect = dialect;
        _blobs = blobs;
        _keys = keys;
        _clock = clock ?? TimeProvider.System;
        _writer = new WritePipeline(dialect, _feed.Publish);
        _reload = ReloadKeysFromDatabaseAsync;
        keys.Reload = _reload;
    }

    /// <summary>
    /// The states of the large folders this node read last (<see cref="FolderStateCache"/>): by default up to
    /// 2,000,000 messages (about 64 MB; <c>Store:FolderStateCache</c>); with a budget of 0 every state is read whole.
    /// </summary>
    public FolderStateCache FolderStates { get; init; } = new(2_000_000);

    /// <summary>The blob store this store writes message bytes to.</summary>
    public IBlobStore Blobs => _blobs;

    /// <summary>The keys in use (loaded by <see cref="MigrateAsync"/>).</summary>
    public Keyring Keys => _keys;

    public SqlDialect Dialect => _dialect;

    public int LatestSchemaVersion => _dialect.Migrations.Count;

    /// <summary>Batches run again after a conflict with another node's writes (deadlock); for tests and metrics.</summary>
    internal int WriteRetries => _writer.Retries;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await MigrateSchemaAsync(null, cancellationToken).ConfigureAwait(false);
        await LoadKeysAsync(cancellationToken).ConfigureAwait(false);
        await OnOpenedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Called once the schema is current and the keys loaded (PostgreSQL starts listening to other nodes).</summary>
    protected virtual Task OnOpenedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Brings only the schema to <paramref name="version"/> (tests build old databases with it).</summary>
    internal async Task MigrateSchemaAsync(int? version, CancellationToken cancellationToken)
    {
        DbConnection? connection = null;
        try
        {
            connection = await _dialect.OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            await Migrator.MigrateAsync(_dialect, connection, version, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw _dialect.Translate(ex);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        ReadAsync(s => Migrator.CurrentVersionAsync(s, cancellationToken), cancellationToken);

    public IDisposable SubscribeFolder(long folderId, Action<FolderChanged> listener)
    {
        var subscription = _feed.SubscribeFolder(folderId, listener);
        OnSubscribed();
        return subscription;
    }

    public IDisposable SubscribeMailbox(long mailboxId, Action<FolderChanged> listener)
    {
        var subscription = _feed.SubscribeMailbox(mailboxId, listener);
        OnSubscribed();
        return subscription;
    }

    /// <summary>Called after each subscription (PostgreSQL starts listening to other nodes on the first one).</summary>
    protected virtual void OnSubscribed()
    {
    }

    /// <summary>The folders and mailboxes listened to now (to signal them all after a lost notification link).</summary>
    protected (IReadOnlyList<long> Folders, IReadOnlyList<long> Mailboxes) Subscribed() => _feed.Subscribed();

    /// <summary>Delivers changes committed elsewhere (another node, via the dialect's notifications) to local listeners.</summary>
    protected void PublishRemote(IReadOnlyList<FolderChanged> changes) => _feed.Publish(changes);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisposeBackendAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (_keys.Reload == _reload)
        {
            _keys.Reload = null;
        }

        _dialect.ClearPool();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops what a backend runs besides the writer (PostgreSQL's listener), before the writer stops.</summary>
    protected virtual ValueTask DisposeBackendAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection (in a read transaction when asked).</summary>
    private protected async Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> work, CancellationToken cancellationToken, bool snapshot = false)
    {
        var connection = _dialect.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!snapshot)
            {
                return await work(new SqlSession(connection, null)).ConfigureAwait(false);
            }

            await using var tx = await _dialect.BeginReadAsync(connection, cancellationToken).ConfigureAwait(false);
            var result = await work(new SqlSession(connection, tx)).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (DbException ex)
        {
            throw _dialect.Translate(ex);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Queues <paramref name="work"/> on the group-commit writer; completes once durable.</summary>
    private protected Task<T> WriteAsync<T>(Func<WriteContext, Task<T>> work, CancellationToken cancellationToken) =>
        _writer.RunAsync(work, cancellationToken);

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static MailException NotFound(string what) => new(MailError.NotFound, what);

    /// <summary>Inside a write: the message file must be named (flushed) before a row names it.</summary>
    private void RequireBlob(string blobId)
    {
        if (!_blobs.Exists(blobId))
        {
            throw new MailException(MailError.Temporary, "message data is not on disk (its file vanished before it was flushed); try again");
        }
    }
}
