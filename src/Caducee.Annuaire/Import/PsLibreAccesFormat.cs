// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Import;

/// <summary>
/// The 56 columns of <c>PS_LibreAcces_Personne_activite</c> (MSSANTE-SPEC §3.3): '|' separated, each line
/// ending with a trailing '|'. One row is one activity (situation d'exercice) of one professional.
/// </summary>
internal static class PsLibreAccesFormat
{
    public const int ColumnCount = 56;

    public static readonly string[] Columns =
    [
        "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP", "Code civilité d'exercice",
        "Libellé civilité d'exercice", "Code civilité", "Libellé civilité", "Nom d'exercice", "Prénom d'exercice",
        "Code profession", "Libellé profession", "Code catégorie professionnelle", "Libellé catégorie professionnelle",
        "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
        "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
        "Numéro FINESS établissement juridique", "Identifiant technique de la structure", "Raison sociale site",
        "Enseigne commerciale site", "Complément destinataire (coord. structure)",
        "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
        "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
        "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
        "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
        "Code commune (coord. structure)", "Libellé commune (coord. structure)", "Code pays (coord. structure)",
        "Libellé pays (coord. structure)", "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
        "Télécopie (coord. structure)", "Adresse e-mail (coord. structure)", "Code Département (structure)",
        "Libellé Département (structure)", "Ancien identifiant de la structure", "Autorité d'enregistrement",
        "Code secteur d'activité", "Libellé secteur d'activité", "Code section tableau pharmaciens",
        "Libellé section tableau pharmaciens", "Code rôle", "Libellé rôle", "Code genre activité",
        "Libellé genre activité",
    ];

    // Zero-based indexes of the columns the engine reads.
    public const int IdType = 0;
    public const int IdPP = 1;
    public const int IdNat = 2;
    public const int PracticeCivilityCode = 3;
    public const int PracticeCivilityLabel = 4;
    public const int CivilityCode = 5;
    public const int CivilityLabel = 6;
    public const int FamilyName = 7;
    public const int GivenName = 8;
    public const int ProfessionCode = 9;
    public const int ProfessionLabel = 10;
    public const int CategoryCode = 11;
    public const int CategoryLabel = 12;
    public const int SavoirFaireTypeCode = 13;
    public const int SavoirFaireTypeLabel = 14;
    public const int SavoirFaireCode = 15;
    public const int SavoirFaireLabel = 16;
    public const int ModeCode = 17;
    public const int ModeLabel = 18;
    public const int Siret = 19;
    public const int Siren = 20;
    public const int FinessSite = 21;
    public const int FinessEj = 22;
    public const int StructureId = 23;
    public const int StructureName = 24;
    public const int Enseigne = 25;
    public const int AddressRecipient = 26;
    public const int AddressGeoPoint = 27;
    public const int StreetNumber = 28;
    public const int StreetNumberRepetition = 29;
    public const int StreetTypeCode = 30;
    public const int StreetTypeLabel = 31;
    public const int StreetName = 32;
    public const int DistributionMention = 33;
    public const int Cedex = 34;
    public const int PostalCode = 35;
    public const int CommuneCode = 36;
    public const int CommuneLabel = 37;
    public const int CountryCode = 38;
    public const int CountryLabel = 39;
    public const int Phone = 40;
    public const int Phone2 = 41;
    public const int Fax = 42;
    public const int Email = 43;
    public const int DepartmentCode = 44;
    public const int DepartmentLabel = 45;
    public const int FormerStructureId = 46;
    public const int RegistrationAuthority = 47;
    public const int SectorCode = 48;
    public const int SectorLabel = 49;
    public const int PharmacistSectionCode = 50;
    public const int PharmacistSectionLabel = 51;
    public const int RoleCode = 52;
    public const int RoleLabel = 53;
    public const int GenreCode = 54;
    public const int GenreLabel = 55;

    /// <summary>The header line exactly as ANS writes it, trailing separator included.</summary>
    public static string HeaderLine => string.Join('|', Columns) + "|";
}
