// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.Sql;
using Npgsql;

namespace Caducee.Storage.Postgres;

/// <summary>
/// PostgreSQL: writes in READ COMMITTED transactions where every folder write starts by updating the
/// folder's row (a row lock other nodes wait for, which serializes UID and MODSEQ allocation per folder),
/// reads in REPEATABLE READ (one snapshot), <c>synchronous_commit = on</c> on the writer (a commit is in the
/// fsynced WAL before it returns), queue claims with <c>FOR UPDATE SKIP LOCKED</c>, key creation and
/// migrations under advisory locks, and commits announced to the other nodes with <c>NOTIFY</c>.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    /// <summary>The notification channel every node listens to.</summary>
    public const string Channel = "caducee_changes";

    // Advisory lock keys ("CADU" + purpose): key creation (per transaction) and migrations (per session).
    private const long KeysLock = 0x4341_4455_0001;
    private const long SchemaLock = 0x4341_4455_0002;

    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">An Npgsql connection string naming at least Host, Database and Username.</param>
    /// <exception cref="MailException">Parameters, when the connection string is not valid (the text says what to fix).</exception>
    public PostgresDialect(string connectionString)
    {
        if (!TryParse(connectionString, out var builder, out var error))
        {
            throw new MailException(MailError.Parameters, error);
        }

        // The store's statements are few and constant: prepared on the server once used twice.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        builder.ApplicationName ??= "caducee";
        Location = $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
        Database = builder.Database!;
        _dataSource = NpgsqlDataSource.Create(builder);

        // The listener: its own connection, never pooled (a broken one must not return to a pool), with
        // TCP keepalives so a silent network failure is noticed and the listener reconnects.
        var listener = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            Pooling = false,
            ApplicationName = "caducee-listener",
            KeepAlive = 15,
            MaxAutoPrepare = 0,
        };
        ListenerConnectionString = listener.ConnectionString;
        NodeId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    }

    public override string Name => "PostgreSQL";

    /// <summary>Two round trips each: a batch runs without them, and again with them only if one of its writes fails.</summary>
    public override bool SavepointsAreCheap => false;

    public override bool WritableCtes => true;

    public override string Location { get; }

    /// <summary>The database name (for messages and tests).</summary>
    public string Database { get; }

    /// <summary>This store instance's id in notifications, so it ignores its own (it has published them already).</summary>
    public string NodeId { get; }

    internal string ListenerConnectionString { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    public override IReadOnlyList<string> Migrations => Postgres.Migrations.Steps;

    /// <summary>Checks a connection string without connecting: Host, Database and Username are required.</summary>
    public static bool TryValidate(string? connectionString, out string error) => TryParse(connectionString, out _, out error);

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = _dataSource.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            // Durability whatever the server's default: a commit returns once its WAL record is fsynced.
            cmd.CommandText = "SET synchronous_commit = on;";
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(ex);
        }
    }

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    public override async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

    public override string ForUpdate(string alias, bool skipLocked) => skipLocked ? $" FOR UPDATE OF {alias} SKIP LOCKED" : $" FOR UPDATE OF {alias}";

    public override async Task LockKeysAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k);", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        cmd.Parameters.AddWithValue("k", KeysLock);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IAsyncDisposable?> LockSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@k);", npgsql))
        {
            cmd.Parameters.AddWithValue("k", SchemaLock);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new SchemaLockHandle(npgsql);
    }

    public override bool IsRetryable(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public override async Task AnnounceAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<FolderChanged> changes, CancellationToken cancellationToken)
    {
        // Delivered by the server to every listening node when (and only if) the transaction commits.
        await using var cmd = new NpgsqlCommand("SELECT pg_notify(@c, @p);", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        cmd.Parameters.AddWithValue("c", Channel);
        var payload = cmd.Parameters.Add(new NpgsqlParameter("p", NpgsqlTypes.NpgsqlDbType.Text));
        foreach (var chunk in ChangeNotifications.Encode(NodeId, changes))
        {
            payload.Value = chunk;
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override MailException Translate(DbException exception)
    {
        if (exception is PostgresException pg)
        {
            // SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html
            return pg.SqlState switch
            {
                PostgresErrorCodes.DiskFull => new MailException(MailError.Temporary, "database disk full; free space on the database server's data volume", pg),
                PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable =>
                    new MailException(MailError.Temporary, "database busy (a conflict with another node's writes); try again later", pg),
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.OutOfMemory or PostgresErrorCodes.InsufficientResources or PostgresErrorCodes.QueryCanceled =>
                    new MailException(MailError.Temporary, "database busy; try again later", pg),
                PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow =>
                    new MailException(MailError.Temporary, $"database unavailable: the server of {Location} is restarting", pg),
                PostgresErrorCodes.InvalidCatalogName => new MailException(MailError.Temporary, $"database unavailable: {Location} does not exist (create it, or fix Store:ConnectionString)", pg),
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new MailException(MailError.Temporary, $"database unavailable: the server of {Location} refused the credentials (check Store:ConnectionString)", pg),
                PostgresErrorCodes.InsufficientPrivilege => new MailException(MailError.NotPossible, $"database refused: permission denied ({pg.MessageText})", pg),
                PostgresErrorCodes.UniqueViolation => new MailException(MailError.Exists, "already exists (written meanwhile by another node)", pg),
                PostgresErrorCodes.RaiseException => new MailException(MailError.NotPossible, "refused by a database rule: " + pg.MessageText, pg),
                _ when pg.SqlState.StartsWith("23", StringComparison.Ordinal) => new MailException(MailError.NotPossible, "refused by a database rule: " + pg.MessageText, pg),
                _ when pg.SqlState.StartsWith("08", StringComparison.Ordinal) => new MailException(MailError.Temporary, $"database unavailable: connection to {Location} lost", pg),
                _ => new MailException(MailError.Temporary, $"database error {pg.SqlState}", pg),
            };
        }

        // Not an answer from the server: it could not be reached, or the connection broke.
        var cause = exception.InnerException switch
        {
            SocketException socket => socket.Message,
            TimeoutException => "timeout",
            IOException io => io.Message,
            _ => exception.Message,
        };
        return new MailException(MailError.Temporary, $"database unavailable: cannot reach {Location} ({cause})", exception);
    }

    public override void ClearPool() => _dataSource.Dispose();

    private static bool TryParse(string? connectionString, out NpgsqlConnectionStringBuilder builder, out string error)
    {
        builder = new NpgsqlConnectionStringBuilder();
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "the PostgreSQL connection string is empty; expected e.g. \"Host=db.example;Database=caducee;Username=caducee;Password=…\"";
            return false;
        }

        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            // The text names the bad keyword, never a value (a password stays out of logs).
            error = $"the PostgreSQL connection string is not valid: {ex.Message}";
            return false;
        }

        var missing = new[] { ("Host", builder.Host), ("Database", builder.Database), ("Username", builder.Username) }
            .Where(k => string.IsNullOrWhiteSpace(k.Item2))
            .Select(k => k.Item1)
            .ToList();
        if (missing.Count > 0)
        {
            error = $"the PostgreSQL connection string lacks {string.Join(", ", missing)}; expected e.g. \"Host=db.example;Database=caducee;Username=caducee;Password=…\"";
            return false;
        }

        return true;
    }

    private sealed class SchemaLockHandle(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@k);", connection);
                cmd.Parameters.AddWithValue("k", SchemaLock);
                await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection is gone, and the session lock with it.
            }
        }
    }
}
