// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using Caducee.Core.Ports;
using Caducee.Primitives;

namespace Caducee.Storage.FileBlobs;

/// <summary>
/// Message bytes in files, content-addressed by HMAC-SHA256 of the plaintext (one copy per content,
/// whatever the number of recipients), encrypted with AES-256-GCM. Layout <c>root/ab/cd/&lt;id&gt;</c>.
/// A put writes a temporary file, fsyncs it, renames it and fsyncs the directory: after
/// <see cref="PutAsync"/> returns, the blob survives a crash.
/// </summary>
/// <remarks>File format: "CDB1" | nonce (12) | tag (16) | ciphertext. The blob id is the associated data.</remarks>
public sealed class FileBlobStore : IBlobStore
{
    private static readonly byte[] s_magic = "CDB1"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly string _root;
    private readonly MasterKey _key;

    public FileBlobStore(string root, MasterKey key)
    {
        _root = Path.GetFullPath(root);
        _key = key;
        Directory.CreateDirectory(_root);
    }

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(HMACSHA256.HashData(_key.NamingKey, content.Span));
        var path = PathOf(id);
        if (File.Exists(path))
        {
            return id;
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var sealedBytes = Seal(id, content.Span);
        var temp = Path.Combine(directory, $".{id}.{Guid.NewGuid():N}.tmp");
        try
        {
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
            throw new MailException(MailError.Temporary, "cannot write message data: " + ex.Message, ex);
        }

        return id;
    }

    public async Task<byte[]> ReadAsync(string blobId, CancellationToken cancellationToken)
    {
        if (blobId.Length != 64 || !blobId.All(char.IsAsciiHexDigitLower))
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

        return Open(blobId, sealedBytes);
    }

    private string PathOf(string id) => Path.Combine(_root, id[..2], id[2..4], id);

    private byte[] Seal(string id, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[s_magic.Length + NonceSize + TagSize + plaintext.Length];
        s_magic.CopyTo(output, 0);
        var nonce = output.AsSpan(s_magic.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var tag = output.AsSpan(s_magic.Length + NonceSize, TagSize);
        var ciphertext = output.AsSpan(s_magic.Length + NonceSize + TagSize);
        using var aes = new AesGcm(_key.EncryptionKey, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, System.Text.Encoding.ASCII.GetBytes(id));
        return output;
    }

    private byte[] Open(string id, byte[] sealedBytes)
    {
        var header = s_magic.Length + NonceSize + TagSize;
        if (sealedBytes.Length < header || !sealedBytes.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
        {
            throw new MailException(MailError.InvalidData, "message data is not in the expected format");
        }

        var plaintext = new byte[sealedBytes.Length - header];
        using var aes = new AesGcm(_key.EncryptionKey, TagSize);
        try
        {
            aes.Decrypt(
                sealedBytes.AsSpan(s_magic.Length, NonceSize),
                sealedBytes.AsSpan(header),
                sealedBytes.AsSpan(s_magic.Length + NonceSize, TagSize),
                plaintext,
                System.Text.Encoding.ASCII.GetBytes(id));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new MailException(MailError.InvalidData, "message data failed its integrity check (wrong key or tampering)", ex);
        }

        return plaintext;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is collected later.
        }
    }
}
