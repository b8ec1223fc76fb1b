#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
# Regenerates the checked-in sample extraction files (UTF-8 originals, a Latin-1 copy, a ZIP copy and a
# file with malformed rows). The .txt files are the reference; this script documents how they were made.
import zipfile

PS_HEADER = "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|Numéro FINESS établissement juridique|Identifiant technique de la structure|Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|Mention distribution (coord. structure)|Bureau cedex (coord. structure)|Code postal (coord. structure)|Code commune (coord. structure)|Libellé commune (coord. structure)|Code pays (coord. structure)|Libellé pays (coord. structure)|Téléphone (coord. structure)|Téléphone 2 (coord. structure)|Télécopie (coord. structure)|Adresse e-mail (coord. structure)|Code Département (structure)|Libellé Département (structure)|Ancien identifiant de la structure|Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|Code section tableau pharmaciens|Libellé section tableau pharmaciens|Code rôle|Libellé rôle|Code genre activité|Libellé genre activité|"
MSS_HEADER = "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|Identification nationale PP|Type identifiant structure|Identification Structure|Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION structure BAL|L3COMPLEMENTDISTRIBUTION structure BAL|L4NUMEROVOIE structure BAL|L4COMPLEMENTNUMEROVOIE structure BAL|NL4TYPEVOIE structure BAL|L4LIBELLEVOIE structure BAL|L5LIEUDITMENTION structure BAL|L6LIGNEACHEMINEMENT structure BAL|Code postal structure BAL|Département structure BAL|Pays structure BAL"

CAB_PARIS = dict(siret="81234567800012", siren="812345678", finess="", ej="", tid="S81234567800012", name="CABINET MEDICAL DE LA REPUBLIQUE", ens="", num="12", rep="B", tv="R", tvl="Rue", voie="de la République", cp="75012", insee="75112", city="PARIS", dep="75", depl="Paris", tel="0143431234", sector="SA08", sectorl="Cabinet de groupe")
CHU_LYON = dict(siret="26690002700013", siren="266900027", finess="690781810", ej="690781810", tid="F690781810", name="HOPITAL EDOUARD HERRIOT", ens="", num="5", rep="", tv="PL", tvl="Place", voie="d'Arsonval", cp="69003", insee="69383", city="LYON", dep="69", depl="Rhône", tel="0472110000", sector="SA01", sectorl="Etablissement public de santé")
CAB_NANTES = dict(siret="52345678900021", siren="523456789", finess="", ej="", tid="S52345678900021", name="CABINET DE KINESITHERAPIE", ens="", num="3", rep="", tv="AV", tvl="Avenue", voie="Jean Jaurès", cp="44000", insee="44109", city="NANTES", dep="44", depl="Loire-Atlantique", tel="0240123456", sector="SA07", sectorl="Cabinet individuel")
OFFICINE = dict(siret="41234567800035", siren="412345678", finess="130012345", ej="", tid="F130012345", name="PHARMACIE DU VIEUX-PORT", ens="Pharmacie du Vieux-Port", num="40", rep="", tv="QU", tvl="Quai", voie="du Port", cp="13002", insee="13202", city="MARSEILLE", dep="13", depl="Bouches-du-Rhône", tel="0491901234", sector="SA33", sectorl="Officine")
CAB_NICE = dict(siret="73456789000018", siren="734567890", finess="", ej="", tid="S73456789000018", name="CABINET DENTAIRE MASSÉNA", ens="", num="7", rep="", tv="PL", tvl="Place", voie="Masséna", cp="06000", insee="06088", city="NICE", dep="06", depl="Alpes-Maritimes", tel="0493123456", sector="SA07", sectorl="Cabinet individuel")

def ps(rpps, civ_ex, civ_ex_l, civ, civ_l, nom, prenom, prof, prof_l, sf_type, sf_type_l, sf, sf_l, mode, mode_l, s, auth, role, role_l, sect="", sect_l=""):
    f = ["8", rpps, "8" + rpps, civ_ex, civ_ex_l, civ, civ_l, nom, prenom, prof, prof_l, "C", "Civil",
         sf_type, sf_type_l, sf, sf_l, mode, mode_l, s["siret"], s["siren"], s["finess"], s["ej"], s["tid"], s["name"], s["ens"],
         "", "", s["num"], s["rep"], s["tv"], s["tvl"], s["voie"], "", "", s["cp"], s["insee"], s["city"], "", "",
         s["tel"], "", "", "", s["dep"], s["depl"], "", auth, s["sector"], s["sectorl"], sect, sect_l, role, role_l,
         "GENR01", "Activité standard de soin ou de pharmacien"]
    assert len(f) == 56, len(f)
    return "|".join(f) + "|"

