// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using Caducee.Core.Crypto;
using Caducee.Core.Ports;
using Caducee.Primitives;

namespace Caducee.Storage.FileBlobs;

/// <summary>
/// Message bytes in files, content-addressed by an HMAC of the plaintext under the keyring's naming key
/// (one copy per content, whatever the number of recipients; names reveal nothing without the key),
/// encrypted with AES-256-GCM under a per-domain data key. Layout <c>root/ab/cd/&lt;id&gt;</c>. A put writes
/// a temporary file, fsyncs it, renames it and fsyncs the directory: after <see cref="PutAsync"/> returns,
/// the blob survives a crash. The store uses <see cref="PutDeferredAsync"/> instead, whose flush and rename
/// <see cref="SyncAsync"/> does once for all the puts waiting. Collection support (quarantine in
/// <c>root/.trash</c>) follows docs/adr/0006-message-store.md.
/// </summary>
/// <remarks>
/// File formats: "CDB2" | key id (4, big-endian) | nonce (12) | tag (16) | ciphertext, the blob id and key id
/// authenticated; and, read only, schema 1's "CDB1" | nonce | tag | ciphertext under the legacy key.
/// </remarks>
#pragma warning disable CA1001 // _syncing is only awaited (WaitAsync): it never creates a wait handle, nothing to dispose.
public sealed class FileBlobStore : IBlobStore
#pragma warning restore CA1001
{
    private static readonly byte[] s_magicV1 = "CDB1"u8.ToArray();
    private static readonly byte[] s_magicV2 = "CDB2"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const string TrashFolder = ".trash";
    private readonly string _root;
    private readonly Keyring _keys;
    private readonly TimeProvider _clock;
    private readonly bool _groupFlush;

    // Deferred puts (ADR 0006, amended for issue 4 point 8): written, not yet flushed nor named.
    private readonly ConcurrentQueue<(string Temp, string Path)> _pending = new();
    private readonly SemaphoreSlim _syncing = new(1, 1);
    private long _enqueued;
    private long _synced;

    /// <param name="root">The folder of the blob files.</param>
    /// <param name="keys">The keyring (naming key, data keys).</param>
    /// <param name="clock">The clock (tests).</param>
    /// <param name="groupFlush">
    /// True (default): deferred puts share one flush of the file system (<c>syncfs</c>), best when the folder
    /// has a volume of its own (or the database's). False: every put fsyncs its file and directory, best on a
    /// file system other programs write to a lot (<c>syncfs</c> would flush their data too).
    /// </param>
    public FileBlobStore(string root, Keyring keys, TimeProvider? clock = null, bool groupFlush = true)
    {
        _root = Path.GetFullPath(root);
        _keys = keys;
        _clock = clock ?? TimeProvider.System;
        _groupFlush = groupFlush && NativeMethods.CanSyncFileSystem;
        Directory.CreateDirectory(_root);
    }

    /// <summary>Whether deferred puts share one flush (see the constructor).</summary>
    public bool GroupFlush => _groupFlush;

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, DataKey key, CancellationToken cancellationToken)
    {
        var id = _keys.NameOf(content.Span);
        var path = PathOf(id);
        if (TryTouch(path))
        {
            return id;
        }

        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $".{id}.{Guid.NewGuid():N}.tmp");
        try
        {
            EnsureDirectory(directory);
            var sealedBytes = Seal(id, key, content.Span);
            await using (var fs = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous }))
            {
                await fs.WriteAsync(sealedBytes, cancellationToken).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            NativeMethods.FsyncDirectory(directory);
        }
        catch (IOException ex)
        {
            TryDelete(temp);
            throw DiskErrors.ToMailException(ex, "cannot write message data");
        }
        catch (UnauthorizedAccessException ex)
        {
            TryDelete(temp);
            throw new MailException(MailError.Temporary, "cannot write message data: permission denied on the blob folder", ex);
        }

        return id;
    }

    /// <summary>
    /// A put whose flush is shared: the sealed bytes go to a temporary file (no fsync); <see cref="SyncAsync"/>
    /// flushes the file system once (syncfs), gives each waiting file its name, and flushes again. A blob
    /// name therefore only ever names complete, flushed bytes, whatever crashes when; an unflushed temporary
    /// file left by a crash is deleted by the collector. Where syncfs does not exist, a <see cref="PutAsync"/>.
    /// </summary>
    public async Task<string> PutDeferredAsync(ReadOnlyMemory<byte> content, DataKey key, CancellationToken cancellationToken)
    {
        if (!_groupFlush)
        {
            return await PutAsync(content, key, cancellationToken).ConfigureAwait(false);
        }

        var id = _keys.NameOf(content.Span);
        var path = PathOf(id);
        if (TryTouch(path))
        {
            return id; // named, so flushed (by PutAsync or by a SyncAsync)
        }

        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $".{id}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var sealedBytes = Seal(id, key, content.Span);
            await using var fs = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous });
            await fs.WriteAsync(sealedBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            TryDelete(temp);
            throw DiskErrors.ToMailException(ex, "cannot write message data");
        }
        catch (UnauthorizedAccessException ex)
        {
            TryDelete(temp);
            throw new MailException(MailError.Temporary, "cannot write message data: permission denied on the blob folder", ex);
        }

        // Queued before it is counted: a sync that sees the count finds the file in the queue.
        _pending.Enqueue((temp, path));
        Interlocked.Increment(ref _enqueued);
        return id;
    }

    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _enqueued);
        if (Interlocked.Read(ref _synced) >= target)
        {
            return;
        }

        await _syncing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Interlocked.Read(ref _synced) >= target)
            {
                return; // a sync that started after our puts did it while we waited
            }

            var upTo = Interlocked.Read(ref _enqueued);
            var batch = new List<(string Temp, string Path)>();
            while (_pending.TryDequeue(out var item))
            {
                batch.Add(item);
            }

            var named = 0;
            try
            {
                // 1. The bytes of every waiting file reach the disk (one journal commit for all).
                NativeMethods.SyncFileSystem(_root);

                // 2. Only flushed bytes get a blob name…
                foreach (var (temp, path) in batch)
                {
                    if (File.Exists(path))
                    {
                        TryDelete(temp); // the same content, named meanwhile: as good
                    }
                    else if (File.Exists(temp))
                    {
                        File.Move(temp, path, overwrite: false);
                    }

                    // A temporary file deleted by someone else gets no name: the write that needs it finds
                    // no blob (Exists) and fails as Temporary; the others go on.
                    named++;
                }

                // 3. …and the names reach the disk before the store commits the rows that use them.
                NativeMethods.SyncFileSystem(_root);
            }
            catch (IOException ex)
            {
                // Not named yet: the next sync tries them again (and its flush covers names given here).
                foreach (var item in batch.Skip(named))
                {
                    _pending.Enqueue(item);
                }

                throw DiskErrors.ToMailException(ex, "cannot flush message data");
            }

            Interlocked.Exchange(ref _synced, upTo);
        }
        finally
        {
            _syncing.Release();
        }
    }

    public bool Exists(string blobId) => IsBlobId(blobId) && File.Exists(PathOf(blobId));

    public async Task<byte[]> ReadAsync(string blobId, CancellationToken cancellationToken)
    {
        if (!IsBlobId(blobId))
        {
            throw new MailException(MailError.InvalidData, "malformed blob id");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = await File.ReadAllBytesAsync(PathOf(blobId), cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException ex)
        {
            throw new MailException(MailError.NotFound, "message data not found", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new MailException(MailError.NotFound, "message data not found", ex);
        }
        catch (IOException ex)
        {
            throw DiskErrors.ToMailException(ex, "cannot read message data");
        }

        if (sealedBytes.AsSpan().StartsWith(s_magicV2) && Keyring.KeyIdOf(sealedBytes.AsSpan(s_magicV2.Length)) is { } keyId)
        {
            // Written under a key another node created since this one loaded its keys: load them again.
            await _keys.EnsureAsync(keyId, cancellationToken).ConfigureAwait(false);
        }

        return Open(blobId, sealedBytes);
    }

    public IEnumerable<string> ListUntouchedSince(DateTimeOffset before)
    {
        // A crash in the middle of a collection may leave candidates aside: put them back first, the
        // next pass decides again.
        var trash = Path.Combine(_root, TrashFolder);
        if (Directory.Exists(trash))
        {
            foreach (var file in Directory.EnumerateFiles(trash))
            {
                var id = Path.GetFileName(file);
                if (IsBlobId(id))
                {
                    Restore(id);
                }
            }
        }

        foreach (var first in Directory.EnumerateDirectories(_root))
        {
            if (Path.GetFileName(first).Length != 2)
            {
                continue;
            }

            foreach (var second in Directory.EnumerateDirectories(first))
            {
                foreach (var file in Directory.EnumerateFiles(second))
                {
                    var id = Path.GetFileName(file);
                    if (IsBlobId(id) && File.GetLastWriteTimeUtc(file) < before.UtcDateTime)
                    {
                        yield return id;
                    }
                }
            }
        }
    }

    public DateTimeOffset? Quarantine(string blobId)
    {
        var path = PathOf(blobId);
        var trash = Path.Combine(_root, TrashFolder);
        Directory.CreateDirectory(trash);
        var aside = Path.Combine(trash, blobId);
        try
        {
            File.Move(path, aside, overwrite: true);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        // rename(2) keeps the times: a touch that happened before the move shows here.
        return new DateTimeOffset(File.GetLastWriteTimeUtc(aside), TimeSpan.Zero);
    }

    public void Restore(string blobId)
    {
        var aside = Path.Combine(_root, TrashFolder, blobId);
        var path = PathOf(blobId);
        if (File.Exists(path))
        {
            // A put wrote the content again meanwhile: that copy is as good.
            TryDelete(aside);
            return;
        }

        EnsureDirectory(Path.GetDirectoryName(path)!);
        try
        {
            File.Move(aside, path, overwrite: false);
            NativeMethods.FsyncDirectory(Path.GetDirectoryName(path)!);
        }
        catch (IOException) when (File.Exists(path))
        {
            TryDelete(aside);
        }
    }

    public void Purge(string blobId) => TryDelete(Path.Combine(_root, TrashFolder, blobId));

    public int DeleteStaleTemporaryFiles(DateTimeOffset before)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(_root, ".*.tmp", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(file) < before.UtcDateTime && TryDelete(file))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Existing content: refreshes its last-touched time with one syscall (utimensat), so a collector that
    /// picked it as a candidate sees it was wanted again (ADR 0006). False when there is no such blob.
    /// </summary>
    private bool TryTouch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, _clock.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The path of a blob (for tests that look at the bytes on disk).</summary>
    /// <summary>
    /// Creates the shard folders of a blob when missing, and makes their entries durable: a new folder's name lives
    /// in its parent, so the parent is fsynced too (a file fsynced in a folder whose entry was lost is lost).
    /// </summary>
    private void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory)!;
        if (!string.Equals(Path.TrimEndingDirectorySeparator(directory), Path.TrimEndingDirectorySeparator(_root), StringComparison.Ordinal))
        {
            EnsureDirectory(parent);
        }

        Directory.CreateDirectory(directory);
        NativeMethods.FsyncDirectory(parent);
    }

    public string PathOf(string id) => Path.Combine(_root, id[..2], id[2..4], id);

    private static bool IsBlobId(string id) => id.Length == 64 && id.All(char.IsAsciiHexDigitLower);

    private static byte[] Seal(string id, DataKey key, ReadOnlySpan<byte> plaintext)
    {
        var body = Keyring.Seal(key, plaintext, System.Text.Encoding.ASCII.GetBytes(id));
        var output = new byte[s_magicV2.Length + body.Length];
        s_magicV2.CopyTo(output, 0);
        body.CopyTo(output, s_magicV2.Length);
        return output;
    }

    private byte[] Open(string id, byte[] sealedBytes)
    {
        var associated = System.Text.Encoding.ASCII.GetBytes(id);
        if (sealedBytes.AsSpan().StartsWith(s_magicV2))
        {
            return _keys.Open(sealedBytes.AsSpan(s_magicV2.Length), associated);
        }

        var header = s_magicV1.Length + NonceSize + TagSize;
        if (sealedBytes.Length >= header && sealedBytes.AsSpan().StartsWith(s_magicV1))
        {
            return _keys.OpenLegacy(
                sealedBytes.AsSpan(s_magicV1.Length, NonceSize),
                sealedBytes.AsSpan(s_magicV1.Length + NonceSize, TagSize),
                sealedBytes.AsSpan(header),
                associated);
        }

        throw new MailException(MailError.InvalidData, "message data is not in the expected format");
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            // Best effort: a leftover file is collected later.
            return false;
        }
    }
}

/// <summary>Maps I/O failures to the closed error list: a full disk is temporary and says so.</summary>
public static class DiskErrors
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    /// <summary>True when <paramref name="ex"/> reports no space left (ENOSPC) or a file-system quota (EDQUOT).</summary>
    public static bool IsDiskFull(IOException ex) =>
        ex.HResult is ENOSPC or EDQUOT || (ex.HResult & 0xFFFF) is 0x70 or 0x27; // Windows: ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL

    public static MailException ToMailException(IOException ex, string what) =>
        IsDiskFull(ex)
            ? new MailException(MailError.Temporary, $"{what}: disk full; free space on the data volume", ex)
            : new MailException(MailError.Temporary, $"{what}: {ex.Message}", ex);
}
