// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Core.Ports;

namespace Caducee.Storage.Sql;

/// <summary>
/// The change feed within one process: committed changes are coalesced per folder (highest MODSEQ, union
/// of kinds) and handed to the folder's and the mailbox's listeners. A listener that throws is isolated.
/// PostgreSQL nodes feed it from LISTEN as well, so remote changes reach the same listeners.
/// </summary>
public sealed class InProcessChangeFeed : IChangeFeed
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Action<FolderChanged>[]> _byFolder = [];
    private readonly Dictionary<long, Action<FolderChanged>[]> _byMailbox = [];

    public IDisposable SubscribeFolder(long folderId, Action<FolderChanged> listener) => Add(_byFolder, folderId, listener);

    public IDisposable SubscribeMailbox(long mailboxId, Action<FolderChanged> listener) => Add(_byMailbox, mailboxId, listener);

    /// <summary>The folders and mailboxes that have listeners now.</summary>
    public (IReadOnlyList<long> Folders, IReadOnlyList<long> Mailboxes) Subscribed()
    {
        lock (_lock)
        {
            return ([.. _byFolder.Keys], [.. _byMailbox.Keys]);
        }
    }

    /// <summary>Delivers committed changes to the listeners.</summary>
    public void Publish(IReadOnlyList<FolderChanged> changes)
    {
        foreach (var change in Coalesce(changes))
        {
            Action<FolderChanged>[]? folderListeners, mailboxListeners;
            lock (_lock)
            {
                _byFolder.TryGetValue(change.FolderId, out folderListeners);
                _byMailbox.TryGetValue(change.MailboxId, out mailboxListeners);
            }

            Invoke(folderListeners, change);
            Invoke(mailboxListeners, change);
        }
    }

    private static IEnumerable<FolderChanged> Coalesce(IReadOnlyList<FolderChanged> changes) =>
        changes
            .GroupBy(c => c.FolderId)
            .Select(g => g.Aggregate((a, b) => new FolderChanged(a.MailboxId, a.FolderId, Math.Max(a.HighestModSeq, b.HighestModSeq), a.Kinds | b.Kinds)));

    private static void Invoke(Action<FolderChanged>[]? listeners, FolderChanged change)
    {
        if (listeners is null)
        {
            return;
        }

        foreach (var listener in listeners)
        {
            try
            {
                listener(change);
            }
#pragma warning disable CA1031 // A listener's failure must not break the store or the other listeners.
            catch (Exception)
#pragma warning restore CA1031
            {
                // Isolated by design (IChangeFeed: listeners must not throw).
            }
        }
    }

    private Subscription Add(Dictionary<long, Action<FolderChanged>[]> map, long key, Action<FolderChanged> listener)
    {
        lock (_lock)
        {
            map[key] = map.TryGetValue(key, out var existing) ? [.. existing, listener] : [listener];
        }

        return new Subscription(() =>
        {
            lock (_lock)
            {
                if (map.TryGetValue(key, out var existing))
                {
                    var rest = existing.Where(l => l != listener).ToArray();
                    if (rest.Length == 0)
                    {
                        map.Remove(key);
                    }
                    else
                    {
                        map[key] = rest;
                    }
                }
            }
        });
    }

    private sealed class Subscription(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