MG = ("S", "Spécialité ordinale", "SM26", "Qualifié en Médecine Générale")
CARDIO = ("S", "Spécialité ordinale", "SM54", "Cardiologie et maladies vasculaires")
NONE = ("", "", "", "")
LIB = ("L", "Libéral, indépendant, artisan, commerçant")
SAL = ("S", "Salarié")

rows = [
    ps("10001234567", "DR", "Docteur", "M", "Monsieur", "DUPONT", "Jean", "10", "Médecin", *MG, *LIB, CAB_PARIS, "CNOM/CNOM/CNOM", "FON-05", "Titulaire de cabinet"),
    ps("10001234567", "DR", "Docteur", "M", "Monsieur", "DUPONT", "Jean", "10", "Médecin", *CARDIO, *SAL, CHU_LYON, "CNOM/CNOM/CNOM", "FON-01", "Professionnel salarié"),
    ps("10002345678", "", "", "MME", "Madame", "DUPONT", "Hélène", "60", "Infirmier", *NONE, *SAL, CHU_LYON, "ONI/ONI/ONI", "FON-01", "Professionnel salarié"),
    ps("10003456789", "", "", "M", "Monsieur", "DUPONTEL", "Loïc", "70", "Masseur-Kinésithérapeute", *NONE, *LIB, CAB_NANTES, "CNOMK/CNOMK/CNOMK", "FON-05", "Titulaire de cabinet"),
    ps("10004567891", "DR", "Docteur", "MME", "Madame", "LEFÈVRE-DUPONT", "Anaïs", "10", "Médecin", *CARDIO, *SAL, CHU_LYON, "CNOM/CNOM/CNOM", "FON-01", "Professionnel salarié"),
    ps("10005678912", "", "", "MME", "Madame", "PÉRÈS", "Noémie", "50", "Sage-Femme", *NONE, *SAL, CHU_LYON, "CNOSF/CNOSF/CNOSF", "FON-01", "Professionnel salarié"),
    ps("10006789123", "DR", "Docteur", "M", "Monsieur", "MARTIN", "Grégoire", "21", "Pharmacien", *NONE, *LIB, OFFICINE, "CNOP/CNOP/CNOP", "FON-05", "Titulaire de cabinet", "A", "Pharmacien titulaire d'officine"),
    ps("10007891234", "DR", "Docteur", "MME", "Madame", "MARTINEZ", "Élodie", "40", "Chirurgien-Dentiste", "S", "Spécialité ordinale", "SCD01", "Orthopédie dento-faciale", *LIB, CAB_NICE, "ONCD/ONCD/ONCD", "FON-05", "Titulaire de cabinet"),
    ps("10008912345", "", "", "M", "Monsieur", "BERNARD", "Martin", "60", "Infirmier", *NONE, *LIB, CAB_PARIS, "ONI/ONI/ONI", "FON-05", "Titulaire de cabinet"),
    ps("10009123456", "DR", "Docteur", "MME", "Madame", "LEROUGE", "Zoé", "10", "Médecin", *MG, *LIB, CAB_PARIS, "CNOM/CNOM/CNOM", "FON-05", "Titulaire de cabinet"),
]

def mss(typ, addr, rpps, struct_type, struct_id, service, civ, nom, prenom, prof, prof_l, sf, sf_l, demat, s):
    f = [typ, addr, "8" if rpps else "", rpps, ("8" + rpps) if rpps else "", struct_type, struct_id, service, civ, nom, prenom,
         "C" if rpps else "", "Civil" if rpps else "", prof, prof_l, sf, sf_l, demat,
         s["name"], s["ens"], "", "", s["num"], s["rep"], s["tv"], s["voie"], "", s["cp"] + " " + s["city"], s["cp"], s["dep"], "France"]
    assert len(f) == 31, len(f)
    return "|".join(f)

