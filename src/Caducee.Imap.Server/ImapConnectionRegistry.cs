// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Server;

/// <summary>
/// Counts authenticated IMAP connections per mailbox on this node (issue 6 point 5: a maximum of connections
/// per user). Per node by design: each node of a cluster bounds its own resources.
/// </summary>
public sealed class ImapConnectionRegistry
{
    private readonly Dictionary<long, int> _counts = [];
    private readonly Lock _lock = new();

    /// <summary>The connections a mailbox holds now.</summary>
    public int CountOf(long mailboxId)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(mailboxId);
        }
    }

    /// <summary>Takes a slot for <paramref name="mailboxId"/>, or null when it already holds <paramref name="max"/> (0: no limit).</summary>
    public IDisposable? TryAcquire(long mailboxId, int max)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(mailboxId);
            if (max > 0 && count >= max)
            {
                return null;
            }

            _counts[mailboxId] = count + 1;
        }

        return new Slot(this, mailboxId);
    }

    private void Release(long mailboxId)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(mailboxId) - 1;
            if (count <= 0)
            {
                _counts.Remove(mailboxId);
            }
            else
            {
                _counts[mailboxId] = count;
            }
        }
    }

    private sealed class Slot(ImapConnectionRegistry registry, long mailboxId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                registry.Release(mailboxId);
            }
        }
    }
}
