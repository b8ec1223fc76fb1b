// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Caducee.Host.Nodes;

/// <summary>
/// The CRLs an authority publishes, read from their files at each request, so that a CRL re-issued by
/// `caducee pki revoke` or `pki crl` is served at once without restarting the authority.
/// </summary>
internal sealed class CrlFiles(IReadOnlyDictionary<string, string> paths) : IReadOnlyDictionary<string, byte[]>
{
    public IEnumerable<string> Keys => paths.Keys;

    public IEnumerable<byte[]> Values => paths.Values.Select(File.ReadAllBytes);

    public int Count => paths.Count;

    public byte[] this[string key] => File.ReadAllBytes(paths[key]);

    public bool ContainsKey(string key) => paths.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out byte[] value)
    {
        value = null;
        if (!paths.TryGetValue(key, out var path))
        {
            return false;
        }

        try
        {
            value = File.ReadAllBytes(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public IEnumerator<KeyValuePair<string, byte[]>> GetEnumerator() =>
        paths.Select(kv => new KeyValuePair<string, byte[]>(kv.Key, File.ReadAllBytes(kv.Value))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
