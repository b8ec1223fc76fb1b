// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers.Binary;
using System.Security.Cryptography;
using Caducee.Primitives;

namespace Caducee.Core.Crypto;

/// <summary>A data key: 32 random bytes that encrypt content (blobs, cached views) of one domain.</summary>
public sealed class DataKey(int id, string? domain, byte[] material)
{
    public int Id { get; } = id;

    /// <summary>The domain it belongs to; null for the schema-1 legacy key.</summary>
    public string? Domain { get; } = domain;

    internal byte[] Material { get; } = material;

    public override string ToString() => $"data key {Id} ({Domain ?? "legacy"})";
}

/// <summary>
/// The unwrapped keys of a store, in memory: every data key by id (old ones stay, so old content stays
/// readable after a rotation), the current key of each domain, the naming key (blob names are an HMAC of
/// the content under it, so they reveal nothing without it) and the master key that wraps them all. The
/// store fills it at open and after each rotation; content encryption goes through <see cref="Seal"/>.
/// </summary>
public sealed class Keyring(MasterKey master)
{
    /// <summary>Sealed format: key id (4, big-endian) | nonce (12) | tag (16) | ciphertext.</summary>
    public const int Overhead = 4 + NonceSize + TagSize;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private volatile Snapshot _snapshot = new(new Dictionary<int, DataKey>(), new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase), null, null);

    public MasterKey Master { get; private set; } = master;

    /// <summary>True once the store has installed its keys.</summary>
    public bool IsLoaded => _snapshot.NamingKey is not null;

    /// <summary>The schema-1 blob key (format CDB1), when this store was created by schema 1.</summary>
    public DataKey? Legacy => _snapshot.Legacy;

    /// <summary>Replaces the keys held (called by the store at open and after a rotation).</summary>
    public void Install(IEnumerable<DataKey> keys, IReadOnlyDictionary<string, int> currentByDomain, byte[] namingKey, MasterKey master)
    {
        var byId = keys.ToDictionary(k => k.Id);
        _snapshot = new Snapshot(
            byId,
            new Dictionary<string, int>(currentByDomain, StringComparer.OrdinalIgnoreCase),
            namingKey,
            byId.Values.FirstOrDefault(k => k.Domain is null));
        Master = master;
    }

    /// <summary>The key new content of <paramref name="domain"/> is encrypted with.</summary>
    public DataKey CurrentFor(string domain)
    {
        var s = _snapshot;
        return s.Current.TryGetValue(domain, out var id) && s.Keys.TryGetValue(id, out var key)
            ? key
            : throw new MailException(MailError.NotFound, $"no data key for domain {domain}: it is not hosted here");
    }

    /// <summary>
    /// Set by the store: loads the keys again from the database. Called when content names a key id this
    /// keyring does not hold, which happens when another node or process created the key (a domain added,
    /// a key rotated) after this one loaded its keys.
    /// </summary>
    public Func<CancellationToken, Task>? Reload { get; set; }

    /// <summary>Whether the key <paramref name="id"/> is held.</summary>
    public bool Contains(int id) => _snapshot.Keys.ContainsKey(id);

    /// <summary>Makes sure the key <paramref name="id"/> is held, asking <see cref="Reload"/> once when it is not.</summary>
    public async ValueTask EnsureAsync(int id, CancellationToken cancellationToken)
    {
        if (!Contains(id) && Reload is { } reload)
        {
            await reload(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The id of the key that sealed <paramref name="sealedBytes"/> (what <see cref="Seal"/> produced), or null if too short.</summary>
    public static int? KeyIdOf(ReadOnlySpan<byte> sealedBytes) =>
        sealedBytes.Length < Overhead ? null : BinaryPrimitives.ReadInt32BigEndian(sealedBytes);

    /// <summary>A key by id; an unknown id means the content was written under keys this store no longer has.</summary>
    public DataKey Get(int id) =>
        _snapshot.Keys.TryGetValue(id, out var key) ? key : throw new MailException(MailError.InvalidData, $"content encrypted with unknown data key {id}");

    /// <summary>The content-addressed name of <paramref name="content"/>: lower-case hex HMAC-SHA256 under the naming key.</summary>
    public string NameOf(ReadOnlySpan<byte> content)
    {
        var naming = _snapshot.NamingKey ?? throw new InvalidOperationException("the keyring is not loaded");
        return Convert.ToHexStringLower(HMACSHA256.HashData(naming, content));
    }

    /// <summary>Encrypts with AES-256-GCM under <paramref name="key"/>; <paramref name="associated"/> is authenticated, not stored.</summary>
    public static byte[] Seal(DataKey key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associated)
    {
        var output = new byte[Overhead + plaintext.Length];
        BinaryPrimitives.WriteInt32BigEndian(output, key.Id);
        var nonce = output.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Overhead), output.AsSpan(4 + NonceSize, TagSize), Associated(key.Id, associated));
        return output;
    }

    /// <summary>Decrypts what <see cref="Seal"/> produced; a wrong key, associated data or any altered byte fails with InvalidData.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associated)
    {
        if (sealedBytes.Length < Overhead)
        {
            throw new MailException(MailError.InvalidData, "encrypted data is truncated");
        }

        var key = Get(BinaryPrimitives.ReadInt32BigEndian(sealedBytes));
        var plaintext = new byte[sealedBytes.Length - Overhead];
        Decrypt(key.Material, sealedBytes.Slice(4, NonceSize), sealedBytes[Overhead..], sealedBytes.Slice(4 + NonceSize, TagSize), plaintext, Associated(key.Id, associated));
        return plaintext;
    }

    /// <summary>AES-GCM decryption with integrity failures mapped to <see cref="MailError.InvalidData"/>.</summary>
    public static void Decrypt(byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associated)
    {
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, associated);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new MailException(MailError.InvalidData, "encrypted data failed its integrity check (wrong key or tampering)", ex);
        }
    }

    /// <summary>Decrypts content of format CDB1 (schema 1) with the legacy key.</summary>
    public byte[] OpenLegacy(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associated)
    {
        var legacy = Legacy ?? throw new MailException(MailError.InvalidData, "content in the schema-1 format but no legacy key is registered");
        var plaintext = new byte[ciphertext.Length];
        Decrypt(legacy.Material, nonce, ciphertext, tag, plaintext, associated);
        return plaintext;
    }

    private static byte[] Associated(int keyId, ReadOnlySpan<byte> associated)
    {
        var ad = new byte[4 + associated.Length];
        BinaryPrimitives.WriteInt32BigEndian(ad, keyId);
        associated.CopyTo(ad.AsSpan(4));
        return ad;
    }

    private sealed record Snapshot(IReadOnlyDictionary<int, DataKey> Keys, IReadOnlyDictionary<string, int> Current, byte[]? NamingKey, DataKey? Legacy);
}
