// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>
/// Versioned schema steps, each applied in its own transaction together with its row in
/// <c>schema_version</c>: a crash leaves the schema at a step boundary, and the next start goes on.
/// </summary>
internal static class Migrator
{
    public static async Task<int> CurrentVersionAsync(SqlSession session, CancellationToken cancellationToken)
    {
        await session.ExecAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
        return (int)(await session.LongAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken).ConfigureAwait(false) ?? 0);
    }

    /// <summary>Brings the schema to <paramref name="target"/> (default: the latest); returns the version before.</summary>
    public static async Task<int> MigrateAsync(SqlDialect dialect, DbConnection connection, int? target, CancellationToken cancellationToken)
    {
        var steps = dialect.Migrations;
        var goal = target ?? steps.Count;
        var schemaLock = await dialect.LockSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            return await MigrateLockedAsync(dialect, connection, steps, goal, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (schemaLock is not null)
            {
                await schemaLock.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> MigrateLockedAsync(SqlDialect dialect, DbConnection connection, IReadOnlyList<string> steps, int goal, CancellationToken cancellationToken)
    {
        var before = await CurrentVersionAsync(new SqlSession(connection, null), cancellationToken).ConfigureAwait(false);
        if (before > steps.Count)
        {
            throw new MailException(MailError.NotPossible, $"the database schema (version {before}) is newer than this program (version {steps.Count}); upgrade Caducée");
        }

        for (var version = before + 1; version <= goal; version++)
        {
            await using var tx = await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            var session = new SqlSession(connection, tx);
            // Another process may have migrated meanwhile: look again under the write lock.
            if (await session.LongAsync("SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken).ConfigureAwait(false) >= version)
            {
                await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await session.ExecAsync(steps[version - 1], cancellationToken).ConfigureAwait(false);
            await session.ExecAsync("INSERT INTO schema_version(version) VALUES (@v);", cancellationToken, ("@v", version)).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return before;
    }
}
