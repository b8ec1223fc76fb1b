// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Model;

/// <summary>Mailbox (BAL) type, TRE_R257-TypeBAL (REQ-20).</summary>
public enum MailboxType
{
    /// <summary>Personnelle: tied to a professional's national id.</summary>
    Per,

    /// <summary>Organisationnelle: a service or team of a structure.</summary>
    Org,

    /// <summary>Applicative: software owned by a legal entity.</summary>
    App,

    /// <summary>Cabinet: shared box of a liberal practice.</summary>
    Cab,
}

/// <summary>A published MSSanté mailbox. Liste-rouge boxes never reach this type (REQ-24).</summary>
public sealed record DirectoryMailbox(
    string Address,
    MailboxType Type,
    int Rank,
    string? Service,
    string? Description,
    bool? Dematerialisation);

/// <summary>A postal address as published for a structure.</summary>
public sealed record DirectoryAddress(
    string? Recipient,
    string? GeoPoint,
    string? StreetNumber,
    string? StreetNumberRepetition,
    string? StreetType,
    string? StreetName,
    string? DistributionMention,
    string? Cedex,
    string? PostalCode,
    string? CommuneCode,
    string? City,
    string? DepartmentCode,
    string? DepartmentLabel,
    string? Country)
{
    /// <summary>The street line, e.g. "12 bis rue de la Paix".</summary>
    public string? Line => Join(StreetNumber, StreetNumberRepetition, StreetType, StreetName);

    private static string? Join(params string?[] parts)
    {
        var text = string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p)));
        return text.Length == 0 ? null : text;
    }
}

/// <summary>A structure (site) where professionals practise, or that owns ORG/APP mailboxes.</summary>
public sealed class DirectoryStructure
{
    private readonly List<DirectoryMailbox> _mailboxes = [];

    public required string Id { get; init; }

    public string? Siret { get; init; }

    public string? Siren { get; init; }

    public string? FinessSite { get; init; }

    public string? FinessLegalEntity { get; init; }

    public string? Name { get; init; }

    public string? Enseigne { get; init; }

    public required DirectoryAddress Address { get; init; }

    public string? Phone { get; init; }

    public string? SectorCode { get; init; }

    public string? SectorLabel { get; init; }

    /// <summary>Published ORG/APP mailboxes of this structure.</summary>
    public IReadOnlyList<DirectoryMailbox> Mailboxes => _mailboxes;

    internal void AddMailbox(DirectoryMailbox mailbox) => _mailboxes.Add(mailbox);

    /// <summary>The same structure with another mailbox list (a publication since the index was built).</summary>
    internal DirectoryStructure WithMailboxes(IEnumerable<DirectoryMailbox> mailboxes)
    {
        var copy = new DirectoryStructure
        {
            Id = Id,
            Siret = Siret,
            Siren = Siren,
            FinessSite = FinessSite,
            FinessLegalEntity = FinessLegalEntity,
            Name = Name,
            Enseigne = Enseigne,
            Address = Address,
            Phone = Phone,
            SectorCode = SectorCode,
            SectorLabel = SectorLabel,
        };
        copy._mailboxes.AddRange(mailboxes);
        return copy;
    }

    /// <summary>The national structure id (idNatSt): "1" + FINESS of the site, "3" + SIRET, else the id.</summary>
    public string NationalId => FinessSite is { } finess ? "1" + finess : Siret is { } siret ? "3" + siret : Id;
}

/// <summary>One activity (situation d'exercice): a profession practised in a structure.</summary>
public sealed record DirectoryActivity(
    string ProfessionCode,
    string? ProfessionLabel,
    string? CategoryCode,
    string? CategoryLabel,
    string? SavoirFaireTypeCode,
    string? SavoirFaireCode,
    string? SavoirFaireLabel,
    string? ModeCode,
    string? ModeLabel,
    string? RoleCode,
    string? RoleLabel,
    string? GenreCode,
    string? GenreLabel,
    string? PharmacistSectionCode,
    DirectoryStructure? Structure)
{
    /// <summary>Stable id (FHIR PractitionerRole id): the owner's national id and a hash of the row's diff key.</summary>
    public string Id => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{OwnerIdNat}-{KeyHash:x16}");

    internal string OwnerIdNat { get; init; } = "";

    internal ulong KeyHash { get; init; }
}

/// <summary>A health professional with activities and published mailboxes.</summary>
public sealed record DirectoryPractitioner(
    string IdNat,
    string IdType,
    string IdPP,
    string? CivilityCode,
    string? CivilityLabel,
    string? PracticeCivilityCode,
    string? PracticeCivilityLabel,
    string FamilyName,
    string GivenName,
    IReadOnlyList<DirectoryActivity> Activities,
    IReadOnlyList<DirectoryMailbox> Mailboxes)
{
    /// <summary>The 11-digit RPPS number when the national id is an RPPS one (type 8), else null.</summary>
    public string? Rpps => IdType == "8" ? IdPP : null;
}
