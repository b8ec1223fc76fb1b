// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Imap.Server.Session;

/// <summary>
/// A change-feed subscription on the selected folder (issue 6 point 3): the feed marks it stale (from the
/// store's thread, after a commit, on any node when the feed crosses nodes) and wakes the session if it
/// idles. The session then asks the store what changed since the MODSEQ it knows.
/// </summary>
internal sealed class FolderWatch : IDisposable
{
    private int _stale;
    private int _deleted;
    private IDisposable? _subscription;

    public bool IsStale => Volatile.Read(ref _stale) != 0;

    /// <summary>The feed reported a deletion: the folder may be gone or a \Noselect placeholder now.</summary>
    public bool MaybeDeleted => Volatile.Read(ref _deleted) != 0;

    public void MarkStale(FolderChangeKinds kinds)
    {
        if ((kinds & FolderChangeKinds.Deleted) != 0)
        {
            Volatile.Write(ref _deleted, 1);
        }

        Volatile.Write(ref _stale, 1);
    }

    /// <summary>Cleared before the store is read, so a change during the read marks it again.</summary>
    public void ClearStale() => Volatile.Write(ref _stale, 0);

    public void Attach(IDisposable subscription) => _subscription = subscription;

    public void Dispose() => Interlocked.Exchange(ref _subscription, null)?.Dispose();
}
