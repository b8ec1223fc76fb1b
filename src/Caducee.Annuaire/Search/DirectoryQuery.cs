// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Model;

namespace Caducee.Annuaire.Search;

/// <summary>How <see cref="DirectoryQuery.Mailbox"/> is matched.</summary>
public enum MailboxMatch
{
    /// <summary>Whole address, case-insensitive.</summary>
    Exact,

    /// <summary>Substring of the address, case-insensitive (FHIR <c>mailbox-mss:contains</c>).</summary>
    Contains,

    /// <summary>Address starts with the text (FHIR string default).</summary>
    StartsWith,
}

/// <summary>
/// A directory search; all given criteria must hold (AND). Name criteria are accent- and case-insensitive
/// word-prefix matches. See <c>docs/adr/0002-directory-search.md</c> for the ranking.
/// </summary>
public sealed record DirectoryQuery
{
    /// <summary>Any part of the name (family or given), each word a prefix.</summary>
    public string? Name { get; init; }

    /// <summary>Family name, each word a prefix (FHIR <c>family</c>).</summary>
    public string? Family { get; init; }

    /// <summary>When true, <see cref="Family"/> must equal the whole family name (FHIR <c>family:exact</c>).</summary>
    public bool FamilyExact { get; init; }

    /// <summary>Given name, each word a prefix (FHIR <c>given</c>).</summary>
    public string? Given { get; init; }

    /// <summary>Profession code (TRE_G15), e.g. "10" médecin.</summary>
    public string? ProfessionCode { get; init; }

    /// <summary>Savoir-faire code (TRE_R38 etc.), e.g. "SM54".</summary>
    public string? SavoirFaireCode { get; init; }

    /// <summary>City name of an activity's structure, accent- and case-insensitive, whole name.</summary>
    public string? City { get; init; }

    /// <summary>Postal code or its prefix (e.g. "75" for Paris).</summary>
    public string? PostalCode { get; init; }

    /// <summary>RPPS (11 digits), national id (8 + RPPS) or ADELI national id.</summary>
    public string? Identifier { get; init; }

    /// <summary>Mailbox address or fragment (see <see cref="MailboxMatch"/>).</summary>
    public string? Mailbox { get; init; }

    public MailboxMatch MailboxMatch { get; init; } = MailboxMatch.Exact;

    /// <summary>Only practitioners with a published mailbox of this type.</summary>
    public MailboxType? MailboxType { get; init; }

    /// <summary>Number of results to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Page size, 0..<see cref="MaxCount"/>.</summary>
    public int Count { get; init; } = 20;

    public const int MaxCount = 1000;
}

/// <summary>A page of search results, best first.</summary>
public sealed record DirectoryResults(int Total, int Offset, IReadOnlyList<DirectoryPractitioner> Items);

/// <summary>Which identifier system a structure identifier is in.</summary>
public enum StructureIdentifierKind
{
    /// <summary>Any: technical id, FINESS, national structure id (idNatSt) or SIRET.</summary>
    Any,

    /// <summary>FINESS of the site (établissement géographique) or of the legal entity.</summary>
    Finess,

    /// <summary>National structure id (idNatSt): "1" + FINESS, "3" + SIRET, or the id of the MSSanté extraction.</summary>
    IdNatSt,

    /// <summary>SIRET.</summary>
    Siret,
}

/// <summary>
/// A structure (FHIR Organization) search; all given criteria must hold. Without criteria it lists every
/// structure in index order; otherwise results are ordered by structure id.
/// </summary>
public sealed record StructureQuery
{
    public string? Identifier { get; init; }

    public StructureIdentifierKind IdentifierKind { get; init; }

    /// <summary>Mailbox address or fragment (see <see cref="MailboxMatch"/>).</summary>
    public string? Mailbox { get; init; }

    public MailboxMatch MailboxMatch { get; init; } = MailboxMatch.Exact;

    /// <summary>Only structures with a published mailbox of this type (ORG, APP).</summary>
    public MailboxType? MailboxType { get; init; }

    public int Offset { get; init; }

    public int Count { get; init; } = 20;
}

/// <summary>A page of structures.</summary>
public sealed record StructureResults(int Total, int Offset, IReadOnlyList<DirectoryStructure> Items);
