// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Generation;

/// <summary>
/// Reference data for the generator: common French names (with their accents), communes with postal and
/// INSEE codes, and the national code sets (TRE_G15 professions; savoir-faire codes; sectors). Profession
/// codes 10/21/26/28/40/50/60/70/80/91/92/94/95/96 and SM26/SM54 follow the brief; the other savoir-faire,
/// rôle and genre codes are plausible placeholders to be checked against the NOS tables before any use
/// beyond tests and benchmarks.
/// </summary>
internal static class FrenchData
{
    public static readonly string[] Surnames = Split(
        "Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|Simon|Michel|Lefèvre|Leroy|Roux|David|" +
        "Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Vincent|Müller|Lefebvre|Faure|André|Mercier|" +
        "Blanc|Guérin|Boyer|Garnier|Chevalier|François|Legrand|Gauthier|Garcia|Perrin|Robin|Clément|Morin|Nicolas|Henry|" +
        "Roussel|Mathieu|Gautier|Masson|Marchand|Duval|Denis|Dumont|Marie|Lemaire|Noël|Meyer|Dufour|Meunier|Brun|Blanchard|" +
        "Giraud|Joly|Rivière|Lucas|Brunet|Gaillard|Barbier|Arnaud|Martinez|Gérard|Roche|Renard|Schmitt|Roy|Leroux|Colin|" +
        "Vidal|Caron|Picard|Roger|Fabre|Aubert|Lemoine|Renaud|Dumas|Lacroix|Olivier|Philippe|Bourgeois|Pierre|Benoît|Rey|" +
        "Leclerc|Payet|Rolland|Leclercq|Guillaume|Lecomte|Lopez|Jean|Dupuy|Guillot|Hubert|Berger|Carpentier|Sanchez|Dupuis|" +
        "Moulin|Louis|Deschamps|Huet|Vasseur|Perez|Boucher|Fleury|Royer|Klein|Jacquet|Adam|Paris|Poirier|Marty|Aubry|" +
        "Guyot|Carré|Charles|Renault|Charpentier|Ménard|Maillard|Baron|Bertin|Bailly|Hervé|Schneider|Fernandez|Le Goff|" +
        "Le Gall|Collet|Léger|Bouvier|Julien|Prévost|Millet|Perrot|Daniel|Le Roux|Cousin|Germain|Breton|Besson|Langlois|" +
        "Rémy|Le Bihan|Pelletier|Lévêque|Perrier|Leblanc|Barré|Lebrun|Marchal|Weber|Mallet|Hamon|Boulanger|Jacob|Monnier|" +
        "Michaud|Rodriguez|Guichard|Gillet|Étienne|Grondin|Poulain|Tessier|Chevallier|Collin|Chauvin|Da Silva|Bouchet|Gay|" +
        "Lemaître|Bénard|Maréchal|Humbert|Reynaud|Antoine|Hoarau|Perret|Barthélemy|Cordier|Pichon|Lejeune|Gilbert|Lamy|" +
        "Delaunay|Pasquier|Carlier|Laporte|N'Diaye|D'Almeida|Dos Santos|Lagarde|Thébault|Pagès|Hébert|Régnier|Chrétien|Béranger");

    public static readonly string[] SurnameStarts = Split(
        "Ber|Bou|Cha|Del|Des|Du|Fer|Gar|Gui|Jou|Lab|Lam|Lar|Lav|Mal|Mar|Mon|Mor|Pel|Per|Ril|Roc|Sal|Tes|Val|Ver|Vil|Bré|Clé|" +
        "Fé|Gré|Lé|Mé|Pé|Ré|Thé|Vé|Beau|Bel|Cour|Fon|Gro|Haut|Mont|Pont|Roch|Saint-|Tour|Cham|Ger|Ma|Ro|Li|Pa");

    public static readonly string[] SurnameMiddles = Split("|||la|ri|ne|va|mi|lo|ché|gè|ro|bo|nau|can|dé|llé|rou|zon");

    public static readonly string[] SurnameEnds = Split(
        "ard|ault|aud|eau|el|er|et|ier|in|on|ot|oux|ou|and|ant|ais|ès|èze|ey|ie|illon|oin|ois|ec|ac|ic|at|as|ieux|ière|eix|elle|ène");

    public static readonly string[] FemaleGiven = Split(
        "Marie|Nathalie|Isabelle|Sylvie|Catherine|Françoise|Christine|Sandrine|Céline|Valérie|Stéphanie|Sophie|Véronique|" +
        "Aurélie|Julie|Émilie|Camille|Léa|Chloé|Manon|Inès|Sarah|Laura|Pauline|Mathilde|Claire|Anne|Hélène|Élodie|Mélanie|" +
        "Virginie|Delphine|Laëtitia|Agnès|Béatrice|Cécile|Gaëlle|Maëlle|Anaïs|Zoé|Noémie|Clémence|Océane|Héloïse|Joséphine|" +
        "Marion|Marine|Margaux|Lucie|Charlotte|Juliette|Louise|Alice|Jeanne|Élise|Brigitte|Danièle|Geneviève|Monique|Odile|" +
        "Marie-Claire|Anne-Sophie|Marie-Hélène|Bérénice|Maïté|Ségolène");

