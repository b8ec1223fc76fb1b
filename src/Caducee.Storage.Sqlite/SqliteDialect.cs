// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using Caducee.Primitives;
using Caducee.Storage.Sql;
using Caducee.Core.Model;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    /// <summary>
    /// Steps the statement through SQLite's own API on the command's connection (inside its transaction):
    /// per row, one step and four integer reads, without the data reader's bookkeeping.
    /// </summary>
    public override Task ReadMessageStatesAsync(DbCommand command, List<MessageState> into, CancellationToken cancellationToken)
    {
        var db = ((SqliteConnection)command.Connection!).Handle!;
        var rc = raw.sqlite3_prepare_v2(db, command.CommandText, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            throw Translate(new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc));
        }

        using (statement)
        {
            foreach (DbParameter parameter in command.Parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, parameter.ParameterName);
                if (index == 0 || parameter.Value is not long value)
                {
                    throw new ArgumentException($"parameter {parameter.ParameterName} is not an integer of the statement", nameof(command));
                }

                raw.sqlite3_bind_int64(statement, index, value);
            }

            var rows = 0;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                into.Add(new MessageState(raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_int64(statement, 1), (MessageFlags)raw.sqlite3_column_int64(statement, 2), raw.sqlite3_column_int64(statement, 3)));
                if ((++rows & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                throw Translate(new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc));
            }
        }

        return Task.CompletedTask;
    }

    public override void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
