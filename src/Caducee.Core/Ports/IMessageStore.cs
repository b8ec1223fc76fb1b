// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Core.Ports;

/// <summary>
/// Folders and messages, as IMAP uses them. UIDs are strictly increasing per folder and never reused;
/// MODSEQ (RFC 7162) grows on every change of a folder; every expunge is remembered with its MODSEQ so
/// QRESYNC can report VANISHED (EARLIER). Writes are durable when the task completes.
/// Folder names use "/" as delimiter; "INBOX" in any case is the inbox.
/// </summary>
public interface IMessageStore
{
    /// <summary>The folders of a mailbox (\Noselect placeholders included), in creation order.</summary>
    Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(long mailboxId, CancellationToken cancellationToken);

    Task<FolderInfo?> GetFolderAsync(long mailboxId, string name, CancellationToken cancellationToken);

    Task<FolderInfo?> GetFolderByIdAsync(long folderId, CancellationToken cancellationToken);

    /// <summary>
    /// CREATE (RFC 9051 §6.3.4): creates missing superior levels too; a new folder inherits its parent's
    /// ACL. Recreating a \Noselect placeholder makes it selectable with a new UIDVALIDITY. Exists if the
    /// name exists, Parameters if the name or special-use is invalid.
    /// </summary>
    Task<FolderInfo> CreateFolderAsync(long mailboxId, string name, string? specialUse, CancellationToken cancellationToken);

    /// <summary>
    /// RENAME (RFC 9051 §6.3.5): inferior names follow; renaming INBOX moves its messages to the new folder
    /// and leaves an empty INBOX (its inferiors stay). NotFound / Exists / Parameters as appropriate.
    /// </summary>
    Task RenameFolderAsync(long mailboxId, string name, string newName, CancellationToken cancellationToken);

    /// <summary>
    /// DELETE (RFC 9051 §6.3.4): removes the folder and its messages; a folder with children becomes a
    /// \Noselect placeholder and the children stay. INBOX cannot be deleted (NotPossible).
    /// </summary>
    Task DeleteFolderAsync(long mailboxId, string name, CancellationToken cancellationToken);

    /// <summary>SUBSCRIBE / UNSUBSCRIBE: subscriptions are names, kept even for folders that do not exist.</summary>
    Task SetSubscriptionAsync(long mailboxId, string name, bool subscribed, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListSubscriptionsAsync(long mailboxId, CancellationToken cancellationToken);

    /// <summary>The SELECT path: every message's UID, flags, keyword bits and MODSEQ, in UID order.</summary>
    Task<FolderState> LoadFolderStateAsync(long folderId, CancellationToken cancellationToken);

    /// <summary>Every message of a folder with size, date and blob id, in UID order (small folders and tools).</summary>
    Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(long folderId, CancellationToken cancellationToken);

    /// <summary>The messages with these UIDs (absent ones skipped), in UID order; with their cached views if asked.</summary>
    Task<IReadOnlyList<MessageSummary>> GetMessagesAsync(long folderId, IReadOnlyCollection<long> uids, bool withViews, CancellationToken cancellationToken);

    /// <summary>
    /// APPEND / MULTIAPPEND (RFC 3502: all or nothing): stores the bytes once, computes the views, gives
    /// each message the next UID. OverQuota, MailboxDisabled (the mailbox is not active), NotFound.
    /// </summary>
    Task<AppendResult> AppendAsync(long folderId, IReadOnlyList<AppendMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// STORE (RFC 9051 §6.4.6) with CONDSTORE UNCHANGEDSINCE (RFC 7162 §3.1.3): changed messages get one
    /// new MODSEQ; messages whose MODSEQ is above <paramref name="unchangedSince"/> are left alone and
    /// reported in <see cref="StoreFlagsResult.Modified"/>. Unknown UIDs are ignored. Limit when a folder
    /// would hold more than <see cref="KeywordNames.MaxPerFolder"/> distinct keywords.
    /// </summary>
    Task<StoreFlagsResult> StoreFlagsAsync(long folderId, IReadOnlyCollection<long> uids, FlagChange change, long? unchangedSince, CancellationToken cancellationToken);

    /// <summary>COPY (RFC 4315 COPYUID): new UIDs in the target, blobs shared (not copied). OverQuota on the target's mailbox.</summary>
    Task<CopyResult> CopyAsync(long sourceFolderId, IReadOnlyCollection<long> uids, long targetFolderId, CancellationToken cancellationToken);

    /// <summary>MOVE (RFC 6851): copy and expunge from the source in one transaction.</summary>
    Task<MoveResult> MoveAsync(long sourceFolderId, IReadOnlyCollection<long> uids, long targetFolderId, CancellationToken cancellationToken);

    /// <summary>EXPUNGE (all \Deleted messages) or UID EXPUNGE (only those of <paramref name="uids"/> that are \Deleted).</summary>
    Task<ExpungeResult> ExpungeAsync(long folderId, IReadOnlyCollection<long>? uids, CancellationToken cancellationToken);

    /// <summary>Messages changed and UIDs expunged after <paramref name="modSeq"/> (CHANGEDSINCE, QRESYNC).</summary>
    Task<FolderChanges> GetChangesSinceAsync(long folderId, long modSeq, CancellationToken cancellationToken);
}