    public static readonly string[] MaleGiven = Split(
        "Jean|Pierre|Michel|Philippe|Alain|Nicolas|Christophe|Patrick|Stéphane|Laurent|Frédéric|Sébastien|Julien|David|" +
        "Olivier|Éric|Thierry|Jérôme|François|Pascal|Daniel|Bernard|Thomas|Alexandre|Maxime|Antoine|Hugo|Lucas|Louis|Léo|" +
        "Gabriel|Raphaël|Arthur|Mathéo|Théo|Noé|Clément|Benoît|Loïc|Gaël|Yannick|Hervé|Rémi|Cédric|Jérémy|Grégoire|Benjamin|" +
        "Vincent|Guillaume|Romain|Mathieu|Marc|Marcel|Gérard|Henri|André|René|Joël|Noël|Jean-Pierre|Jean-François|" +
        "Jean-Michel|Pierre-Yves|Jean-Noël|Aurélien|Timothée|Anthony|Bruno");

    /// <summary>Professions: code, label, relative weight, registration authority, practice civility (DR or empty).</summary>
    public static readonly (string Code, string Label, double Weight, string Authority, bool Doctor, string Domain)[] Professions =
    [
        ("60", "Infirmier", 0.40, "ONI", false, "infirmier"),
        ("10", "Médecin", 0.17, "CNOM", true, "medecin"),
        ("70", "Masseur-Kinésithérapeute", 0.08, "CNOMK", false, "masseur-kinesitherapeute"),
        ("21", "Pharmacien", 0.06, "CNOP", true, "pharmacien"),
        ("40", "Chirurgien-Dentiste", 0.035, "ONCD", true, "chirurgien-dentiste"),
        ("50", "Sage-Femme", 0.02, "CNOSF", false, "sagefemme"),
        ("91", "Orthophoniste", 0.02, "ARS", false, "orthophoniste"),
        ("28", "Opticien-Lunetier", 0.03, "ARS", false, "opticien"),
        ("96", "Manipulateur ERM", 0.02, "ARS", false, "manipulateur"),
        ("94", "Ergothérapeute", 0.015, "ARS", false, "ergotherapeute"),
        ("80", "Pédicure-Podologue", 0.01, "ONPP", false, "podologue"),
        ("95", "Psychomotricien", 0.01, "ARS", false, "psychomotricien"),
        ("92", "Orthoptiste", 0.005, "ARS", false, "orthoptiste"),
        ("26", "Audioprothésiste", 0.003, "ARS", false, "audioprothesiste"),
    ];

    /// <summary>Savoir-faire (spécialités ordinales) for médecins, with weights.</summary>
    public static readonly (string Code, string Label, double Weight)[] MedicalSpecialties =
    [
        ("SM26", "Qualifié en Médecine Générale", 0.40),
        ("SM53", "Spécialiste en Médecine Générale", 0.08),
        ("SM54", "Cardiologie et maladies vasculaires", 0.05),
        ("SM02", "Anesthésie-réanimation", 0.06),
        ("SM15", "Dermatologie et vénéréologie", 0.03),
        ("SM24", "Gastro-entérologie et hépatologie", 0.02),
        ("SM36", "Gynécologie-obstétrique", 0.04),
        ("SM38", "Ophtalmologie", 0.04),
        ("SM40", "Pédiatrie", 0.05),
        ("SM41", "Pneumologie", 0.02),
        ("SM42", "Psychiatrie", 0.07),
        ("SM44", "Radio-diagnostic", 0.05),
        ("SM50", "Rhumatologie", 0.02),
        ("SM45", "Oto-rhino-laryngologie", 0.02),
        ("SM30", "Neurologie", 0.02),
    ];

    public static readonly (string Code, string Label, double Weight)[] DentalSpecialties =
    [
        ("SCD01", "Orthopédie dento-faciale", 0.05),
        ("SCD02", "Chirurgie orale", 0.02),
        ("SCD03", "Médecine bucco-dentaire", 0.01),
    ];

    public static readonly (string Code, string Label)[] StreetTypes =
    [
        ("R", "Rue"), ("AV", "Avenue"), ("BD", "Boulevard"), ("PL", "Place"), ("CHE", "Chemin"), ("ALL", "Allée"),
        ("IMP", "Impasse"), ("QU", "Quai"), ("RTE", "Route"), ("CRS", "Cours"),
    ];

