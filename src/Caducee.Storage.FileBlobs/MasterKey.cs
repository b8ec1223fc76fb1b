// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;

namespace Caducee.Storage.FileBlobs;

/// <summary>
/// The key that protects message bytes at rest. It comes from a key file (32 random bytes, mode 0600)
/// or from configuration; two sub-keys are derived with HKDF: one encrypts, one names blobs, so a blob
/// name reveals nothing about its content to someone without the key.
/// </summary>
public sealed class MasterKey
{
    private MasterKey(byte[] key)
    {
        EncryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: "caducee blob encryption v1"u8.ToArray());
        NamingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: "caducee blob naming v1"u8.ToArray());
    }

    internal byte[] EncryptionKey { get; }

    internal byte[] NamingKey { get; }

    /// <summary>Uses the key in <paramref name="path"/>, creating it (0600) when absent.</summary>
    public static MasterKey LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var fresh = RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var fs = new FileStream(path, options))
            {
                fs.Write(fresh);
                fs.Flush(flushToDisk: true);
            }

            return new MasterKey(fresh);
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 32)
        {
            throw new InvalidDataException($"key file {path} must hold exactly 32 bytes (it holds {bytes.Length})");
        }

        return new MasterKey(bytes);
    }

    /// <summary>Uses a key given as base64 (configuration).</summary>
    public static MasterKey FromBase64(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length != 32)
        {
            throw new InvalidDataException("the master key must be 32 bytes, base64-encoded");
        }

        return new MasterKey(bytes);
    }
}
