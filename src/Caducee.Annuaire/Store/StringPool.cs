// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Store;

/// <summary>Shares repeated field values (labels, cities, codes) while the index is built.</summary>
internal sealed class StringPool
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string? Get(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (_lookup.TryGetValue(text, out var existing))
        {
            return existing;
        }

        var value = text.ToString();
        _set.Add(value);
        return value;
    }

    public string Get(string text) => Get(text.AsSpan()) ?? string.Empty;
}
