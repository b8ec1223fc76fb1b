// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Selection;

/// <summary>One message of a resolved set: its sequence number (1-based) and UID.</summary>
public readonly record struct MessageRef(int SequenceNumber, uint Uid);

/// <summary>
/// The selected-state view of a mailbox (RFC 9051 §2.3.1): UIDs in ascending order, position = sequence
/// number. The session keeps one per selected mailbox and updates it only when it reports EXISTS or
/// EXPUNGE/VANISHED to the client, so sequence numbers always mean what the client was told.
/// </summary>
public sealed class MessageSequenceMap
{
    private uint[] _uids;
    private int _count;

    /// <summary>Builds the map from the mailbox's UIDs in ascending order.</summary>
    /// <exception cref="ArgumentException">When the UIDs are not strictly ascending or contain 0.</exception>
    public MessageSequenceMap(IEnumerable<uint> ascendingUids)
    {
        _uids = [.. ascendingUids];
        _count = _uids.Length;
        for (var i = 0; i < _count; i++)
        {
            if (_uids[i] == 0 || (i > 0 && _uids[i] <= _uids[i - 1]))
            {
                throw new ArgumentException("UIDs must be non-zero and strictly ascending", nameof(ascendingUids));
            }
        }
    }

    /// <summary>The number of messages (the last EXISTS).</summary>
    public int Count => _count;

    /// <summary>The highest UID, 0 when empty.</summary>
    public uint MaxUid => _count == 0 ? 0 : _uids[_count - 1];

    /// <summary>The UID of a sequence number (1..<see cref="Count"/>).</summary>
    public uint UidAt(int sequenceNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceNumber, _count);
        return _uids[sequenceNumber - 1];
    }

    /// <summary>The sequence number of a UID, 0 when it is not in the mailbox.</summary>
    public int SequenceOf(uint uid)
    {
        var i = Array.BinarySearch(_uids, 0, _count, uid);
        return i >= 0 ? i + 1 : 0;
    }

    /// <summary>Adds a new message (its UID is above every UID present); returns the new count for "* n EXISTS".</summary>
    public int Append(uint uid)
    {
        if (uid <= MaxUid)
        {
            throw new ArgumentException($"UID {uid} is not above the highest UID {MaxUid}", nameof(uid));
        }

        if (_count == _uids.Length)
        {
            Array.Resize(ref _uids, Math.Max(16, _uids.Length * 2));
        }

        _uids[_count++] = uid;
        return _count;
    }

    /// <summary>Removes one message; returns the sequence number to report in "* n EXPUNGE" (0 when absent). Later messages move down by one.</summary>
    public int Expunge(uint uid)
    {
        var seq = SequenceOf(uid);
        if (seq == 0)
        {
            return 0;
        }

        Array.Copy(_uids, seq, _uids, seq - 1, _count - seq);
        _count--;
        return seq;
    }

    /// <summary>
    /// Removes several messages; returns the sequence numbers to report, in the order to send them
    /// (descending, so each "* n EXPUNGE" is right after the previous ones: RFC 9051 §7.5.1). UIDs not
    /// present are ignored. Linear in the mailbox size.
    /// </summary>
    public IReadOnlyList<int> ExpungeMany(IEnumerable<uint> uids)
    {
        var gone = new HashSet<uint>(uids);
        var reported = new List<int>();
        var write = 0;
        for (var read = 0; read < _count; read++)
        {
            if (gone.Contains(_uids[read]))
            {
                reported.Add(read + 1);
            }
            else
            {
                _uids[write++] = _uids[read];
            }
        }

        _count = write;
        reported.Reverse();
        return reported;
    }

    /// <summary>
    /// Resolves a set of sequence numbers. "*" is the last message. A number above <see cref="Count"/> (or
    /// "*" in an empty mailbox) is an error (BAD, RFC 9051 §9 seq-number). "$" stands for the saved
    /// result's UIDs still present. The result is ascending and without duplicates.
    /// </summary>
    public bool TryResolveSequenceSet(SequenceSet set, IReadOnlyCollection<uint>? savedUids, out List<MessageRef> messages, out string error)
    {
        messages = [];
        error = string.Empty;
        var max = (uint)_count;
        var ranges = new List<(uint Low, uint High)>(set.Ranges.Count);
        foreach (var range in set.Ranges)
        {
            if (_count == 0)
            {
                error = "no messages in the mailbox (a sequence number cannot be used)";
                return false;
            }

            var (low, high) = range.Resolve(max);
            if (high > max)
            {
                error = $"message number {high} does not exist (the mailbox has {_count} messages)";
                return false;
            }

            ranges.Add((low, high));
        }

        if (set.IncludesSavedResult && savedUids is not null)
        {
            foreach (var uid in savedUids)
            {
                var seq = (uint)SequenceOf(uid);
                if (seq != 0)
                {
                    ranges.Add((seq, seq));
                }
            }
        }

        foreach (var (low, high) in Merge(ranges))
        {
            for (var s = low; s <= high; s++)
            {
                messages.Add(new MessageRef((int)s, _uids[s - 1]));
            }
        }

        return true;
    }

    /// <summary>
    /// Resolves a UID set. "*" is the highest UID, so "n:*" always includes the last message even when
    /// n is above every UID (RFC 9051 §6.4.9). UIDs that do not exist are ignored; an empty mailbox gives
    /// an empty result. "$" stands for the saved result's UIDs still present. Ascending, no duplicates.
    /// </summary>
    public List<MessageRef> ResolveUidSet(SequenceSet set, IReadOnlyCollection<uint>? savedUids)
    {
        var result = new List<MessageRef>();
        if (_count == 0)
        {
            return result;
        }

        var ranges = new List<(uint Low, uint High)>(set.Ranges.Count);
        foreach (var range in set.Ranges)
        {
            ranges.Add(range.Resolve(MaxUid));
        }

        if (set.IncludesSavedResult && savedUids is not null)
        {
            foreach (var uid in savedUids)
            {
                ranges.Add((uid, uid));
            }
        }

        foreach (var (low, high) in Merge(ranges))
        {
            var i = Array.BinarySearch(_uids, 0, _count, low);
            if (i < 0)
            {
                i = ~i;
            }

            for (; i < _count && _uids[i] <= high; i++)
            {
                result.Add(new MessageRef(i + 1, _uids[i]));
            }
        }

        return result;
    }

    // Sorts and merges overlapping or adjacent ranges, so each message is listed once.
    private static List<(uint Low, uint High)> Merge(List<(uint Low, uint High)> ranges)
    {
        ranges.Sort();
        var merged = new List<(uint Low, uint High)>(ranges.Count);
        foreach (var (low, high) in ranges)
        {
            if (merged.Count > 0 && (ulong)low <= (ulong)merged[^1].High + 1)
            {
                if (high > merged[^1].High)
                {
                    merged[^1] = (merged[^1].Low, high);
                }
            }
            else
            {
                merged.Add((low, high));
            }
        }

        return merged;
    }
}
