// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Sql;
using Caducee.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Caducee.Storage.Tests;

/// <summary>The contract on SQLite, plus what only SQLite has: its file, its pragmas, its schema history.</summary>
public sealed class SqliteMailStoreTests : MailStoreContract
{
    private string DatabasePath => Path.Combine(Dir.FullName, "caducee.db");

    protected override async Task<SqlMailStore> OpenBackendAsync(string dir, FileBlobStore blobs, Keyring keys)
    {
        var store = new SqliteMailStore(Path.Combine(dir, "caducee.db"), blobs, keys);
        try
        {
            await store.MigrateAsync(Ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    protected override byte[] RawDatabaseBytes()
    {
        using var all = new MemoryStream();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists))
        {
            using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            fs.CopyTo(all);
        }

        return all.ToArray();
    }

    [Fact]
    public async Task The_schema_is_at_the_latest_version_and_migrating_again_changes_nothing()
    {
        Assert.Equal(3, Store.LatestSchemaVersion);
        Assert.Equal(3, await Store.GetSchemaVersionAsync(Ct));
        var box = await NewBoxAsync("a");
        await Store.MigrateAsync(Ct);
        await ReopenAsync();
        Assert.Equal(3, await Store.GetSchemaVersionAsync(Ct));
        Assert.Equal(box.Id, (await Store.FindMailboxAsync(box.Address, Ct))!.Id);
        await using var c = new SqliteConnection($"Data Source={DatabasePath}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Address_and_kind_cannot_change_and_closed_stays_closed_even_through_SQL_REQ21_REQ23()
    {
        var box = await NewBoxAsync("a");
        await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Closed, Ct);
        await using var c = new SqliteConnection($"Data Source={DatabasePath}");
        await c.OpenAsync();
        foreach (var sql in new[] { "UPDATE mailboxes SET kind = 'ORG';", "UPDATE mailboxes SET address = 'b@hopital.mssante.test';", "UPDATE mailboxes SET status = 'active';" })
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            var ex = await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Contains("REQ-2", ex.Message, StringComparison.Ordinal);
        }

        var after = (await Store.GetMailboxAsync(box.Id, Ct))!;
        Assert.Equal((box.Address, MailboxKind.Per, MailboxStatus.Closed), (after.Address, after.Kind, after.Status));
    }

    [Fact]
    public async Task An_unreachable_database_is_a_temporary_failure()
    {
        var blocker = Path.Combine(Dir.FullName, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var keys = new Keyring(MasterKey.Generate());
        await using var store = new SqliteMailStore(Path.Combine(blocker, "caducee.db"), new FileBlobStore(Path.Combine(Dir.FullName, "b2"), keys), keys);
        var ex = await Fails(MailError.Temporary, () => store.MigrateAsync(Ct));
        Assert.Contains("database unavailable", ex.Message, StringComparison.Ordinal);
        await Fails(MailError.Temporary, () => store.ListDomainsAsync(Ct));
    }

    [Fact]
    public async Task A_database_locked_by_another_process_is_a_temporary_failure_and_writes_resume_after()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        await using var impatient = new SqlMailStore(new SqliteDialect(DatabasePath, busyTimeout: TimeSpan.FromSeconds(1)), Blobs, Store.Keys);
        await using (var other = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await other.OpenAsync();
            await using var tx = other.BeginTransaction(deferred: false); // another process holds the write lock
            var ex = await Fails(MailError.Temporary, () => impatient.StoreFlagsAsync(inbox.Id, [1], FlagChange.Add(MessageFlags.Seen), null, Ct));
            Assert.Contains("busy", ex.Message, StringComparison.Ordinal);
        }

        var appended = await impatient.AppendAsync(inbox.Id, [new AppendMessage(Message("après"))], Ct);
        Assert.Equal([1L], appended.Uids);
    }

    [Fact]
    public async Task A_full_database_disk_is_a_temporary_failure_that_says_so_and_the_store_goes_on()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        await ReopenAsync();
        // SQLITE_FULL for real: the writer may not grow the file past its current size.
        await using var full = new SqlMailStore(new SqliteDialect(DatabasePath) { WriterPragmas = "PRAGMA max_page_count = 1;" }, Blobs, Store.Keys);
        MailException? failure = null;
        for (var i = 0; i < 50 && failure is null; i++)
        {
            try
            {
                await full.AppendAsync(inbox.Id, [new AppendMessage(Message(new string('x', 8000) + i))], Ct);
            }
            catch (MailException ex)
            {
                failure = ex;
            }
        }

        Assert.NotNull(failure);
        Assert.Equal(MailError.Temporary, failure.Error);
        Assert.Contains("disk full", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(await full.GetFolderByIdAsync(inbox.Id, Ct)); // reads and small writes go on
        await full.SetSubscriptionAsync(box.Id, "Junk", false, Ct);
    }

    [Fact]
    public async Task A_message_whose_file_is_not_on_disk_is_refused_as_temporary_and_nothing_is_committed()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        await using var store = new SqlMailStore(new SqliteDialect(DatabasePath), new LosingBlobs(Blobs), Store.Keys);
        var ex = await Fails(MailError.Temporary, () => store.AcceptAsync(new AcceptedMessage(Message("perdu"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct));
        Assert.Contains("not on disk", ex.Message, StringComparison.Ordinal);
        await Fails(MailError.Temporary, () => store.AppendAsync(inbox.Id, [new AppendMessage(Message("perdu aussi"))], Ct));
        var after = (await Store.GetFolderByIdAsync(inbox.Id, Ct))!;
        Assert.Equal((0, 1L), (after.MessageCount, after.UidNext));
    }

    /// <summary>A blob store whose deferred files never reach their name (as if deleted before the flush).</summary>
    private sealed class LosingBlobs(FileBlobStore inner) : Caducee.Core.Ports.IBlobStore
    {
        public Task<string> PutAsync(ReadOnlyMemory<byte> content, DataKey key, CancellationToken cancellationToken) => inner.PutAsync(content, key, cancellationToken);

        public Task<string> PutDeferredAsync(ReadOnlyMemory<byte> content, DataKey key, CancellationToken cancellationToken) => Task.FromResult(new string('a', 64));

        public bool Exists(string blobId) => inner.Exists(blobId);

        public Task<byte[]> ReadAsync(string blobId, CancellationToken cancellationToken) => inner.ReadAsync(blobId, cancellationToken);

        public IEnumerable<string> ListUntouchedSince(DateTimeOffset before) => inner.ListUntouchedSince(before);

        public DateTimeOffset? Quarantine(string blobId) => inner.Quarantine(blobId);

        public void Restore(string blobId) => inner.Restore(blobId);

        public void Purge(string blobId) => inner.Purge(blobId);

        public int DeleteStaleTemporaryFiles(DateTimeOffset before) => inner.DeleteStaleTemporaryFiles(before);
    }

    [Fact]
    public async Task A_schema_1_database_with_data_is_upgraded_and_everything_keeps_working()
    {
        var dir = Path.Combine(Dir.FullName, "v1");
        var db = Path.Combine(dir, "caducee.db");
        var master = MasterKey.Generate();
        var keys = new Keyring(master);
        await using (var creator = new SqliteMailStore(db, new FileBlobStore(Path.Combine(dir, "blobs"), keys), keys))
        {
            await creator.MigrateSchemaAsync(1, Ct);
            Assert.Equal(1, await creator.GetSchemaVersionAsync(Ct));
        }

        // What schema-1 code wrote: its rows and its blob format (CDB1 under keys derived from the master key).
        var delivered = Message("Compte rendu de l'ancienne version");
        var deleted = Message("Effacé mais pas expurgé");
        var queued = Message("En file vers un autre opérateur");
        var (id1, id2, id3) = (WriteSchema1Blob(dir, master, delivered), WriteSchema1Blob(dir, master, deleted), WriteSchema1Blob(dir, master, queued));
        var t = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds();
        await using (var c = new SqliteConnection($"Data Source={db}"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"""
                INSERT INTO domains(name, created_at) VALUES ('{Domain}', {t});
                INSERT INTO mailboxes(address, kind, status, display_name, owner_id, password_hash, certificate_subject, created_at) VALUES
                    ('jean.dupont@{Domain}', 'PER', 'active', 'Dr Jean DUPONT', '10100000001', 'pbkdf2-sha256$1000$AAAA$BBBB', NULL, {t}),
                    ('cardiologie@{Domain}', 'ORG', 'active', 'Cardiologie', '312345678900018', NULL, NULL, {t}),
                    ('dpi@{Domain}', 'APP', 'suspended', 'DPI', NULL, NULL, 'CN=dpi', {t});
                INSERT INTO folders(mailbox_id, name, special_use, uid_validity, uid_next, highest_modseq) VALUES
                    (1, 'INBOX', NULL, 1700000000, 3, 3), (1, 'Sent', '\Sent', 1700000000, 1, 1),
                    (2, 'INBOX', NULL, 1700000001, 1, 1), (3, 'INBOX', NULL, 1700000002, 1, 1);
                INSERT INTO messages(folder_id, uid, modseq, blob_id, size, internal_date, flags) VALUES
                    (1, 1, 2, '{id1}', {delivered.Length}, {t}, 1),
                    (1, 2, 3, '{id2}', {deleted.Length}, {t}, 8);
                INSERT INTO queue(queue_id, blob_id, sender, envid, ret_full, created_at) VALUES ('ABCDEF012345', '{id3}', 'jean.dupont@{Domain}', 'ENV9', 1, {t});
                INSERT INTO queue_recipients(queue_row, address, domain, notify, orcpt, status, attempts, next_attempt_at) VALUES
                    (1, 'x@autre.mssante.fr', 'autre.mssante.fr', 4, NULL, 'pending', 1, {t});
                INSERT INTO schema_version(version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        // The new code opens it: migrations run, keys are registered, the data survived.
        var keys2 = new Keyring(master);
        var blobs = new FileBlobStore(Path.Combine(dir, "blobs"), keys2);
        var store = new SqliteMailStore(db, blobs, keys2);
        try
        {
            await store.MigrateAsync(Ct);
            Assert.Equal(3, await store.GetSchemaVersionAsync(Ct));
            var jean = (await store.FindMailboxAsync(MailAddress.Parse($"Jean.Dupont@{Domain}"), Ct))!;
            Assert.Equal(PrincipalRef.Professional("10100000001"), jean.Owner!.Ref);
            Assert.Equal("pbkdf2-sha256$1000$AAAA$BBBB", await store.GetPasswordHashAsync(jean.Id, Ct));
            Assert.Equal(PrincipalKind.Structure, (await store.FindMailboxAsync(MailAddress.Parse($"cardiologie@{Domain}"), Ct))!.Owner!.Kind);
            var dpi = (await store.FindMailboxByCertificateAsync("CN=dpi", Ct))!;
            Assert.Null(dpi.Owner); // schema 1 allowed boxes without owner: kept as they are
            Assert.Equal(MailboxStatus.Suspended, dpi.Status);
            Assert.Equal(3, (await store.ListMailboxChangesAsync(0, 10, Ct)).Mailboxes.Count);

            var inbox = (await store.GetFolderAsync(jean.Id, "INBOX", Ct))!;
            Assert.Equal((2, 1, 1, (long)(delivered.Length + deleted.Length)), (inbox.MessageCount, inbox.UnseenCount, inbox.DeletedCount, inbox.TotalSize));
            Assert.Equal(new QuotaUsage(delivered.Length + deleted.Length, 2, null, null), await store.GetQuotaAsync(jean.Id, Ct));
            Assert.True(inbox.Subscribed);
            var messages = await store.GetMessagesAsync(inbox.Id, [1, 2], withViews: true, Ct);
            Assert.Equal([MessageFlags.Seen, MessageFlags.Deleted], messages.Select(m => m.Flags));
            Assert.Equal("Compte rendu de l'ancienne version", messages[0].Views!.Subject); // views computed from the old blob
            Assert.Equal(delivered, await blobs.ReadAsync(id1, Ct));

            var item = Assert.Single(await store.ClaimDueAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5), 10, Ct));
            Assert.Equal(("ABCDEF012345", "ENV9", 1), (item.QueueId, item.EnvelopeId, item.Recipients[0].Attempts));
            Assert.Equal(queued, await blobs.ReadAsync(item.BlobId, Ct));

            // New features on the old data.
            var next = Assert.Single((await store.AcceptAsync(new AcceptedMessage(Message("nouveau"), DateTimeOffset.UtcNow, null, [jean.Id], [], null, true), Ct)).Local);
            Assert.Equal(3, next.Uid);
            await store.StoreFlagsAsync(inbox.Id, [1], FlagChange.Add(MessageFlags.None, "$Important"), null, Ct);
            var expunged = await store.ExpungeAsync(inbox.Id, null, Ct);
            Assert.Equal([2L], expunged.Expunged);
            Assert.Equal([2L], (await store.GetChangesSinceAsync(inbox.Id, 3, Ct)).Expunged);
            var created = await store.CreateFolderAsync(jean.Id, "Dossiers", null, Ct);
            Assert.True(created.UidValidity > 1700000002);
            await store.SetAclAsync(inbox.Id, $"cardiologie@{Domain}", AclModification.Replace, AclRights.Parse("lr"), Ct);
            Assert.Single(await store.ListSharedFoldersAsync([$"cardiologie@{Domain}"], Ct));

            // Master-key rotation keeps schema-1 blobs readable (their key is now a wrapped data key).
            var newMaster = MasterKey.Generate();
            await store.RotateMasterKeyAsync(newMaster, Ct);
            await store.DisposeAsync();
            var keys3 = new Keyring(newMaster);
            blobs = new FileBlobStore(Path.Combine(dir, "blobs"), keys3);
            store = new SqliteMailStore(db, blobs, keys3);
            await store.MigrateAsync(Ct);
            Assert.Equal(delivered, await blobs.ReadAsync(id1, Ct));
            Assert.Equal(queued, await blobs.ReadAsync(id3, Ct));
            Assert.Equal(id1, keys3.NameOf(delivered)); // names stay stable: same content, same blob
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>A blob as schema-1 code wrote it: name HMAC under HKDF(master, naming v1), "CDB1" | nonce | tag | ciphertext.</summary>
    private static string WriteSchema1Blob(string dir, MasterKey master, byte[] content)
    {
        var id = Convert.ToHexStringLower(HMACSHA256.HashData(master.LegacyNamingKey, content));
        var output = new byte[4 + 12 + 16 + content.Length];
        "CDB1"u8.CopyTo(output);
        RandomNumberGenerator.Fill(output.AsSpan(4, 12));
        using (var aes = new AesGcm(master.LegacyBlobKey, 16))
        {
            aes.Encrypt(output.AsSpan(4, 12), content, output.AsSpan(32), output.AsSpan(16, 16), Encoding.ASCII.GetBytes(id));
        }

        var path = Path.Combine(dir, "blobs", id[..2], id[2..4], id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, output);
        return id;
    }
}
