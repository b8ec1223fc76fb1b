// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Core.Ports;

/// <summary>
/// Domains, principals and mailboxes (BAL): administration, authentication look-ups and directory
/// metadata. Failures are <see cref="MailException"/>s with a closed <see cref="MailError"/>.
/// </summary>
public interface IAccountStore
{
    /// <summary>Hosts a domain (idempotent): creates its row and its first data key.</summary>
    Task<DomainInfo> AddDomainAsync(string domain, CancellationToken cancellationToken);

    Task<IReadOnlyList<DomainInfo>> ListDomainsAsync(CancellationToken cancellationToken);

    Task<DomainInfo?> GetDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Sets retention and default quotas of a domain (REQ-42). NotFound if not hosted.</summary>
    Task<DomainInfo> UpdateDomainSettingsAsync(string domain, DomainSettings settings, CancellationToken cancellationToken);

    /// <summary>Registers a principal; Parameters if its id is malformed, Exists if already there.</summary>
    Task<PrincipalInfo> AddPrincipalAsync(PrincipalRef principal, string? displayName, CancellationToken cancellationToken);

    Task<PrincipalInfo?> FindPrincipalAsync(PrincipalRef principal, CancellationToken cancellationToken);

    Task<IReadOnlyList<PrincipalInfo>> ListPrincipalsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates a mailbox with its default folders (INBOX, Sent, Drafts, Trash, Junk, Archive), subscribed.
    /// Enforces REQ-20/21: PER and CAB owned by a professional, ORG by a structure, APP by a structure or an
    /// application (Parameters otherwise); the owner principal is created if absent. Exists if the address
    /// is taken (whatever its case), NotFound if the domain is not hosted.
    /// </summary>
    Task<MailboxInfo> CreateMailboxAsync(NewMailbox mailbox, CancellationToken cancellationToken);

    /// <summary>Finds a mailbox by address, case-insensitively.</summary>
    Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken);

    Task<MailboxInfo?> GetMailboxAsync(long mailboxId, CancellationToken cancellationToken);

    /// <summary>The mailbox whose certificate subject DN is exactly <paramref name="subject"/> (SASL EXTERNAL).</summary>
    Task<MailboxInfo?> FindMailboxByCertificateAsync(string subject, CancellationToken cancellationToken);

    /// <summary>All mailboxes, by address.</summary>
    Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken);

    /// <summary>The mailboxes owned by a principal, by address.</summary>
    Task<IReadOnlyList<MailboxInfo>> ListMailboxesByOwnerAsync(PrincipalRef owner, CancellationToken cancellationToken);

    /// <summary>
    /// Mailboxes whose <see cref="MailboxInfo.ChangeSeq"/> is greater than <paramref name="sinceChangeSeq"/>,
    /// in change order, at most <paramref name="max"/>; <see cref="MailboxChanges.HighWater"/> is what to ask from next time.
    /// </summary>
    Task<MailboxChanges> ListMailboxChangesAsync(long sinceChangeSeq, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a mailbox along its lifecycle (REQ-23); false if there is no such mailbox. A transition
    /// <see cref="MailboxLifecycle"/> forbids (anything out of closed) fails with NotPossible.
    /// </summary>
    Task<bool> SetMailboxStatusAsync(MailAddress address, MailboxStatus status, CancellationToken cancellationToken);

    /// <summary>Replaces the directory metadata (REQ-21: only metadata is updatable, never address or kind).</summary>
    Task<MailboxInfo> UpdateMailboxMetadataAsync(long mailboxId, MailboxMetadata metadata, CancellationToken cancellationToken);

    /// <summary>The stored password hash of a mailbox, or null if it has none.</summary>
    Task<string?> GetPasswordHashAsync(long mailboxId, CancellationToken cancellationToken);

    Task SetPasswordHashAsync(long mailboxId, string? passwordHash, CancellationToken cancellationToken);

    Task SetCertificateSubjectAsync(long mailboxId, string? subject, CancellationToken cancellationToken);

    /// <summary>Sets a mailbox's own quota limits (null values take the domain defaults).</summary>
    Task SetQuotaAsync(long mailboxId, QuotaLimits limits, CancellationToken cancellationToken);

    /// <summary>Usage and effective limits of a mailbox (RFC 9208 GETQUOTA / GETQUOTAROOT).</summary>
    Task<QuotaUsage> GetQuotaAsync(long mailboxId, CancellationToken cancellationToken);
}
