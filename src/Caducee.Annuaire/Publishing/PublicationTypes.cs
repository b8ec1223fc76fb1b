// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Model;

namespace Caducee.Annuaire.Publishing;

/// <summary>The FHIR resource that carries a mailbox (REQ-20, MSSANTE-SPEC §3.4).</summary>
public enum PublicationCarrier
{
    /// <summary><c>Practitioner.telecom</c>: PER and CAB boxes, by RPPS / national id.</summary>
    Practitioner,

    /// <summary><c>Organization.telecom</c>: ORG and APP boxes, by structure id (FINESS, SIRET, idNatSt).</summary>
    Organization,
}

/// <summary>
/// A mailbox as an operator publishes it: the <c>as-mailbox-mss</c> telecom and its metadata (REQ-21).
/// <see cref="Responsible"/> is stored but never exposed; a <see cref="ListeRouge"/> box is stored but
/// never exposed either (REQ-24).
/// </summary>
public sealed record PublishedMailbox(
    string Address,
    MailboxType Type,
    bool ListeRouge = false,
    int? Rank = null,
    string? Description = null,
    string? Service = null,
    string? Responsible = null,
    bool? Dematerialisation = null);

/// <summary>What a PATCH operation does to a carrier's MSSanté telecoms.</summary>
public enum MailboxPatchKind
{
    /// <summary>FHIR <c>add</c> / <c>insert</c>: publish a new box.</summary>
    Add,

    /// <summary>FHIR <c>replace</c> on <c>telecom.where(value='…')</c>: change a box's metadata.</summary>
    Replace,

    /// <summary>FHIR <c>delete</c> on <c>telecom.where(value='…')</c>: withdraw a box.</summary>
    Delete,
}

/// <summary>One operation of a publication PATCH. <see cref="Target"/> names the box for replace and delete.</summary>
public sealed record MailboxPatchOperation(MailboxPatchKind Kind, string? Target, PublishedMailbox? Value);

/// <summary>Why a publication is refused; the web layer maps each kind to one HTTP status.</summary>
public enum PublicationErrorKind
{
    /// <summary>The body or an operation is malformed (400).</summary>
    Invalid,

    /// <summary>A path or operation the API does not support (422).</summary>
    NotSupported,

    /// <summary>Replace or delete names a box the carrier does not have (422).</summary>
    UnknownMailbox,

    /// <summary>Add of a box the carrier already has (422).</summary>
    Duplicate,

    /// <summary>An address or a type would change (REQ-21, 422).</summary>
    Immutable,

    /// <summary>The box is published for another carrier (409).</summary>
    Conflict,

    /// <summary>The address is in a domain the whitelist does not assign to the caller (403).</summary>
    ForeignDomain,
}

/// <summary>A refused publication: the kind, and a message that says what to fix.</summary>
public sealed class PublicationException : Exception
{
    public PublicationException(PublicationErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public PublicationException()
        : this(PublicationErrorKind.Invalid, "publication refused")
    {
    }

    public PublicationException(string message)
        : this(PublicationErrorKind.Invalid, message)
    {
    }

    public PublicationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = PublicationErrorKind.Invalid;
    }

    public PublicationErrorKind Kind { get; }
}

/// <summary>Who publishes: the operator's certificate DN and the domains the whitelist assigns to it.</summary>
public sealed record PublicationContext(string OperatorDn, Func<string, bool> MayPublishDomain);

/// <summary>What a publication changed: the addresses written, and the carrier as now published.</summary>
public sealed record PublicationResult(
    IReadOnlyList<string> Published,
    IReadOnlyList<string> Withdrawn,
    long Version,
    DirectoryPractitioner? Practitioner,
    DirectoryStructure? Structure);
