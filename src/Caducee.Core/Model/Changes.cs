// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Model;

/// <summary>What kind of change a <see cref="FolderChanged"/> event reports.</summary>
[Flags]
public enum FolderChangeKinds
{
    None = 0,
    /// <summary>Messages were added (delivery, APPEND, COPY, MOVE).</summary>
    NewMessages = 1,
    /// <summary>Flags or keywords changed.</summary>
    Flags = 2,
    /// <summary>Messages were expunged.</summary>
    Expunged = 4,
    /// <summary>The folder was created.</summary>
    Created = 8,
    /// <summary>The folder was deleted (or became a \Noselect placeholder).</summary>
    Deleted = 16,
    /// <summary>The folder was renamed.</summary>
    Renamed = 32,
    /// <summary>The folder's ACL or subscription changed.</summary>
    Attributes = 64,
}

/// <summary>
/// A change-feed event (issue 4 point 5): folder <see cref="FolderId"/> of mailbox <see cref="MailboxId"/>
/// changed and its HIGHESTMODSEQ is now <see cref="HighestModSeq"/>. Listeners then ask the store for the
/// changes since the MODSEQ they know. Events may be coalesced or repeated; they are never needed for
/// correctness of the data, only for promptness.
/// </summary>
public sealed record FolderChanged(long MailboxId, long FolderId, long HighestModSeq, FolderChangeKinds Kinds);

/// <summary>The outcome of a retention pass: messages expunged, per domain.</summary>
public sealed record RetentionResult(IReadOnlyDictionary<string, int> ExpungedByDomain)
{
    public int Total => ExpungedByDomain.Values.Sum();
}

/// <summary>The outcome of a blob collection pass (see docs/adr/0006-message-store.md).</summary>
/// <param name="Examined">Blob files older than the grace period looked at.</param>
/// <param name="Deleted">Unreferenced blobs deleted.</param>
/// <param name="Restored">Candidates put back because they were touched or referenced meanwhile.</param>
/// <param name="TemporaryFilesDeleted">Leftover temporary files of interrupted writes deleted.</param>
public sealed record BlobCollectionResult(int Examined, int Deleted, int Restored, int TemporaryFilesDeleted);
