// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Import;

/// <summary>
/// The 31 columns of <c>Extraction_Correspondance_MSSante</c> (MSSANTE-SPEC §3.2): '|' separated, one header
/// line, one mailbox (BAL) per row. The address is the only key (REQ-29).
/// </summary>
internal static class MssanteExtractionFormat
{
    public const int ColumnCount = 31;

    public static readonly string[] Columns =
    [
        "Type de BAL", "Adresse BAL", "Type Identifiant PP", "Identifiant PP", "Identification nationale PP",
        "Type identifiant structure", "Identification Structure", "Service de rattachement", "Civilité d'exercice",
        "Nom d'exercice", "Prénom d'exercice", "Catégorie profession", "Libellé de catégorie profession",
        "Code Profession", "Libellé Profession", "Code savoir-faire", "Libellé savoir-faire", "Dématérialisation",
        "Raison Sociale structure BAL", "Enseigne commerciale structure BAL",
        "L2COMPLEMENTLOCALISATION structure BAL", "L3COMPLEMENTDISTRIBUTION structure BAL",
        "L4NUMEROVOIE structure BAL", "L4COMPLEMENTNUMEROVOIE structure BAL", "NL4TYPEVOIE structure BAL",
        "L4LIBELLEVOIE structure BAL", "L5LIEUDITMENTION structure BAL", "L6LIGNEACHEMINEMENT structure BAL",
        "Code postal structure BAL", "Département structure BAL", "Pays structure BAL",
    ];

    public const int Type = 0;
    public const int Address = 1;
    public const int IdTypePP = 2;
    public const int IdPP = 3;
    public const int IdNat = 4;
    public const int StructureIdType = 5;
    public const int StructureId = 6;
    public const int Service = 7;
    public const int Civility = 8;
    public const int FamilyName = 9;
    public const int GivenName = 10;
    public const int CategoryCode = 11;
    public const int CategoryLabel = 12;
    public const int ProfessionCode = 13;
    public const int ProfessionLabel = 14;
    public const int SavoirFaireCode = 15;
    public const int SavoirFaireLabel = 16;
    public const int Dematerialisation = 17;
    public const int StructureName = 18;
    public const int Enseigne = 19;
    public const int L2 = 20;
    public const int L3 = 21;
    public const int L4Number = 22;
    public const int L4Repetition = 23;
    public const int L4StreetType = 24;
    public const int L4StreetName = 25;
    public const int L5 = 26;
    public const int L6 = 27;
    public const int PostalCode = 28;
    public const int Department = 29;
    public const int Country = 30;

    /// <summary>The header line as ANS writes it (no trailing separator; one is tolerated on read).</summary>
    public static string HeaderLine => string.Join('|', Columns);
}
