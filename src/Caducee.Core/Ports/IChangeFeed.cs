// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Core.Ports;

/// <summary>
/// Change notifications (issue 4 point 5), for IMAP IDLE and NOTIFY: after a change is committed, the
/// listeners of the folder and of its mailbox are called with the folder's new HIGHESTMODSEQ; they then ask
/// <see cref="IMessageStore.GetChangesSinceAsync"/>. In-process for SQLite; LISTEN/NOTIFY for PostgreSQL,
/// where changes made by another node arrive too. Listeners must return quickly (signal a waiter) and
/// must not throw; events may be coalesced.
/// </summary>
public interface IChangeFeed
{
    /// <summary>Calls <paramref name="listener"/> on every change of one folder until the subscription is disposed.</summary>
    IDisposable SubscribeFolder(long folderId, Action<FolderChanged> listener);

    /// <summary>Calls <paramref name="listener"/> on every change of any folder of a mailbox (including creations, renames, deletions).</summary>
    IDisposable SubscribeMailbox(long mailboxId, Action<FolderChanged> listener);
}
