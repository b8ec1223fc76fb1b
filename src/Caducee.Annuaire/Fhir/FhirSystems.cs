// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Fhir;

/// <summary>
/// Canonical URLs used by the ANS Annuaire Santé FHIR guide (IG-fhir-annuaire, MSSANTE-SPEC §3.4) and
/// the French core profiles.
/// </summary>
public static class FhirSystems
{
    /// <summary>National professional id (idNatPs: "8" + RPPS, or "0" + ADELI).</summary>
    public const string IdNatPs = "urn:oid:1.2.250.1.71.4.2.1";

    /// <summary>RPPS number (11 digits), as used by the ANS FHIR API.</summary>
    public const string Rpps = "https://rpps.esante.gouv.fr";

    /// <summary>National structure id (idNatSt).</summary>
    public const string IdNatSt = "urn:oid:1.2.250.1.71.4.2.2";

    public const string Finess = "https://finess.esante.gouv.fr";

    public const string Siret = "https://sirene.fr";

    public const string IdentifierType = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";

    public const string EmailTypeExtension = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type";

    public const string MessagingType = "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie";

    public const string MailboxMetadataExtension = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata";

    public const string MailboxType = "https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL";

    public const string Profession = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante";

    public const string ProfessionCategory = "https://mos.esante.gouv.fr/NOS/TRE_R09-CategorieProfessionnelle/FHIR/TRE-R09-CategorieProfessionnelle";

    public const string SpecialiteOrdinale = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";

    public const string ModeExercice = "https://mos.esante.gouv.fr/NOS/TRE_R23-ModeExercice/FHIR/TRE-R23-ModeExercice";

    public const string Fonction = "https://mos.esante.gouv.fr/NOS/TRE_R21-Fonction/FHIR/TRE-R21-Fonction";

    public const string GenreActivite = "https://mos.esante.gouv.fr/NOS/TRE_R22-GenreActivite/FHIR/TRE-R22-GenreActivite";

    public const string SecteurActivite = "https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite";

    public const string PractitionerProfile = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-practitioner";

    public const string PractitionerRoleProfile = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-practitionerrole";

    public const string OrganizationProfile = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-organization";
}
