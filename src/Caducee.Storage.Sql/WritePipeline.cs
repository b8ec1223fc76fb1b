// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using System.Threading.Channels;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>The transaction a queued write runs in, and what it changed (published after the commit).</summary>
internal sealed class WriteContext(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    : SqlSession(connection, transaction)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Change-feed events of this write, published once it is committed.</summary>
    public List<FolderChanged> Changes { get; } = [];

    /// <summary>Actions to run once committed (e.g. installing new keys in the keyring).</summary>
    public List<Action> AfterCommit { get; } = [];

    public void Changed(long mailboxId, long folderId, long highestModSeq, FolderChangeKinds kinds) =>
        Changes.Add(new FolderChanged(mailboxId, folderId, highestModSeq, kinds));
}

/// <summary>
/// Group commit: one writer loop takes every write waiting, runs each in its own savepoint of one
/// transaction (a write that fails is rolled back alone), commits once (one fsync for all) and only then
/// completes each caller's task. With N concurrent writers the commit cost is shared by N; a caller's task
/// never completes before its data is durable.
/// </summary>
internal sealed class WritePipeline : IAsyncDisposable
{
    private const int MaxBatch = 256;

    /// <summary>How many times a write runs before a conflict with other nodes' writers fails it (Temporary).</summary>
    private const int MaxAttempts = 5;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqlDialect _dialect;
    private readonly Action<IReadOnlyList<FolderChanged>> _publish;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private DbConnection? _connection;
    private int _retries;

    public WritePipeline(SqlDialect dialect, Action<IReadOnlyList<FolderChanged>> publish)
    {
        _dialect = dialect;
        _publish = publish;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>How many times a batch was undone and run again because of a conflict with another node.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Queues <paramref name="work"/>; the task completes after the transaction that ran it is committed.</summary>
    public Task<T> RunAsync<T>(Func<WriteContext, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingWrite<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new MailException(MailError.Temporary, "the store is shutting down");
        }

        return pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<PendingWrite>(MaxBatch);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                if (next.CancellationToken.IsCancellationRequested)
                {
                    next.Fail(new OperationCanceledException(next.CancellationToken));
                    continue;
                }

                batch.Add(next);
            }

