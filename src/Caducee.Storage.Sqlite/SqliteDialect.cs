// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using Caducee.Primitives;
using Caducee.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Caducee.Storage.Sqlite;

/// <summary>
/// SQLite: one file in WAL mode with <c>synchronous=FULL</c> (a commit is fsynced before it returns),
/// writes as <c>BEGIN IMMEDIATE</c> (the write lock is taken at once, other processes such as the admin
/// CLI wait up to the busy timeout), reads as deferred transactions (a consistent WAL snapshot).
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    /// <param name="databasePath">The database file (created with its folder when absent).</param>
    /// <param name="busyTimeout">How long a statement waits for another process's lock before failing as Temporary (default 30 s).</param>
    public SqliteDialect(string databasePath, TimeSpan? busyTimeout = null)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        }
        catch (IOException)
        {
            // Reported as "database unavailable" (Temporary) by the first open.
        }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling((busyTimeout ?? TimeSpan.FromSeconds(30)).TotalSeconds),
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>Extra PRAGMAs run on the writer connection after the durability settings (tuning; tests use it to fill the database).</summary>
    public string? WriterPragmas { get; init; }

    public override string Name => "SQLite";

    public override IReadOnlyList<string> Migrations => Sqlite.Migrations.Steps;

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public override async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(DatabasePath)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (IOException ex)
        {
            throw new MailException(MailError.Temporary, $"database unavailable: cannot create {directory} ({ex.Message})", ex);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            // FULL: a commit is fsynced before it returns, so a 250 is never sent for data still in a cache.
#pragma warning disable CA2100 // Pragmas come from code (this class's callers), never from input.
            cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;" + WriterPragmas;
#pragma warning restore CA2100
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(ex);
        }
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override MailException Translate(DbException exception)
    {
        if (exception is not SqliteException ex)
        {
            return new MailException(MailError.Temporary, "database error: " + exception.Message, exception);
        }

        // Primary result codes (https://sqlite.org/rescode.html).
        return ex.SqliteErrorCode switch
        {
            5 or 6 => new MailException(MailError.Temporary, "database busy; try again later", ex),
            13 => new MailException(MailError.Temporary, "database disk full; free space on the data volume", ex),
            14 => new MailException(MailError.Temporary, $"database unavailable: cannot open {DatabasePath}", ex),
            10 => new MailException(MailError.Temporary, "database I/O error", ex),
            11 or 26 => new MailException(MailError.Temporary, "database file is corrupt or not a database", ex),
            19 => new MailException(MailError.NotPossible, "refused by a database rule: " + ex.Message, ex),
            _ => new MailException(MailError.Temporary, $"database error {ex.SqliteErrorCode}", ex),
        };
    }

    public override void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
