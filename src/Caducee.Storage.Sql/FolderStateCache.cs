// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Storage.Sql;

/// <summary>
/// The last folder states a node loaded (UID, MODSEQ, flags and keyword bits of every message), like
/// Dovecot's index files but in memory: a SELECT of a large folder reads the folder row, then only the
/// rows whose MODSEQ is above the cached one and the UIDs expunged since (RFC 7162 bookkeeping the store
/// keeps anyway), instead of every row. The database stays the truth: an entry is used only for the same
/// folder id and UIDVALIDITY, and a merged state whose count differs from the folder's is thrown away.
/// Bounded by a total number of messages (least recently used folders go first); arrays are never changed
/// once stored, so callers may share them.
/// </summary>
public sealed class FolderStateCache
{
    /// <summary>Folders smaller than this are read whole each time (cheap), and not kept.</summary>
    public const int MinimumMessages = 1_000;

    private readonly Dictionary<long, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _lru = new();
    private readonly Lock _lock = new();
    private long _held;

    /// <param name="budget">The most message states kept over all folders (32 bytes each); 0 keeps none.</param>
    public FolderStateCache(long budget) => Budget = budget;

    public long Budget { get; }

    /// <summary>Message states held now.</summary>
    public long Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>Loads served from the cache as they were, merged with changes, or read whole (for tests and benchmarks).</summary>
    public long Hits { get; private set; }

    public long Merges { get; private set; }

    public long Misses { get; private set; }

    /// <summary>Forgets every state (the next loads read whole); benchmarks measure cold loads with it.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _lru.Clear();
            _held = 0;
        }
    }

    public Entry? Find(long folderId, long uidValidity)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(folderId, out var node) || node.Value.UidValidity != uidValidity)
            {
                return null;
            }

            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value;
        }
    }

    internal void Count(Load load)
    {
        lock (_lock)
        {
            _ = load switch
            {
                Load.Hit => ++Hits,
                Load.Merge => ++Merges,
                _ => ++Misses,
            };
        }
    }

    /// <summary>How a load was served: the cached array, merged with changes, or read whole.</summary>
    internal enum Load
    {
        Hit,
        Merge,
        Whole,
    }

    /// <summary>Keeps a state read in a snapshot at <paramref name="modSeq"/>; an entry of a later snapshot is not replaced by an older one.</summary>
    public void Put(long folderId, long uidValidity, long modSeq, MessageState[] messages)
    {
        if (messages.Length < MinimumMessages || messages.Length > Budget)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(folderId, out var existing))
            {
                if (existing.Value.UidValidity == uidValidity && existing.Value.ModSeq > modSeq)
                {
                    return;
                }

                Remove(existing);
            }

            var node = _lru.AddFirst(new Entry(folderId, uidValidity, modSeq, messages));
            _entries[folderId] = node;
            _held += messages.Length;
            while (_held > Budget && _lru.Last is { } last && last != node)
            {
                _entries.Remove(last.Value.FolderId);
                _lru.RemoveLast();
                _held -= last.Value.Messages.Length;
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _held -= node.Value.Messages.Length;
    }

    /// <summary>
    /// The state after <paramref name="changed"/> (rows with a MODSEQ above the cached one: new or changed
    /// messages, in UID order) and <paramref name="expunged"/> (UIDs expunged since) are applied to
    /// <paramref name="cached"/> (in UID order). A new array; the inputs are not changed.
    /// </summary>
    public static MessageState[] Merge(MessageState[] cached, IReadOnlyList<MessageState> changed, IReadOnlyCollection<long> expunged)
    {
        var gone = expunged.Count == 0 ? null : new HashSet<long>(expunged);
        var result = new List<MessageState>(cached.Length + changed.Count);
        int i = 0, j = 0;
        while (i < cached.Length || j < changed.Count)
        {
            MessageState next;
            if (j == changed.Count || (i < cached.Length && cached[i].Uid < changed[j].Uid))
            {
                next = cached[i++];
            }
            else
            {
                if (i < cached.Length && cached[i].Uid == changed[j].Uid)
                {
                    i++;
                }

                next = changed[j++];
            }

            if (gone is null || !gone.Contains(next.Uid))
            {
                result.Add(next);
            }
        }

        return [.. result];
    }

    /// <summary>A folder state as read in one snapshot: the folder, its UIDVALIDITY, HIGHESTMODSEQ and messages in UID order.</summary>
    public sealed record Entry(long FolderId, long UidValidity, long ModSeq, MessageState[] Messages);
}
