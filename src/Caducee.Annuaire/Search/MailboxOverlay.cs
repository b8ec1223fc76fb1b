// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;

namespace Caducee.Annuaire.Search;

/// <summary>A carrier touched by a publication, with its whole published mailbox list after it.</summary>
internal sealed record OverlayEntry(PublicationCarrier Carrier, string Owner, IReadOnlyList<DirectoryMailbox> Mailboxes, long Version)
{
    public string Key => Carrier == PublicationCarrier.Practitioner ? "P|" + Owner : "O|" + Owner;
}

/// <summary>
/// Publications made since the in-memory index was built (ADR 0003): each touched carrier with the
/// mailboxes it now shows. Immutable and small (copied on write); a background rebuild of the index folds
/// it in and drops the entries it covers (by publication version).
/// </summary>
internal sealed class MailboxOverlay
{
    public static readonly MailboxOverlay Empty = new(new Dictionary<string, OverlayEntry>(StringComparer.Ordinal));

    private readonly Dictionary<string, OverlayEntry> _entries;

    private MailboxOverlay(Dictionary<string, OverlayEntry> entries)
    {
        _entries = entries;
    }

    public int Count => _entries.Count;

    public IEnumerable<OverlayEntry> Entries => _entries.Values;

    public MailboxOverlay With(OverlayEntry entry)
    {
        var copy = new Dictionary<string, OverlayEntry>(_entries, StringComparer.Ordinal) { [entry.Key] = entry };
        return new MailboxOverlay(copy);
    }

    /// <summary>The entries newer than <paramref name="version"/> (those a rebuilt index does not hold yet).</summary>
    public MailboxOverlay After(long version)
    {
        var kept = _entries.Where(kv => kv.Value.Version > version).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return kept.Count == 0 ? Empty : new MailboxOverlay(kept);
    }
}

/// <summary>An overlay bound to one index: practitioner positions and structure ids, sorted addresses.</summary>
internal sealed class ResolvedOverlay
{
    public ResolvedOverlay(
        Dictionary<int, DirectoryPractitioner> practitioners,
        Dictionary<string, DirectoryStructure> structures,
        (string Address, int Position)[] practitionerBoxes,
        (string Address, DirectoryStructure Structure)[] structureBoxes)
    {
        Practitioners = practitioners;
        Structures = structures;
        PractitionerBoxes = practitionerBoxes;
        StructureBoxes = structureBoxes;
    }

    /// <summary>Practitioners whose mailboxes changed, by position in the index.</summary>
    public Dictionary<int, DirectoryPractitioner> Practitioners { get; }

    /// <summary>Structures whose mailboxes changed, by structure id.</summary>
    public Dictionary<string, DirectoryStructure> Structures { get; }

    /// <summary>Lower-cased addresses of the changed practitioners' boxes.</summary>
    public (string Address, int Position)[] PractitionerBoxes { get; }

    /// <summary>Lower-cased addresses of the changed structures' boxes.</summary>
    public (string Address, DirectoryStructure Structure)[] StructureBoxes { get; }
}

/// <summary>
/// A criterion corrected for the overlay: the positions it lists override the base set (true: in the set,
/// false: out of it), because those practitioners' mailboxes changed since the index was built.
/// </summary>
internal sealed class OverrideSource(SetSource inner, Dictionary<int, bool> overrides) : SetSource
{
    public override long Estimate => inner.Estimate + overrides.Count;

    public override bool Contains(int position) => overrides.TryGetValue(position, out var member) ? member : inner.Contains(position);

    public override void OrInto(Bitset bits)
    {
        // OrInto may be called on a set that already holds other bits (a union): clear only what this set held.
        var scratch = new Bitset(bits.Size);
        inner.OrInto(scratch);
        foreach (var (position, member) in overrides)
        {
            if (member)
            {
                scratch.Set(position);
            }
            else
            {
                scratch.Unset(position);
            }
        }

        bits.Or(scratch.Words);
    }
}
