// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Model;

/// <summary>The four MSSanté mailbox (BAL) kinds, TRE_R257-TypeBAL (REQ-20).</summary>
public enum MailboxKind
{
    /// <summary>Personal, tied to a professional's RPPS.</summary>
    Per,
    /// <summary>Organisational: a service or team of a structure.</summary>
    Org,
    /// <summary>Applicative: software sending and receiving automatically.</summary>
    App,
    /// <summary>A liberal practice's shared box.</summary>
    Cab,
}

/// <summary>Lifecycle of a mailbox (REQ-23): active → suspended → closed; suspended → active; closed is final.</summary>
public enum MailboxStatus
{
    Active,
    Suspended,
    Closed,
}

/// <summary>The allowed lifecycle transitions (REQ-23).</summary>
public static class MailboxLifecycle
{
    /// <summary>True when a mailbox may go from <paramref name="from"/> to <paramref name="to"/> (staying put is allowed).</summary>
    public static bool CanMove(MailboxStatus from, MailboxStatus to) => from == to || from switch
    {
        MailboxStatus.Active => to is MailboxStatus.Suspended or MailboxStatus.Closed,
        MailboxStatus.Suspended => to is MailboxStatus.Active or MailboxStatus.Closed,
        _ => false,
    };
}

/// <summary>
/// What is published to the Annuaire Santé about a mailbox (REQ-21, REQ-24; issue 7): everything but
/// address and kind, which never change.
/// </summary>
/// <param name="DisplayName">Display name, e.g. "Dr Jean DUPONT" or "Secrétariat de cardiologie".</param>
/// <param name="ListeRouge">REQ-24: true means the mailbox must not be published.</param>
/// <param name="Description">Description of the box (ORG, APP).</param>
/// <param name="Service">Service de rattachement (ORG, APP).</param>
/// <param name="Responsible">Responsable of the box (ORG, APP; never in open access).</param>
/// <param name="Rank">Preferential rank: 1 marks the preferential box.</param>
/// <param name="StructureId">Structure of attachment of a PER box (PractitionerRole carrier), if any.</param>
public sealed record MailboxMetadata(
    string? DisplayName,
    bool ListeRouge = false,
    string? Description = null,
    string? Service = null,
    string? Responsible = null,
    int? Rank = null,
    string? StructureId = null)
{
    public static readonly MailboxMetadata Empty = new((string?)null);
}

/// <summary>
/// A mailbox as stored. Address and kind never change after creation (REQ-21). <see cref="OwnerId"/> is the
/// owner's national id (RPPS or structure id); <see cref="ChangeSeq"/> grows, store-wide, on every change a
/// directory publisher cares about (creation, lifecycle, metadata).
/// </summary>
public sealed record MailboxInfo(
    long Id,
    MailAddress Address,
    MailboxKind Kind,
    MailboxStatus Status,
    string? DisplayName,
    string? OwnerId,
    DateTimeOffset CreatedAt)
{
    /// <summary>The owner principal (null only for mailboxes migrated from schema 1 without an owner).</summary>
    public PrincipalInfo? Owner { get; init; }

    /// <summary>Directory metadata (display name included).</summary>
    public MailboxMetadata Metadata { get; init; } = MailboxMetadata.Empty;

    /// <summary>The subject DN of the certificate that authenticates this mailbox (SASL EXTERNAL), if any.</summary>
    public string? CertificateSubject { get; init; }

    /// <summary>Store-wide monotonic change counter of the last directory-relevant change.</summary>
    public long ChangeSeq { get; init; }

    /// <summary>When the last directory-relevant change happened.</summary>
    public DateTimeOffset ChangedAt { get; init; }
}

/// <summary>What is needed to create a mailbox. The owner principal is created when it does not exist yet.</summary>
public sealed record NewMailbox(MailAddress Address, MailboxKind Kind, PrincipalRef Owner)
{
    public MailboxMetadata Metadata { get; init; } = MailboxMetadata.Empty;

    /// <summary>The password hash (<see cref="Auth.PasswordHasher"/>), or null for certificate-only boxes.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>The subject DN of the client certificate accepted for SASL EXTERNAL, if any.</summary>
    public string? CertificateSubject { get; init; }

    /// <summary>Quota overrides; null values take the domain's defaults.</summary>
    public QuotaLimits? Quota { get; init; }
}

/// <summary>A page of mailboxes changed since a change counter, for directory publication.</summary>
public sealed record MailboxChanges(IReadOnlyList<MailboxInfo> Mailboxes, long HighWater);

/// <summary>Parsing and printing of <see cref="MailboxKind"/> in the national codes.</summary>
public static class MailboxKinds
{
    public static string ToCode(this MailboxKind kind) => kind switch
    {
        MailboxKind.Per => "PER",
        MailboxKind.Org => "ORG",
        MailboxKind.App => "APP",
        MailboxKind.Cab => "CAB",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? code, out MailboxKind kind)
    {
        switch (code?.Trim().ToUpperInvariant())
        {
            case "PER": kind = MailboxKind.Per; return true;
            case "ORG": kind = MailboxKind.Org; return true;
            case "APP": kind = MailboxKind.App; return true;
            case "CAB": kind = MailboxKind.Cab; return true;
            default: kind = default; return false;
        }
    }
}