            // A write that aborts the whole transaction fails alone; the others run again in a new one.
            var savepoints = _dialect.SavepointsAreCheap;
            while (batch.Count > 0)
            {
                (batch, savepoints) = await RunBatchAsync(batch, savepoints).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs a batch in one transaction; returns the writes to run again (empty when all are settled) and
    /// whether to isolate them with savepoints. Without savepoints (where each costs a round trip to the
    /// server), a write that fails undoes the whole transaction: it fails alone and the others run again,
    /// with savepoints this time.
    /// </summary>
    private async Task<(List<PendingWrite> Rerun, bool Savepoints)> RunBatchAsync(List<PendingWrite> batch, bool savepoints)
    {
        savepoints &= batch.Count > 1;
        var token = _stopping.Token;
        DbTransaction tx;
        try
        {
            _connection ??= await _dialect.OpenWriterAsync(token).ConfigureAwait(false);
            tx = await _dialect.BeginWriteAsync(_connection, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or MailException or IOException)
        {
            var failure = ex as MailException ?? (ex is DbException db ? _dialect.Translate(db) : new MailException(MailError.Temporary, "database unavailable: " + ex.Message, ex));
            await ResetConnectionAsync().ConfigureAwait(false);
            foreach (var write in batch)
            {
                write.Fail(failure);
            }

            return ([], savepoints);
        }

        var done = new List<(PendingWrite Write, WriteContext Context)>(batch.Count);
        List<FolderChanged> committed;
        try
        {
            foreach (var write in batch)
            {
                var context = new WriteContext(_connection, tx, token);
                if (savepoints)
                {
                    await tx.SaveAsync("w", token).ConfigureAwait(false);
                }

                try
                {
                    await write.ExecuteAsync(context).ConfigureAwait(false);
                    if (savepoints)
                    {
                        await tx.ReleaseAsync("w", token).ConfigureAwait(false);
                    }

                    done.Add((write, context));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    if (ex is DbException conflict && _dialect.IsRetryable(conflict) && write.Attempts < MaxAttempts)
                    {
                        // Another node's transaction holds what this write needs and PostgreSQL chose this one to
                        // fail (deadlock): undo the whole batch, releasing every lock it took, and run it again.
                        write.Attempts++;
                        Interlocked.Increment(ref _retries);
                        await RollbackQuietlyAsync(tx).ConfigureAwait(false);
                        await tx.DisposeAsync().ConfigureAwait(false);
                        await Task.Delay(Random.Shared.Next(1, 10 * write.Attempts), CancellationToken.None).ConfigureAwait(false);
                        return ([.. batch.Where(w => !w.IsCompleted)], savepoints);
                    }

                    write.Fail(ex is DbException db ? _dialect.Translate(db) : ex);
                    if (!savepoints)
                    {
                        // No savepoint to go back to: undo everything, the others run again (isolated this time).
                        await RollbackQuietlyAsync(tx).ConfigureAwait(false);
                        await tx.DisposeAsync().ConfigureAwait(false);
                        return ([.. batch.Where(w => !w.IsCompleted)], true);
                    }

                    if (!await TryRollbackToSavepointAsync(tx, token).ConfigureAwait(false))
                    {
                        // The database ended the transaction itself (SQLite does on SQLITE_FULL or an I/O
                        // error): the writes done so far are undone too, so they run again in a new one.
                        await tx.DisposeAsync().ConfigureAwait(false);
                        return ([.. batch.Where(w => !w.IsCompleted)], savepoints);
                    }

                    // Only this write is undone; the others of the batch go on.
                }
            }

            var changes = done.SelectMany(d => d.Context.Changes).ToList();
            if (changes.Count > 0)
            {
                await _dialect.AnnounceAsync(_connection, tx, changes, token).ConfigureAwait(false);
            }

            await tx.CommitAsync(token).ConfigureAwait(false);
            await tx.DisposeAsync().ConfigureAwait(false);
            committed = changes;
        }
        catch (Exception ex)
        {
            if (ex is DbException conflict && _dialect.IsRetryable(conflict) && batch.All(w => w.IsCompleted || w.Attempts < MaxAttempts))
            {
                // Nothing of it is committed and the conflict is another node's: run the batch again.
                foreach (var write in batch)
                {
                    write.Attempts++;
                }

                Interlocked.Increment(ref _retries);

                await RollbackQuietlyAsync(tx).ConfigureAwait(false);
                await tx.DisposeAsync().ConfigureAwait(false);
                return ([.. batch.Where(w => !w.IsCompleted)], savepoints);
            }

            // The transaction as a whole failed (commit, savepoint, connection): nothing of it is durable.
            var failure = ex switch
            {
                DbException db => _dialect.Translate(db),
                MailException m => m,
                _ => new MailException(MailError.Temporary, "database error: " + ex.Message, ex),
            };
            await RollbackQuietlyAsync(tx).ConfigureAwait(false);
            await tx.DisposeAsync().ConfigureAwait(false);
            await ResetConnectionAsync().ConfigureAwait(false);
            foreach (var (write, _) in done)
            {
                write.Fail(failure);
            }

            foreach (var write in batch.Where(w => !w.IsCompleted))
            {
                write.Fail(failure);
            }

            return ([], savepoints);
        }

        // Durable now. Keys and listeners first, so a caller that goes on (and sends its 250) finds them
        // up to date; then the callers.
        foreach (var (_, context) in done)
        {
            foreach (var action in context.AfterCommit)
            {
                action();
            }
        }

        if (committed.Count > 0)
        {
            _publish(committed);
        }

        foreach (var (write, _) in done)
        {
            write.Complete();
        }

        return ([], savepoints);
    }

    private static async Task RollbackQuietlyAsync(DbTransaction tx)
    {
        try
        {
            await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception rollback) when (rollback is DbException or InvalidOperationException)
        {
            // The connection is gone; the caller replaces it.
        }
    }

    private static async Task<bool> TryRollbackToSavepointAsync(DbTransaction tx, CancellationToken cancellationToken)
    {
        try
        {
            await tx.RollbackAsync("w", cancellationToken).ConfigureAwait(false);
            await tx.ReleaseAsync("w", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or DbException)
        {
            return false;
        }
    }

    private async Task ResetConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    private abstract class PendingWrite(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Runs already undone because of a conflict with another node (see <see cref="SqlDialect.IsRetryable"/>).</summary>
        public int Attempts { get; set; }

        public abstract bool IsCompleted { get; }

        public abstract Task ExecuteAsync(WriteContext context);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<WriteContext, Task<T>> work, CancellationToken cancellationToken) : PendingWrite(cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override bool IsCompleted => _completion.Task.IsCompleted;

        public override async Task ExecuteAsync(WriteContext context) => _result = await work(context).ConfigureAwait(false);

        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
