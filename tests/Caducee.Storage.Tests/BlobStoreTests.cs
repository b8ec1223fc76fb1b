// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;

namespace Caducee.Storage.Tests;

/// <summary>The encrypted, content-addressed blob files on their own (issue 4 point 2).</summary>
public sealed class BlobStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-blobs-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (FileBlobStore Store, DataKey Key) Open(MasterKey master, int keyId = 7)
    {
        var keys = new Keyring(master);
        var key = new DataKey(keyId, "hopital.mssante.test", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        keys.Install([key], new Dictionary<string, int> { ["hopital.mssante.test"] = keyId }, master.LegacyNamingKey, master);
        return (new FileBlobStore(Path.Combine(_dir.FullName, "blobs"), keys), key);
    }

    [Fact]
    public async Task Stores_bytes_exactly_encrypted_at_rest_and_once_per_content()
    {
        var master = MasterKey.LoadOrCreate(Path.Combine(_dir.FullName, "keys", "master.key"));
        var (store, key) = Open(master);
        var message = Encoding.UTF8.GetBytes("Subject: Résultat\r\n\r\nHémoglobine 13,2 g/dL — patient DUPONT\r\n");
        var id = await store.PutAsync(message, key, default);
        Assert.Equal(id, await store.PutAsync(message, key, default));
        Assert.Equal(message, await store.ReadAsync(id, default));

        var files = Directory.GetFiles(Path.Combine(_dir.FullName, "blobs"), "*", SearchOption.AllDirectories);
        var onDisk = await File.ReadAllBytesAsync(Assert.Single(files));
        Assert.Equal(-1, onDisk.AsSpan().IndexOf("DUPONT"u8));
        Assert.Equal(-1, onDisk.AsSpan().IndexOf("moglobine"u8));
        Assert.Equal("CDB2\0\0\0\u0007"u8.ToArray(), onDisk[..8]); // the key id is recorded
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.FullName, "keys", "master.key")));
    }

    [Fact]
    public async Task A_deferred_put_gets_its_name_only_once_flushed_and_one_sync_serves_every_put_issue4_point8()
    {
        var (store, key) = Open(MasterKey.Generate());
        var root = Path.Combine(_dir.FullName, "blobs");
        var contents = Enumerable.Range(0, 5).Select(i => Encoding.UTF8.GetBytes($"Subject: {i}\r\n\r\ncompte rendu {i}\r\n")).ToList();
        var ids = new List<string>();
        foreach (var content in contents)
        {
            ids.Add(await store.PutDeferredAsync(content, key, default));
        }

        Assert.Equal(ids[0], await store.PutDeferredAsync(contents[0], key, default)); // the same content, the same name
        // Written but not flushed: no blob has its name yet (a crash now leaves only temporary files).
        foreach (var id in ids)
        {
            Assert.Equal(MailError.NotFound, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync(id, default))).Error);
        }

        Assert.Equal(6, Directory.GetFiles(root, ".*.tmp", SearchOption.AllDirectories).Length);

        await store.SyncAsync(default);
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(contents[i], await store.ReadAsync(ids[i], default));
        }

        Assert.Empty(Directory.GetFiles(root, ".*.tmp", SearchOption.AllDirectories));
        Assert.Equal(5, Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length);

        // Named content is flushed content: a deferred put of it only refreshes its time, nothing waits.
        var before = File.GetLastWriteTimeUtc(store.PathOf(ids[1]));
        await Task.Delay(20);
        Assert.Equal(ids[1], await store.PutDeferredAsync(contents[1], key, default));
        Assert.True(File.GetLastWriteTimeUtc(store.PathOf(ids[1])) > before);
        Assert.Empty(Directory.GetFiles(root, ".*.tmp", SearchOption.AllDirectories));
        await store.SyncAsync(default);
    }

    [Fact]
    public async Task Without_group_flush_a_deferred_put_is_durable_and_named_at_once()
    {
        var master = MasterKey.Generate();
        var keys = new Keyring(master);
        var key = new DataKey(3, "hopital.mssante.test", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        keys.Install([key], new Dictionary<string, int> { ["hopital.mssante.test"] = 3 }, master.LegacyNamingKey, master);
        var store = new FileBlobStore(Path.Combine(_dir.FullName, "perfile"), keys, groupFlush: false);
        Assert.False(store.GroupFlush);
        var content = "Subject: tout de suite\r\n\r\n."u8.ToArray();
        var id = await store.PutDeferredAsync(content, key, default);
        Assert.Equal(content, await store.ReadAsync(id, default)); // no SyncAsync needed
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir.FullName, "perfile"), ".*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_deferred_file_deleted_before_its_flush_gets_no_name_and_blocks_nothing_else()
    {
        var (store, key) = Open(MasterKey.Generate());
        var root = Path.Combine(_dir.FullName, "blobs");
        var lost = await store.PutDeferredAsync("Subject: perdu\r\n\r\n."u8.ToArray(), key, default);
        var kept = await store.PutDeferredAsync("Subject: garde\r\n\r\n."u8.ToArray(), key, default);
        File.Delete(Assert.Single(Directory.GetFiles(root, $".{lost}.*.tmp", SearchOption.AllDirectories)));

        await store.SyncAsync(default);
        Assert.False(store.Exists(lost)); // the store then refuses to name it in a row (Temporary)
        Assert.True(store.Exists(kept));
        var later = await store.PutDeferredAsync("Subject: ensuite\r\n\r\n."u8.ToArray(), key, default);
        await store.SyncAsync(default);
        Assert.True(store.Exists(later));
        Assert.False(store.Exists("../../etc/passwd"));
    }

    [Fact]
    public async Task Tampering_a_wrong_key_or_a_missing_blob_is_detected()
    {
        var (store, key) = Open(MasterKey.Generate());
        var id = await store.PutAsync("hello"u8.ToArray(), key, default);
        var file = store.PathOf(id);

        var (other, _) = Open(MasterKey.Generate(), keyId: 8); // does not know key 7
        Assert.Equal(MailError.InvalidData, (await Assert.ThrowsAsync<MailException>(() => other.ReadAsync(id, default))).Error);

        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);
        Assert.Equal(MailError.InvalidData, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync(id, default))).Error);
        Assert.Equal(MailError.NotFound, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync(new string('0', 64), default))).Error);
        Assert.Equal(MailError.InvalidData, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync("../../etc/passwd", default))).Error);
    }

    [Fact]
    public async Task Quarantine_restore_and_purge_move_a_blob_aside_and_back()
    {
        var (store, key) = Open(MasterKey.Generate());
        var content = "quarantaine"u8.ToArray();
        var id = await store.PutAsync(content, key, default);
        var touched = store.Quarantine(id);
        Assert.NotNull(touched);
        Assert.False(File.Exists(store.PathOf(id)));
        Assert.Equal(MailError.NotFound, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync(id, default))).Error);
        Assert.Null(store.Quarantine(id));

        store.Restore(id);
        Assert.Equal(content, await store.ReadAsync(id, default));

        // A put while it is aside writes a fresh copy; restoring then keeps one.
        store.Quarantine(id);
        Assert.Equal(id, await store.PutAsync(content, key, default));
        store.Restore(id);
        Assert.Equal(content, await store.ReadAsync(id, default));
        Assert.Single(Directory.GetFiles(Path.Combine(_dir.FullName, "blobs"), id, SearchOption.AllDirectories));

        store.Quarantine(id);
        store.Purge(id);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir.FullName, "blobs"), id, SearchOption.AllDirectories));
    }

    [Fact]
    public void A_full_disk_is_a_temporary_failure_that_says_so()
    {
        // ENOSPC for real: /dev/full refuses every write with "no space left on device".
        var io = Assert.ThrowsAny<IOException>(() =>
        {
            using var fs = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            fs.Write(new byte[4096]);
            fs.Flush(flushToDisk: true);
        });
        Assert.True(DiskErrors.IsDiskFull(io), $"not recognised as a full disk: HResult {io.HResult}, {io.Message}");
        var failure = DiskErrors.ToMailException(io, "cannot write message data");
        Assert.Equal(MailError.Temporary, failure.Error);
        Assert.Contains("disk full", failure.Message, StringComparison.Ordinal);
        Assert.False(DiskErrors.IsDiskFull(new IOException("other", 5)));
    }
}
