// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Primitives;
using Microsoft.Data.Sqlite;

namespace Caducee.Storage.Sqlite;

/// <summary>
/// The embedded metadata store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed
/// transaction is on disk. Write transactions are <c>BEGIN IMMEDIATE</c> and serialized in-process.
/// </summary>
public sealed class SqliteMailStore : IMailStore, IQueueStore, IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _clock;

    public SqliteMailStore(string databasePath, TimeProvider? clock = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _clock = clock ?? TimeProvider.System;
    }

    public void Dispose()
    {
        _writeLock.Dispose();
        SqliteConnection.ClearAllPools();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (current > Migrations.Steps.Count)
        {
            throw new MailException(MailError.NotPossible, $"the database schema (version {current}) is newer than this program (version {Migrations.Steps.Count}); upgrade Caducée");
        }

        for (var version = current + 1; version <= Migrations.Steps.Count; version++)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, Migrations.Steps[version - 1], cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, tx, $"INSERT INTO schema_version(version) VALUES ({version});", cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The schema version of the database (for `caducee store migrate` and tests).</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public Task AddDomainAsync(string domain, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "INSERT OR IGNORE INTO domains(name, created_at) VALUES ($n, $t);", cancellationToken, ("$n", domain.ToLowerInvariant()), ("$t", Now())).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT name FROM domains ORDER BY name;");
        var result = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    public Task<MailboxInfo> CreateMailboxAsync(NewMailbox mailbox, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var exists = await ScalarAsync(c, tx, "SELECT COUNT(*) FROM mailboxes WHERE address = $a;", cancellationToken, ("$a", mailbox.Address.Key)).ConfigureAwait(false);
            if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) > 0)
            {
                throw new MailException(MailError.Exists, $"mailbox {mailbox.Address} already exists");
            }

            var domainKnown = await ScalarAsync(c, tx, "SELECT COUNT(*) FROM domains WHERE name = $d;", cancellationToken, ("$d", mailbox.Address.Domain)).ConfigureAwait(false);
            if (Convert.ToInt64(domainKnown, CultureInfo.InvariantCulture) == 0)
            {
                throw new MailException(MailError.NotFound, $"domain {mailbox.Address.Domain} is not hosted here");
            }

            var now = Now();
            var id = Convert.ToInt64(await ScalarAsync(
                c,
                tx,
                """
                INSERT INTO mailboxes(address, kind, status, display_name, owner_id, password_hash, certificate_subject, created_at)
                VALUES ($a, $k, 'active', $dn, $o, $p, $cs, $t) RETURNING id;
                """,
                cancellationToken,
                ("$a", mailbox.Address.Key),
                ("$k", mailbox.Kind.ToCode()),
                ("$dn", mailbox.DisplayName),
                ("$o", mailbox.OwnerId),
                ("$p", mailbox.PasswordHash),
                ("$cs", mailbox.CertificateSubject),
                ("$t", now)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            foreach (var (name, specialUse) in DefaultFolders.All)
            {
                await ExecAsync(
                    c,
                    tx,
                    "INSERT INTO folders(mailbox_id, name, special_use, uid_validity, uid_next, highest_modseq) VALUES ($m, $n, $s, $v, 1, 1);",
                    cancellationToken,
                    ("$m", id),
                    ("$n", name),
                    ("$s", specialUse),
                    ("$v", NewUidValidity())).ConfigureAwait(false);
            }

            return new MailboxInfo(id, mailbox.Address, mailbox.Kind, MailboxStatus.Active, mailbox.DisplayName, mailbox.OwnerId, DateTimeOffset.FromUnixTimeMilliseconds(now));
        }, cancellationToken);

    public async Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken)
    {
        var list = await QueryMailboxesAsync("WHERE address = $a", cancellationToken, ("$a", address.Key)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken) =>
        QueryMailboxesAsync("ORDER BY address", cancellationToken);

    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesByOwnerAsync(string ownerId, CancellationToken cancellationToken) =>
        QueryMailboxesAsync("WHERE owner_id = $o ORDER BY address", cancellationToken, ("$o", ownerId));

    public async Task<MailboxInfo?> FindMailboxByCertificateSubjectAsync(string subject, CancellationToken cancellationToken)
    {
        var list = await QueryMailboxesAsync("WHERE certificate_subject = $s COLLATE NOCASE ORDER BY address", cancellationToken, ("$s", subject)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public Task<bool> SetMailboxStatusAsync(MailAddress address, MailboxStatus status, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var n = await ExecAsync(c, tx, "UPDATE mailboxes SET status = $s WHERE address = $a;", cancellationToken, ("$s", status.ToString().ToLowerInvariant()), ("$a", address.Key)).ConfigureAwait(false);
            return n > 0;
        }, cancellationToken);

    public async Task<string?> GetPasswordHashAsync(long mailboxId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var value = await ScalarAsync(connection, null, "SELECT password_hash FROM mailboxes WHERE id = $id;", cancellationToken, ("$id", mailboxId)).ConfigureAwait(false);
        return value as string;
    }

    public async Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(long mailboxId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryFoldersAsync(connection, "f.mailbox_id = $m", cancellationToken, ("$m", mailboxId)).ConfigureAwait(false);
    }

    public async Task<FolderInfo?> GetFolderAsync(long mailboxId, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // INBOX is case-insensitive (RFC 9051 §5.1); other names are exact.
        var list = string.Equals(name, DefaultFolders.Inbox, StringComparison.OrdinalIgnoreCase)
            ? await QueryFoldersAsync(connection, "f.mailbox_id = $m AND f.name = 'INBOX'", cancellationToken, ("$m", mailboxId)).ConfigureAwait(false)
            : await QueryFoldersAsync(connection, "f.mailbox_id = $m AND f.name = $n", cancellationToken, ("$m", mailboxId), ("$n", name)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(long folderId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT uid, modseq, flags, size, internal_date, blob_id FROM messages WHERE folder_id = $f ORDER BY uid;", ("$f", folderId));
        var result = new List<MessageSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(ReadSummary(reader));
        }

        return result;
    }

    public Task<IReadOnlyList<MessageSummary>> AddFlagsAsync(long folderId, IReadOnlyCollection<long> uids, MessageFlags flags, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<MessageSummary>>(async (c, tx) =>
        {
            var modseq = Convert.ToInt64(await ScalarAsync(c, tx, "UPDATE folders SET highest_modseq = highest_modseq + 1 WHERE id = $f RETURNING highest_modseq;", cancellationToken, ("$f", folderId)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var changed = new List<MessageSummary>();
            foreach (var uid in uids)
            {
                await using var cmd = Command(
                    c,
                    tx,
                    "UPDATE messages SET flags = flags | $fl, modseq = $ms WHERE folder_id = $f AND uid = $u AND (flags & $fl) != $fl RETURNING uid, modseq, flags, size, internal_date, blob_id;",
                    ("$fl", (int)flags),
                    ("$ms", modseq),
                    ("$f", folderId),
                    ("$u", uid));
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    changed.Add(ReadSummary(reader));
                }
            }

            return changed;
        }, cancellationToken);

    public Task<AcceptResult> AcceptAsync(AcceptedMessage message, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var received = message.ReceivedAt.ToUnixTimeMilliseconds();
            foreach (var mailboxId in message.LocalMailboxIds)
            {
                await using var cmd = Command(c, tx, "UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE mailbox_id = $m AND name = 'INBOX' RETURNING id, uid_next - 1, highest_modseq;", ("$m", mailboxId));
                long folderId, uid, modseq;
                await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw new MailException(MailError.NotFound, $"mailbox {mailboxId} has no INBOX");
                    }

                    (folderId, uid, modseq) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                }

                await ExecAsync(
                    c,
                    tx,
                    "INSERT INTO messages(folder_id, uid, modseq, blob_id, size, internal_date, flags) VALUES ($f, $u, $ms, $b, $s, $d, 0);",
                    cancellationToken,
                    ("$f", folderId),
                    ("$u", uid),
                    ("$ms", modseq),
                    ("$b", message.BlobId),
                    ("$s", message.Size),
                    ("$d", received)).ConfigureAwait(false);
            }

            var queueId = NewQueueId();
            if (message.RemoteRecipients.Count > 0)
            {
                var row = Convert.ToInt64(await ScalarAsync(
                    c,
                    tx,
                    "INSERT INTO queue(queue_id, blob_id, sender, envid, ret_full, created_at) VALUES ($q, $b, $s, $e, $r, $t) RETURNING id;",
                    cancellationToken,
                    ("$q", queueId),
                    ("$b", message.BlobId),
                    ("$s", message.Sender?.ToString()),
                    ("$e", message.EnvelopeId),
                    ("$r", message.ReturnFullMessage ? 1 : 0),
                    ("$t", received)).ConfigureAwait(false), CultureInfo.InvariantCulture);
                foreach (var r in message.RemoteRecipients)
                {
                    await ExecAsync(
                        c,
                        tx,
                        "INSERT INTO queue_recipients(queue_row, address, domain, notify, orcpt, status, next_attempt_at) VALUES ($q, $a, $d, $n, $o, 'pending', $t);",
                        cancellationToken,
                        ("$q", row),
                        ("$a", r.Address.ToString()),
                        ("$d", r.Address.Domain),
                        ("$n", (int)r.Notify),
                        ("$o", r.OriginalRecipient),
                        ("$t", received)).ConfigureAwait(false);
                }
            }

            return new AcceptResult(queueId);
        }, cancellationToken);

    public Task<IReadOnlyList<QueueItem>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int maxItems, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<QueueItem>>(async (c, tx) =>
        {
            await using var cmd = Command(
                c,
                tx,
                """
                SELECT r.id, r.address, r.notify, r.orcpt, r.attempts, r.domain, q.id, q.queue_id, q.blob_id, q.sender, q.envid, q.ret_full, q.created_at
                FROM queue_recipients r JOIN queue q ON q.id = r.queue_row
                WHERE r.status = 'pending' AND r.next_attempt_at <= $now AND (r.lease_until IS NULL OR r.lease_until <= $now)
                ORDER BY r.next_attempt_at LIMIT $max;
                """,
                ("$now", now.ToUnixTimeMilliseconds()),
                ("$max", maxItems));
            var rows = new List<(long RecipientId, OutboundRecipient Recipient, int Attempts, string Domain, long Row, string QueueId, string Blob, string? Sender, string? EnvId, bool RetFull, long Created)>();
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var recipient = new OutboundRecipient(MailAddress.Parse(reader.GetString(1)), (NotifyOn)reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                    rows.Add((reader.GetInt64(0), recipient, reader.GetInt32(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8),
                        reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetInt32(11) != 0, reader.GetInt64(12)));
                }
            }

            foreach (var row in rows)
            {
                await ExecAsync(c, tx, "UPDATE queue_recipients SET lease_until = $l WHERE id = $id;", cancellationToken, ("$l", leaseUntil.ToUnixTimeMilliseconds()), ("$id", row.RecipientId)).ConfigureAwait(false);
            }

            return rows
                .GroupBy(r => (r.Row, r.Domain))
                .Select(g =>
                {
                    var first = g.First();
                    return new QueueItem(
                        first.Row,
                        first.QueueId,
                        first.Blob,
                        first.Sender is null ? null : MailAddress.Parse(first.Sender),
                        first.EnvId,
                        first.RetFull,
                        DateTimeOffset.FromUnixTimeMilliseconds(first.Created),
                        first.Domain,
                        [.. g.Select(r => new QueueRecipient(r.RecipientId, r.Recipient, r.Attempts))]);
                })
                .ToList();
        }, cancellationToken);

    public Task RecordAsync(long queueItemId, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            foreach (var a in attempts)
            {
                var status = a.Outcome switch
                {
                    DeliveryOutcome.Delivered => "delivered",
                    DeliveryOutcome.Failed => "failed",
                    _ => "pending",
                };
                await ExecAsync(
                    c,
                    tx,
                    "UPDATE queue_recipients SET status = $s, attempts = attempts + 1, next_attempt_at = COALESCE($n, next_attempt_at), lease_until = NULL, last_detail = $d WHERE id = $id;",
                    cancellationToken,
                    ("$s", status),
                    ("$n", a.NextAttemptAt?.ToUnixTimeMilliseconds()),
                    ("$d", a.Detail),
                    ("$id", a.RecipientId)).ConfigureAwait(false);
            }

            // A message whose recipients are all final leaves the queue.
            await ExecAsync(c, tx, "DELETE FROM queue WHERE id = $q AND NOT EXISTS (SELECT 1 FROM queue_recipients WHERE queue_row = $q AND status = 'pending');", cancellationToken, ("$q", queueItemId)).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public async Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM queue_recipients WHERE status = 'pending';", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<MailboxInfo>> QueryMailboxesAsync(string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, $"SELECT id, address, kind, status, display_name, owner_id, created_at FROM mailboxes {where};", parameters);
        var result = new List<MailboxInfo>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!MailboxKinds.TryParse(reader.GetString(2), out var kind))
            {
                throw new MailException(MailError.InvalidData, "unknown mailbox kind in the database");
            }

            result.Add(new MailboxInfo(
                reader.GetInt64(0),
                MailAddress.Parse(reader.GetString(1)),
                kind,
                Enum.Parse<MailboxStatus>(reader.GetString(3), ignoreCase: true),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return result;
    }

    private static async Task<IReadOnlyList<FolderInfo>> QueryFoldersAsync(SqliteConnection connection, string where, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(
            connection,
            null,
            $"SELECT f.id, f.mailbox_id, f.name, f.special_use, f.uid_validity, f.uid_next, f.highest_modseq, (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id) FROM folders f WHERE {where} ORDER BY f.id;",
            parameters);
        var result = new List<FolderInfo>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new FolderInfo(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt32(7)));
        }

        return result;
    }

    private static MessageSummary ReadSummary(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), (MessageFlags)reader.GetInt32(2), reader.GetInt64(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5));

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
            var result = await work(connection, tx).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (SqliteException ex)
        {
            throw new MailException(MailError.Temporary, "database error: " + ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture), ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // FULL: a commit is fsynced before it returns, so a 250 is never sent for data still in a cache.
            await ExecAsync(connection, null, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new MailException(MailError.Temporary, "database unavailable: " + ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture), ex);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
#pragma warning disable CA2100 // SQL text is constant in this class; values are parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    private static async Task<int> ExecAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    // UIDVALIDITY: a positive 32-bit value that changes if a folder is ever recreated (RFC 9051 §2.3.1.1).
    private long NewUidValidity() => (_clock.GetUtcNow().ToUnixTimeSeconds() & 0x7FFFFFFF) | 1;

    private static string NewQueueId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
}
