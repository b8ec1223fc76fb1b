// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Core.Ports;

/// <summary>
/// Metadata store: domains, mailboxes, folders, messages and the acceptance of new mail. Implemented
/// per backend (SQLite by default). Failures surface as <see cref="MailException"/> with a closed
/// <see cref="MailError"/>; protocol front-ends map them to replies in one place.
/// </summary>
public interface IMailStore
{
    /// <summary>Creates the schema or upgrades it; idempotent.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    Task AddDomainAsync(string domain, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken);

    /// <summary>Creates a mailbox with its default folders. Throws <see cref="MailError.Exists"/> if the address is taken.</summary>
    Task<MailboxInfo> CreateMailboxAsync(NewMailbox mailbox, CancellationToken cancellationToken);

    Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken);

    Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken);

    /// <summary>Mailboxes whose owner id is <paramref name="ownerId"/> (an RPPS for PER and CAB, a structure id for ORG and APP), by address.</summary>
    Task<IReadOnlyList<MailboxInfo>> ListMailboxesByOwnerAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>The mailbox registered for a client certificate subject (APP boxes, REQ-16), compared without regard to ASCII case.</summary>
    Task<MailboxInfo?> FindMailboxByCertificateSubjectAsync(string subject, CancellationToken cancellationToken);

    /// <summary>Moves a mailbox along its lifecycle (REQ-23); address and kind never change.</summary>
    Task<bool> SetMailboxStatusAsync(MailAddress address, MailboxStatus status, CancellationToken cancellationToken);

    /// <summary>The stored password hash of a mailbox, or null if it has none.</summary>
    Task<string?> GetPasswordHashAsync(long mailboxId, CancellationToken cancellationToken);

    Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(long mailboxId, CancellationToken cancellationToken);

    Task<FolderInfo?> GetFolderAsync(long mailboxId, string name, CancellationToken cancellationToken);

    /// <summary>The messages of a folder, in UID order.</summary>
    Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(long folderId, CancellationToken cancellationToken);

    /// <summary>Adds flags to messages; returns the new MODSEQ of each changed message.</summary>
    Task<IReadOnlyList<MessageSummary>> AddFlagsAsync(long folderId, IReadOnlyCollection<long> uids, MessageFlags flags, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers to local mailboxes (their INBOX) and queues remote recipients, atomically and durably:
    /// when this returns, a crash loses nothing (the SMTP 250 is sent after it).
    /// </summary>
    Task<AcceptResult> AcceptAsync(AcceptedMessage message, CancellationToken cancellationToken);
}
