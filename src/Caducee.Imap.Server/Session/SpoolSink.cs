// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers.Binary;
using System.Security.Cryptography;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Session;

/// <summary>
/// Where a large APPEND literal waits (ADR 0008): instead of growing a buffer in memory as it arrives (up to
/// twice its size while it grows), it is written to a spool file in 64 KiB chunks, each sealed with
/// AES-256-GCM under a key that lives only in this object (health data is never on disk in clear). When the
/// command completes, <see cref="ReadAll"/> reads it back once into an array of its exact size for the store;
/// the file is deleted on close. A refused command calls <see cref="Abort"/>.
/// </summary>
internal sealed class SpoolSink : IImapLiteralSink, IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private const int TagSize = 16;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly AesGcm _aes;
    private readonly FileStream _file;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private readonly byte[] _sealed = new byte[ChunkSize + TagSize];
    private int _chunkLength;
    private long _chunks;
    private long _length;
    private bool _closed;
    private bool _failed;

    public SpoolSink(string directory)
    {
        Directory.CreateDirectory(directory);
        _aes = new AesGcm(_key, TagSize);
        var path = Path.Combine(directory, "caducee-imap-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + ".spool");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Octets received.</summary>
    public long Length => _length;

    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_failed)
        {
            // The rest of the literal is still read (the receiver counts it) but goes nowhere.
            return;
        }

        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, ChunkSize - _chunkLength);
            data[..take].CopyTo(_chunk.AsSpan(_chunkLength));
            _chunkLength += take;
            _length += take;
            data = data[take..];
            if (_chunkLength == ChunkSize)
            {
                try
                {
                    SealChunk();
                }
                catch (IOException)
                {
                    // Disk full or failing: the APPEND is answered NO [UNAVAILABLE], the session goes on.
                    _failed = true;
                    return;
                }
            }
        }
    }

    /// <summary>
    /// The whole literal, decrypted, in one array of its size. Fails with <see cref="MailException"/>: Temporary when
    /// the disk failed, InvalidData when the file was altered.
    /// </summary>
    public byte[] ReadAll()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_failed)
        {
            throw new MailException(MailError.Temporary, "disk full or failing while receiving the message");
        }

        try
        {
            return ReadBack();
        }
        catch (IOException ex)
        {
            throw new MailException(MailError.Temporary, "disk full or failing while receiving the message", ex);
        }
    }

    private byte[] ReadBack()
    {
        if (_chunkLength > 0)
        {
            SealChunk();
        }

        var result = new byte[_length];
        _file.Position = 0;
        var offset = 0;
        for (long i = 0; i < _chunks; i++)
        {
            var size = (int)Math.Min(ChunkSize, _length - offset);
            var cipher = _sealed.AsSpan(0, size + TagSize);
            _file.ReadExactly(cipher);
            try
            {
                _aes.Decrypt(Nonce(i), cipher[..size], cipher[size..], result.AsSpan(offset, size));
            }
            catch (AuthenticationTagMismatchException ex)
            {
                throw new MailException(MailError.InvalidData, "the spooled message was altered on disk", ex);
            }

            offset += size;
        }

        return result;
    }

    public void Abort() => Dispose();

    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _file.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_chunk);
    }

    private void SealChunk()
    {
        _aes.Encrypt(Nonce(_chunks), _chunk.AsSpan(0, _chunkLength), _sealed.AsSpan(0, _chunkLength), _sealed.AsSpan(_chunkLength, TagSize));
        _file.Write(_sealed, 0, _chunkLength + TagSize);
        _chunks++;
        _chunkLength = 0;
    }

    private static byte[] Nonce(long counter)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), counter);
        return nonce;
    }
}
