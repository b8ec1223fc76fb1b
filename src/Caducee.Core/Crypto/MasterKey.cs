// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Text;

namespace Caducee.Core.Crypto;

/// <summary>
/// The node's master key: 32 random bytes from a key file (mode 0600) or from configuration. It never
/// encrypts content itself: it wraps the random per-domain data keys kept in the database (AES-256-GCM key
/// wrap), so rotating it re-wraps a few keys and rewrites no data. Keys derived with HKDF from it:
/// the wrapping key, a check value stored in the database (a wrong key is reported, not guessed), and the
/// schema-1 blob keys (content written before data keys existed stays readable).
/// </summary>
public sealed class MasterKey
{
    public const int Size = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _wrappingKey;

    private MasterKey(byte[] key)
    {
        _wrappingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: "caducee key wrapping v1"u8.ToArray());
        CheckValue = HMACSHA256.HashData(_wrappingKey, "caducee master key check v1"u8);
        LegacyBlobKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: "caducee blob encryption v1"u8.ToArray());
        LegacyNamingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: "caducee blob naming v1"u8.ToArray());
    }

    /// <summary>A value that identifies this key without revealing it (HMAC under the wrapping key).</summary>
    public byte[] CheckValue { get; }

    /// <summary>The key that encrypted blobs in format CDB1 (schema 1, before per-domain data keys).</summary>
    public byte[] LegacyBlobKey { get; }

    /// <summary>The key that named blobs in schema 1; kept as the naming key so names stay stable.</summary>
    public byte[] LegacyNamingKey { get; }

    /// <summary>A fresh random master key.</summary>
    public static MasterKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>Uses the key in <paramref name="path"/>, creating it (0600) when absent.</summary>
    public static MasterKey LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(Size);
            WriteKeyFile(path, fresh);
            return new MasterKey(fresh);
        }

        return Load(path);
    }

    /// <summary>Reads a key file; it must hold exactly 32 bytes.</summary>
    public static MasterKey Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != Size)
        {
            throw new InvalidDataException($"key file {path} must hold exactly {Size} bytes (it holds {bytes.Length})");
        }

        return new MasterKey(bytes);
    }

    /// <summary>Uses a key given as base64 (configuration).</summary>
    public static MasterKey FromBase64(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length != Size)
        {
            throw new InvalidDataException($"the master key must be {Size} bytes, base64-encoded");
        }

        return new MasterKey(bytes);
    }

    /// <summary>Generates a key and writes it to <paramref name="path"/> (created 0600, fsynced); fails if the file exists.</summary>
    public static MasterKey CreateFile(string path)
    {
        var fresh = RandomNumberGenerator.GetBytes(Size);
        WriteKeyFile(path, fresh);
        return new MasterKey(fresh);
    }

    /// <summary>Encrypts a data key under this master key; <paramref name="context"/> binds it to its row.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> key, string context)
    {
        var output = new byte[NonceSize + TagSize + key.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_wrappingKey, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), key, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return output;
    }

    /// <summary>Decrypts a wrapped data key; throws <see cref="CryptographicException"/> with a wrong key or context.</summary>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped, string context)
    {
        if (wrapped.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("wrapped key too short");
        }

        var key = new byte[wrapped.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_wrappingKey, TagSize);
        aes.Decrypt(wrapped[..NonceSize], wrapped[(NonceSize + TagSize)..], wrapped.Slice(NonceSize, TagSize), key, Encoding.UTF8.GetBytes(context));
        return key;
    }

    /// <summary>True when <paramref name="checkValue"/> was computed from this key.</summary>
    public bool Matches(ReadOnlySpan<byte> checkValue) => CryptographicOperations.FixedTimeEquals(CheckValue, checkValue);

    private static void WriteKeyFile(string path, byte[] key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var fs = new FileStream(path, options);
        fs.Write(key);
        fs.Flush(flushToDisk: true);
    }
}
