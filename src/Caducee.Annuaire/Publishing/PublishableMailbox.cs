// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Model;
using Caducee.Core.Model;
using Caducee.Core.Ports;

namespace Caducee.Annuaire.Publishing;

/// <summary>Where a mailbox is in its lifecycle (REQ-23), as the publisher sees it.</summary>
public enum PublishableStatus
{
    /// <summary>Published (with its liste-rouge flag: a liste-rouge box is sent, stored and never shown).</summary>
    Active,

    /// <summary>Withdrawn from the directory until it is active again: senders must not find a box that refuses mail.</summary>
    Suspended,

    /// <summary>Withdrawn (the box is kept for retention only).</summary>
    Closed,
}

/// <summary>
/// An operator's mailbox as the Annuaire Santé sees it (REQ-20, REQ-21): address, type, owner (the RPPS or
/// national id of the professional for PER/CAB, the national structure id or FINESS for ORG/APP), the
/// metadata published with it, and its status.
/// </summary>
public sealed record PublishableMailbox(
    string Address,
    MailboxType Type,
    string? OwnerId,
    string? DisplayName = null,
    string? Description = null,
    string? Service = null,
    string? Responsible = null,
    bool ListeRouge = false,
    PublishableStatus Status = PublishableStatus.Active);

/// <summary>
/// The operator's mailboxes for the publisher. Today it reads the whole list each pass; the store's change
/// counter will let it read only what changed (ADR 0003).
/// </summary>
public interface IPublishableMailboxSource
{
    /// <summary>Every mailbox of the node, closed and suspended ones included.</summary>
    Task<IReadOnlyList<PublishableMailbox>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IPublishableMailboxSource"/> over the message store's mailboxes (<see cref="IAccountStore.ListMailboxesAsync"/>):
/// kind, status, owner, and the directory metadata the store keeps (description, service de rattachement,
/// responsable, liste rouge; REQ-21, REQ-24). ORG and APP boxes without a description use their display name.
/// </summary>
public sealed class MailStoreMailboxSource(IMailStore store) : IPublishableMailboxSource
{
    public async Task<IReadOnlyList<PublishableMailbox>> ListAsync(CancellationToken cancellationToken)
    {
        var mailboxes = await store.ListMailboxesAsync(cancellationToken).ConfigureAwait(false);
        return [.. mailboxes.Select(Map)];
    }

    internal static PublishableMailbox Map(MailboxInfo m)
    {
        var type = m.Kind switch
        {
            MailboxKind.Per => MailboxType.Per,
            MailboxKind.Org => MailboxType.Org,
            MailboxKind.App => MailboxType.App,
            _ => MailboxType.Cab,
        };
        var status = m.Status switch
        {
            MailboxStatus.Active => PublishableStatus.Active,
            MailboxStatus.Suspended => PublishableStatus.Suspended,
            _ => PublishableStatus.Closed,
        };
        var structureBox = type is MailboxType.Org or MailboxType.App;
        var meta = m.Metadata;
        var owner = m.Owner?.NationalId ?? m.OwnerId;
        return new PublishableMailbox(
            m.Address.ToString(),
            type,
            string.IsNullOrWhiteSpace(owner) ? null : owner.Trim(),
            meta.DisplayName ?? m.DisplayName,
            Description: meta.Description ?? (structureBox ? meta.DisplayName ?? m.DisplayName : null),
            Service: meta.Service,
            Responsible: meta.Responsible,
            ListeRouge: meta.ListeRouge,
            Status: status);
    }
}