boxes = [
    mss("PER", "jean.dupont@medecin.mssante.fr", "10001234567", "3", "381234567800012", "", "DR", "DUPONT", "Jean", "10", "Médecin", "SM26", "Qualifié en Médecine Générale", "true", CAB_PARIS),
    mss("PER", "jean.dupont@chu-lyon.mssante.fr", "10001234567", "1", "1690781810", "Cardiologie", "DR", "DUPONT", "Jean", "10", "Médecin", "SM54", "Cardiologie et maladies vasculaires", "true", CHU_LYON),
    mss("PER", "helene.dupont@chu-lyon.mssante.fr", "10002345678", "1", "1690781810", "Urgences", "", "DUPONT", "Hélène", "60", "Infirmier", "", "", "false", CHU_LYON),
    mss("PER", "loic.dupontel@masseur-kinesitherapeute.mssante.fr", "10003456789", "3", "352345678900021", "", "", "DUPONTEL", "Loïc", "70", "Masseur-Kinésithérapeute", "", "", "1", CAB_NANTES),
    mss("PER", "gregoire.martin@pharmacien.mssante.fr", "10006789123", "1", "1130012345", "", "DR", "MARTIN", "Grégoire", "21", "Pharmacien", "", "", "true", OFFICINE),
    mss("ORG", "secretariat.cardiologie@chu-lyon.mssante.fr", "", "1", "1690781810", "Secrétariat de cardiologie", "", "", "", "", "", "", "", "true", CHU_LYON),
    mss("ORG", "pharmacie@pharmacie-vieux-port.mssante.fr", "", "1", "1130012345", "Officine", "", "", "", "", "", "", "", "true", OFFICINE),
    # Published by mistake in the public file but liste rouge for this operator: must never be exposed.
    mss("PER", "zoe.lerouge@medecin.mssante.fr", "10009123456", "3", "381234567800012", "", "DR", "LEROUGE", "Zoé", "10", "Médecin", "SM26", "Qualifié en Médecine Générale", "true", CAB_PARIS),
    # The same address twice (REQ-29: about 169 addresses do this in the real file).
    mss("PER", "Jean.Dupont@medecin.mssante.fr", "10001234567", "3", "381234567800012", "", "DR", "DUPONT", "Jean", "10", "Médecin", "SM26", "Qualifié en Médecine Générale", "true", CAB_PARIS),
]
liste_rouge = [
    mss("PER", "zoe.lerouge@medecin.mssante.fr", "10009123456", "3", "381234567800012", "", "DR", "LEROUGE", "Zoé", "10", "Médecin", "SM26", "Qualifié en Médecine Générale", "true", CAB_PARIS),
    mss("PER", "noemie.peres@chu-lyon.mssante.fr", "10005678912", "1", "1690781810", "Maternité", "", "PÉRÈS", "Noémie", "50", "Sage-Femme", "", "", "true", CHU_LYON),
]

def write(name, header, lines, encoding="utf-8"):
    with open(name, "w", encoding=encoding, newline="") as f:
        f.write(header + "\r\n")
        for l in lines:
            f.write(l + "\r\n")

write("PS_LibreAcces_Personne_activite_202611210300.txt", PS_HEADER, rows)
write("latin1/PS_LibreAcces_Personne_activite_202611210300.txt", PS_HEADER, rows, "latin-1")
write("Extraction_Correspondance_MSSante_202611210300.txt", MSS_HEADER, boxes)
write("Caducee_BAL_ListeRouge_202611210300.txt", MSS_HEADER, liste_rouge)
with zipfile.ZipFile("PS_LibreAcces_202611210300.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write("PS_LibreAcces_Personne_activite_202611210300.txt")
    z.writestr("PS_LibreAcces_SavoirFaire_202611210300.txt", "Type d'identifiant PP|Identifiant PP|\r\n")

# Malformed: line 3 has a 4-digit postal code (column 36), line 5 lost its last column (55 columns),
# line 6 has a letter in the profession code (column 10). Lines 2, 4 and 7.. are valid.
bad = list(rows[:6])
f = bad[1].split("|"); f[35] = "6900"; bad[1] = "|".join(f)
f = bad[3].split("|"); bad[3] = "|".join(f[:55]) + "|"
f = bad[4].split("|"); f[9] = "1O"; bad[4] = "|".join(f)
write("malformed/PS_LibreAcces_Personne_activite_202611210300.txt", PS_HEADER, bad)