    public static readonly string[] StreetNames = Split(
        "de la République|Victor Hugo|Jean Jaurès|du Général de Gaulle|Pasteur|des Écoles|de l'Église|Gambetta|Jules Ferry|" +
        "du Maréchal Foch|Émile Zola|de la Gare|Saint-Michel|des Tilleuls|Anatole France|Voltaire|de Verdun|du 8 Mai 1945|" +
        "de Bretagne|Molière|Léon Blum|Georges Clemenceau|de la Liberté|des Lilas|Carnot|du Château|de la Mairie|Paul Bert|" +
        "Louis Pasteur|Aristide Briand|de l'Hôpital|Sainte-Catherine|des Frères Lumière|de Lattre de Tassigny|Édouard Herriot|" +
        "du Faubourg Saint-Honoré|de la Paix|des Acacias|Hélène Boucher|Simone Veil|Marie Curie|Jean Moulin|de la Croix-Rousse");

    /// <summary>Communes: name, postal code (first of the commune), INSEE code, department code and label, weight.</summary>
    public static readonly (string City, string PostalCode, string Insee, string Dept, string DeptLabel, double Weight)[] Communes = ParseCommunes(
        "Paris|75001|75101|75|Paris|21.0;" +
        "Marseille|13001|13201|13|Bouches-du-Rhône|8.7;Lyon|69001|69381|69|Rhône|5.2;Toulouse|31000|31555|31|Haute-Garonne|4.9;" +
        "Nice|06000|06088|06|Alpes-Maritimes|3.4;Nantes|44000|44109|44|Loire-Atlantique|3.2;Montpellier|34000|34172|34|Hérault|3.0;" +
        "Strasbourg|67000|67482|67|Bas-Rhin|2.9;Bordeaux|33000|33063|33|Gironde|2.6;Lille|59000|59350|59|Nord|2.3;" +
        "Rennes|35000|35238|35|Ille-et-Vilaine|2.2;Reims|51100|51454|51|Marne|1.8;Saint-Étienne|42000|42218|42|Loire|1.7;" +
        "Le Havre|76600|76351|76|Seine-Maritime|1.7;Toulon|83000|83137|83|Var|1.7;Grenoble|38000|38185|38|Isère|1.6;" +
        "Dijon|21000|21231|21|Côte-d'Or|1.6;Angers|49000|49007|49|Maine-et-Loire|1.5;Nîmes|30000|30189|30|Gard|1.5;" +
        "Villeurbanne|69100|69266|69|Rhône|1.5;Clermont-Ferrand|63000|63113|63|Puy-de-Dôme|1.5;Le Mans|72000|72181|72|Sarthe|1.4;" +
        "Aix-en-Provence|13090|13001|13|Bouches-du-Rhône|1.4;Brest|29200|29019|29|Finistère|1.4;Tours|37000|37261|37|Indre-et-Loire|1.4;" +
        "Amiens|80000|80021|80|Somme|1.3;Limoges|87000|87085|87|Haute-Vienne|1.3;Annecy|74000|74010|74|Haute-Savoie|1.3;" +
        "Perpignan|66000|66136|66|Pyrénées-Orientales|1.2;Besançon|25000|25056|25|Doubs|1.2;Metz|57000|57463|57|Moselle|1.2;" +
        "Orléans|45000|45234|45|Loiret|1.2;Rouen|76000|76540|76|Seine-Maritime|1.1;Mulhouse|68100|68224|68|Haut-Rhin|1.1;" +
        "Caen|14000|14118|14|Calvados|1.1;Nancy|54000|54395|54|Meurthe-et-Moselle|1.0;Argenteuil|95100|95018|95|Val-d'Oise|1.0;" +
        "Montreuil|93100|93048|93|Seine-Saint-Denis|1.0;Saint-Denis|93200|93066|93|Seine-Saint-Denis|1.0;Roubaix|59100|59512|59|Nord|0.9;" +
        "Avignon|84000|84007|84|Vaucluse|0.9;Poitiers|86000|86194|86|Vienne|0.9;Pau|64000|64445|64|Pyrénées-Atlantiques|0.8;" +
        "La Rochelle|17000|17300|17|Charente-Maritime|0.8;Ajaccio|20000|2A004|2A|Corse-du-Sud|0.5;Bastia|20200|2B033|2B|Haute-Corse|0.4;" +
        "Fort-de-France|97200|97209|972|Martinique|0.6;Saint-Denis|97400|97411|974|La Réunion|0.9;Cayenne|97300|97302|973|Guyane|0.4;" +
        "Versailles|78000|78646|78|Yvelines|0.9;Nanterre|92000|92050|92|Hauts-de-Seine|0.9;Boulogne-Billancourt|92100|92012|92|Hauts-de-Seine|1.0;" +
        "Créteil|94000|94028|94|Val-de-Marne|0.9;Quimper|29000|29232|29|Finistère|0.6;Vannes|56000|56260|56|Morbihan|0.6;" +
        "Chambéry|73000|73065|73|Savoie|0.6;Valence|26000|26362|26|Drôme|0.6;Colmar|68000|68066|68|Haut-Rhin|0.6;" +
        "Troyes|10000|10387|10|Aube|0.6;Béziers|34500|34032|34|Hérault|0.7;Bayonne|64100|64102|64|Pyrénées-Atlantiques|0.5;" +
        "Saint-Malo|35400|35288|35|Ille-et-Vilaine|0.5;Cergy|95000|95127|95|Val-d'Oise|0.6;Melun|77000|77288|77|Seine-et-Marne|0.4;" +
        "Lorient|56100|56121|56|Morbihan|0.5;Niort|79000|79191|79|Deux-Sèvres|0.5;Bourges|18000|18033|18|Cher|0.5;" +
        "Blois|41000|41018|41|Loir-et-Cher|0.4;Chartres|28000|28085|28|Eure-et-Loir|0.4;Laval|53000|53130|53|Mayenne|0.4;" +
        "Saint-Brieuc|22000|22278|22|Côtes-d'Armor|0.4;Beauvais|60000|60057|60|Oise|0.5;Angoulême|16000|16015|16|Charente|0.4;" +
        "La Roche-sur-Yon|85000|85191|85|Vendée|0.5;Périgueux|24000|24322|24|Dordogne|0.3;Agen|47000|47001|47|Lot-et-Garonne|0.3;" +
        "Albi|81000|81004|81|Tarn|0.4;Montauban|82000|82121|82|Tarn-et-Garonne|0.5;Tarbes|65000|65440|65|Hautes-Pyrénées|0.4;" +
        "Carcassonne|11000|11069|11|Aude|0.4;Rodez|12000|12202|12|Aveyron|0.2;Épinal|88000|88160|88|Vosges|0.3;" +
        "Belfort|90000|90010|90|Territoire de Belfort|0.4;Mâcon|71000|71270|71|Saône-et-Loire|0.3;Nevers|58000|58194|58|Nièvre|0.3;" +
        "Auxerre|89000|89024|89|Yonne|0.3;Évreux|27000|27229|27|Eure|0.4;Alençon|61000|61001|61|Orne|0.2;Gap|05000|05061|05|Hautes-Alpes|0.3;" +
        "Cahors|46000|46042|46|Lot|0.2;Aurillac|15000|15014|15|Cantal|0.2;Guéret|23000|23096|23|Creuse|0.1;Tulle|19000|19272|19|Corrèze|0.1;" +
        "Châteauroux|36000|36044|36|Indre|0.3;Vesoul|70000|70550|70|Haute-Saône|0.1;Bourg-en-Bresse|01000|01053|01|Ain|0.3;" +
        "Charleville-Mézières|08000|08105|08|Ardennes|0.3;Laon|02000|02408|02|Aisne|0.2;Saint-Quentin|02100|02691|02|Aisne|0.3;" +
        "Privas|07000|07186|07|Ardèche|0.1;Foix|09000|09122|09|Ariège|0.1;Mende|48000|48095|48|Lozère|0.1;" +
        "Lons-le-Saunier|39000|39300|39|Jura|0.1;Digne-les-Bains|04000|04070|04|Alpes-de-Haute-Provence|0.1;" +
        "Le Puy-en-Velay|43000|43157|43|Haute-Loire|0.1;Bar-le-Duc|55000|55029|55|Meuse|0.1;Mont-de-Marsan|40000|40192|40|Landes|0.2;" +
        "Auch|32000|32013|32|Gers|0.1;Châlons-en-Champagne|51000|51108|51|Marne|0.3");

    public static readonly string[] Services = Split(
        "Secrétariat médical|Cardiologie|Urgences|Pharmacie à usage intérieur|Laboratoire de biologie médicale|Radiologie|" +
        "Maternité|Pédiatrie|Oncologie|Consultations externes|Bureau des admissions|Gériatrie|Psychiatrie adulte|Chirurgie ambulatoire");

    public static readonly string[] OrgLocalParts = Split(
        "secretariat|cardiologie|urgences|pharmacie|laboratoire|radiologie|maternite|pediatrie|oncologie|consultations|" +
        "admissions|geriatrie|psychiatrie|ambulatoire");

    private static string[] Split(string text) => text.Split('|');

    private static (string, string, string, string, string, double)[] ParseCommunes(string text) => text
        .Split(';')
        .Select(entry => entry.Split('|'))
        .Select(p => (p[0], p[1], p[2], p[3], p[4], double.Parse(p[5], System.Globalization.CultureInfo.InvariantCulture)))
        .ToArray();
}
