// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using Caducee.Annuaire.Store;
using Microsoft.Data.Sqlite;

namespace Caducee.Annuaire.Import;

/// <summary>
/// Imports one national file into its table, as a diff: rows whose key is new are added, rows whose hash
/// changed are updated, rows absent from the new file are removed. One transaction per file.
/// </summary>
internal static class DirectoryImporter
{
    private const int ProgressEvery = 50_000;

    public static FileImportReport ImportFile(
        SqliteConnection connection,
        DirectoryFileKind kind,
        string path,
        DirectoryImportOptions options,
        IProgress<ImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var table = DirectorySchema.Table(kind);
        var expected = RowRules.ColumnCount(kind);
        var columns = RowRules.Columns(kind);
        using var reader = DelimitedFileReader.Open(path, RowRules.EntryPrefix(kind));
        var file = reader.DisplayName;
        var errors = new List<ImportError>();
        var errorCount = 0;

        void Fail(int line, int column, string message)
        {
            var error = new ImportError(file, line, column, column >= 1 && column <= columns.Length ? columns[column - 1] : null, message);
            if (options.Strict)
            {
                throw new DirectoryImportException(error);
            }

            errorCount++;
            if (errors.Count < options.MaxReportedErrors)
            {
                errors.Add(error);
            }
        }

        Span<Range> ranges = stackalloc Range[expected + 2];
        if (!reader.TryReadLine(out var header))
        {
            throw new DirectoryImportException(new ImportError(file, 1, 0, null, "empty file: the header line is missing"));
        }

        var headerCount = Fields.Split(header, ranges);
        if (headerCount != expected)
        {
            throw new DirectoryImportException(new ImportError(file, 1, Math.Min(headerCount, expected) + 1, null,
                $"header has {headerCount} columns, expected {expected}: not a {kind} file"));
        }

        for (var i = 0; i < expected; i++)
        {
            if (!string.Equals(Fields.Text(header, ranges[i]), columns[i], StringComparison.OrdinalIgnoreCase))
            {
                Fail(1, i + 1, $"header column is '{Fields.Text(header, ranges[i])}', expected '{columns[i]}'");
            }
        }

        using var transaction = connection.BeginTransaction();
        var existing = LoadExisting(connection, transaction, table);
        var bulk = existing.Count == 0;
        if (bulk)
        {
            // First import: build the unique index once at the end (a sort) instead of row by row.
            DirectorySchema.Execute(connection, $"DROP INDEX IF EXISTS {table}_key", transaction);
        }

        using var insert = Command(connection, transaction, $"INSERT INTO {table}(key, hash, line) VALUES ($k, $h, $l)");
        using var update = Command(connection, transaction, $"UPDATE {table} SET hash = $h, line = $l WHERE key = $k");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0, added = 0, changed = 0, unchanged = 0, duplicates = 0;
        while (reader.TryReadLine(out var line))
        {
            if (line.Length == 0)
            {
                continue;
            }

            rows++;
            if (rows % ProgressEvery == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new ImportProgress(kind, file, reader.BytesRead, reader.TotalBytes, rows, errorCount, false));
            }

            var count = Fields.Split(line, ranges);
            if (count != expected)
            {
                Fail(reader.LineNumber, Math.Min(count, expected) + 1, $"expected {expected} columns, found {count}");
                continue;
            }

            var problem = RowRules.Check(kind, line, ranges, out var key);
            if (problem is { } p)
            {
                Fail(reader.LineNumber, p.Column, p.Message);
                continue;
            }

            if (!seen.Add(key))
            {
                duplicates++;
                if (kind != DirectoryFileKind.PersonneActivite)
                {
                    continue; // REQ-29: the same address on several lines; the first one wins
                }

                // Two activities with the same key: keep both, the second gets an occurrence suffix.
                var n = 2;
                while (!seen.Add(key + "#" + n))
                {
                    n++;
                }

                key = key + "#" + n;
            }

            var content = line.AsSpan().TrimEnd();
            var hash = Fields.Hash(content);
            var stored = content.Length == line.Length ? line : content.ToString();
            if (bulk)
            {
                Run(insert, key, hash, stored);
                added++;
            }
            else if (existing.Remove(key, out var oldHash))
            {
                if (oldHash == hash)
                {
                    unchanged++;
                }
                else
                {
                    Run(update, key, hash, stored);
                    changed++;
                }
            }
            else
            {
                Run(insert, key, hash, stored);
                added++;
            }
        }

        long removed = existing.Count;
        if (removed > 0)
        {
            using var delete = Command(connection, transaction, $"DELETE FROM {table} WHERE key = $k");
            foreach (var key in existing.Keys)
            {
                delete.Parameters["$k"].Value = key;
                delete.ExecuteNonQuery();
            }
        }

        if (bulk)
        {
            DirectorySchema.Execute(connection, $"CREATE UNIQUE INDEX IF NOT EXISTS {table}_key ON {table}(key)", transaction);
        }

        cancellationToken.ThrowIfCancellationRequested();
        transaction.Commit();
        progress?.Report(new ImportProgress(kind, file, reader.BytesRead, reader.TotalBytes, rows, errorCount, true));
        return new FileImportReport(kind, file, reader.Encoding.WebName, rows, added, changed, removed, unchanged, duplicates,
            errorCount, errors, stopwatch.Elapsed);
    }

    private static Dictionary<string, long> LoadExisting(SqliteConnection connection, SqliteTransaction transaction, string table)
    {
        var existing = new Dictionary<string, long>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT key, hash FROM {table}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            existing[reader.GetString(0)] = reader.GetInt64(1);
        }

        return existing;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (sql.Contains("$k", StringComparison.Ordinal))
        {
            command.Parameters.Add("$k", SqliteType.Text);
        }

        if (sql.Contains("$h", StringComparison.Ordinal))
        {
            command.Parameters.Add("$h", SqliteType.Integer);
        }

        if (sql.Contains("$l", StringComparison.Ordinal))
        {
            command.Parameters.Add("$l", SqliteType.Text);
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, string key, long hash, string line)
    {
        command.Parameters["$k"].Value = key;
        command.Parameters["$h"].Value = hash;
        command.Parameters["$l"].Value = line;
        command.ExecuteNonQuery();
    }
}
