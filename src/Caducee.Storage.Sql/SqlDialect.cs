// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>
/// What differs between SQL backends, and only that: connections, how a write transaction begins, the
/// schema steps (DDL differs), the error codes, and how a commit is announced to other nodes. The store's
/// statements are written once, in the SQL both SQLite and PostgreSQL accept (named "@" parameters,
/// RETURNING, ON CONFLICT, integer flags, times as Unix milliseconds).
/// </summary>
public abstract class SqlDialect
{
    /// <summary>A short name for messages ("SQLite", "PostgreSQL").</summary>
    public abstract string Name { get; }

    /// <summary>Schema steps, in order; step i brings the schema to version i + 1. Never edit a released step.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>A new, closed connection for reading (pooled by the provider).</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Opens and configures the connection the single writer uses (durability settings).</summary>
    public abstract Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken);

    /// <summary>Begins a write transaction that takes the write lock at once (SQLite BEGIN IMMEDIATE).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a read transaction: every statement in it sees the same committed snapshot.</summary>
    public abstract Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Maps a provider failure to the closed list: busy, unreachable, disk full → Temporary with a clear text.</summary>
    public abstract MailException Translate(DbException exception);

    /// <summary>
    /// Called inside the write transaction with the changes it makes, before commit. PostgreSQL sends NOTIFY
    /// here (delivered on commit to other nodes); SQLite, a single node, does nothing.
    /// </summary>
    public virtual Task AnnounceAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<FolderChanged> changes, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="command"/>, a query of (uid, modseq, flags, keywords) rows whose parameters are
    /// integers, and adds its rows to <paramref name="into"/>. A backend may read them faster than through
    /// <see cref="DbDataReader"/> (SQLite steps the statement itself: a 100,000-message folder is read in
    /// 30 ms instead of 50). PostgreSQL keeps this reader: a binary COPY was measured no faster.
    /// </summary>
    public virtual async Task ReadMessageStatesAsync(DbCommand command, List<MessageState> into, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            into.Add(new MessageState(reader.GetInt64(0), reader.GetInt64(1), (MessageFlags)reader.GetInt64(2), reader.GetInt64(3)));
        }
    }

    /// <summary>Releases pooled connections of this database (at dispose).</summary>
    public virtual void ClearPool()
    {
    }

    /// <summary>
    /// Whether a savepoint per write of a group commit is cheap (SQLite, in-process). When it costs round
    /// trips (PostgreSQL), batches run without them and a failing write makes the batch run again.
    /// </summary>
    public virtual bool SavepointsAreCheap => true;

    /// <summary>
    /// Whether a common table expression may write (PostgreSQL): a delivery to a local recipient then costs
    /// one round trip instead of two. SQLite has no writing CTEs, and its calls are in-process anyway.
    /// </summary>
    public virtual bool WritableCtes => false;

    /// <summary>Where the data lives, for messages (a file path, or a database on a server); never a secret.</summary>
    public virtual string Location => Name;

    /// <summary>
    /// The row-lock clause a SELECT that claims rows ends with: PostgreSQL <c>FOR UPDATE OF alias [SKIP LOCKED]</c>,
    /// so writers of several nodes never claim the same row; SQLite nothing (its one write lock excludes every
    /// other writer already).
    /// </summary>
    public virtual string ForUpdate(string alias, bool skipLocked) => string.Empty;

    /// <summary>
    /// Serializes, across nodes, the writes that create keys (the key ids and the master-key check value are
    /// read then written). PostgreSQL takes an advisory lock held until commit; SQLite needs nothing.
    /// </summary>
    public virtual Task LockKeysAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// Serializes schema migrations across processes for as long as the returned handle is not disposed
    /// (PostgreSQL: a session advisory lock; SQLite: nothing, BEGIN IMMEDIATE already does).
    /// </summary>
    public virtual Task<IAsyncDisposable?> LockSchemaAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(null);

    /// <summary>
    /// True when the transaction failed because of other writers (a deadlock between nodes, a serialization
    /// failure) and running it again will likely succeed; the writer then runs the whole batch again.
    /// </summary>
    public virtual bool IsRetryable(DbException exception) => false;
}
