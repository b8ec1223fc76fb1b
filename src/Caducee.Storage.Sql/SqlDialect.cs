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

    /// <summary>Releases pooled connections of this database (at dispose).</summary>
    public virtual void ClearPool()
    {
    }
}
