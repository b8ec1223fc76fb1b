// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Search;

namespace Caducee.Annuaire.Generation;

/// <summary>The files written by <see cref="DirectoryGenerator.Generate"/>.</summary>
public sealed record GeneratedDirectory(
    string PersonneActivitePath,
    string CorrespondanceMssantePath,
    string ListeRougePath,
    int Professionals,
    long ActivityRows,
    long MailboxRows,
    long ListeRougeRows)
{
    /// <summary>The three files as import sources.</summary>
    public DirectoryImportSources Sources => new(PersonneActivitePath, CorrespondanceMssantePath, ListeRougePath);
}

/// <summary>
/// Writes realistic national extraction files (exact PS_LibreAcces and MSSanté formats) for tests, demos
/// and benchmarks. The output is byte-for-byte deterministic for a given (professionals, seed).
/// Shares: 88/10/2 % of professionals have 1/2/3 activities; 35/50/15 % have 0/1/2 personal BAL; 3 % of
/// personal BAL and 2 % of ORG BAL are liste rouge (written to the Caducée liste-rouge file only, as the
/// national extraction never carries them); about 30 % of establishments have ORG BAL.
/// </summary>
public static class DirectoryGenerator
{
    private const char Sep = '|';

    public static GeneratedDirectory Generate(int professionals, string outDir, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(professionals);
        System.IO.Directory.CreateDirectory(outDir);
        var stamp = string.Create(CultureInfo.InvariantCulture, $"2026{1 + Math.Abs(seed % 12):00}{1 + Math.Abs(seed % 28):00}0300");
        var psPath = Path.Combine(outDir, $"{DirectoryImportSources.PersonneActivitePrefix}_{stamp}.txt");
        var mssPath = Path.Combine(outDir, $"{DirectoryImportSources.CorrespondancePrefix}_{stamp}.txt");
        var lrPath = Path.Combine(outDir, $"{DirectoryImportSources.ListeRougePrefix}_{stamp}.txt");

        var rng = new Random(seed);
        var world = new World(rng, professionals);
        var encoding = new UTF8Encoding(false);
        using var ps = new StreamWriter(psPath, false, encoding, 1 << 20) { NewLine = "\n" };
        using var mss = new StreamWriter(mssPath, false, encoding, 1 << 20) { NewLine = "\n" };
        using var lr = new StreamWriter(lrPath, false, encoding, 1 << 16) { NewLine = "\n" };
        ps.WriteLine(PsLibreAccesFormat.HeaderLine);
        mss.WriteLine(MssanteExtractionFormat.HeaderLine);
        lr.WriteLine(MssanteExtractionFormat.HeaderLine);

        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var line = new StringBuilder(1024);
        long activityRows = 0, mailboxRows = 0, listeRougeRows = 0;
        long rppsBody = 1_000_000_000;
        var used = new HashSet<Structure>(ReferenceEqualityComparer.Instance);
        for (var n = 0; n < professionals; n++)
        {
            rppsBody += rng.Next(1, 40);
            var rpps = WithLuhn(rppsBody.ToString(CultureInfo.InvariantCulture));
            var female = rng.NextDouble() < 0.55;
            var family = world.Surname();
            var given = female ? Pick(rng, FrenchData.FemaleGiven) : Pick(rng, FrenchData.MaleGiven);
            var profession = PickWeighted(rng, FrenchData.Professions, p => p.Weight);
            var activities = Roll(rng, 0.88, 0.10) + 1;
            var first = default(Structure);
            used.Clear();
            (string Code, string Label)? firstSavoirFaire = null;
            for (var a = 0; a < activities; a++)
            {
                var liberal = profession.Code != "96" && rng.NextDouble() < (profession.Code == "60" ? 0.35 : 0.6);
                var structure = world.StructureFor(profession.Code, liberal);
                for (var retry = 0; retry < 8 && used.Contains(structure); retry++)
                {
                    structure = world.StructureFor(profession.Code, liberal); // a second activity is elsewhere
                }

                if (!used.Add(structure))
                {
                    break;
                }

                first ??= structure;
                var savoirFaire = SavoirFaire(rng, profession.Code);
                firstSavoirFaire ??= savoirFaire;
                line.Clear();
                AppendPs(line, rpps, female, family, given, profession, savoirFaire, liberal, structure);
                ps.WriteLine(line);
                activityRows++;
            }

            var boxes = Roll(rng, 0.35, 0.50);
            for (var b = 0; b < boxes; b++)
            {
                var domain = b == 0 && first!.Domain is { } own && rng.NextDouble() < 0.5 ? own : profession.Domain + ".mssante.fr";
                if (b == 1 && first!.Domain is { } other && !domain.Equals(other, StringComparison.Ordinal))
                {
                    domain = other;
                }

                var address = UniqueAddress(addresses, Slug(given, '-') + "." + Slug(family, '-'), domain);
                line.Clear();
                AppendMssPer(line, address, rpps, female, family, given, profession, firstSavoirFaire, first!, rng.NextDouble() < 0.7);
                if (rng.NextDouble() < 0.03)
                {
                    lr.WriteLine(line);
                    listeRougeRows++;
                }
                else
                {
                    mss.WriteLine(line);
                    mailboxRows++;
                }
            }
        }

        foreach (var structure in world.Structures)
        {
            if (structure.Domain is null || rng.NextDouble() >= (structure.IsEstablishment ? 0.3 : 0.02))
            {
                continue;
            }

            var count = 1 + rng.Next(3);
            for (var b = 0; b < count; b++)
            {
                var s = rng.Next(FrenchData.Services.Length);
                var address = UniqueAddress(addresses, FrenchData.OrgLocalParts[s], structure.Domain);
                line.Clear();
                AppendMssOrg(line, address, FrenchData.Services[s], structure, rng.NextDouble() < 0.8);
                if (rng.NextDouble() < 0.02)
                {
                    lr.WriteLine(line);
                    listeRougeRows++;
                }
                else
                {
                    mss.WriteLine(line);
                    mailboxRows++;
                }
            }
        }

        return new GeneratedDirectory(psPath, mssPath, lrPath, professionals, activityRows, mailboxRows, listeRougeRows);
    }

    private static void AppendPs(
        StringBuilder l,
        string rpps,
        bool female,
        string family,
        string given,
        (string Code, string Label, double Weight, string Authority, bool Doctor, string Domain) profession,
        (string Code, string Label)? savoirFaire,
        bool liberal,
        Structure s)
    {
        var pharmacist = profession.Code == "21";
        l.Field("8").Field(rpps).Field("8" + rpps)
            .Field(profession.Doctor ? "DR" : "").Field(profession.Doctor ? "Docteur" : "")
            .Field(female ? "MME" : "M").Field(female ? "Madame" : "Monsieur")
            .Field(family).Field(given)
            .Field(profession.Code).Field(profession.Label).Field("C").Field("Civil")
            .Field(savoirFaire is null ? "" : "S").Field(savoirFaire is null ? "" : "Spécialité ordinale")
            .Field(savoirFaire?.Code ?? "").Field(savoirFaire?.Label ?? "")
            .Field(liberal ? "L" : "S").Field(liberal ? "Libéral, indépendant, artisan, commerçant" : "Salarié")
            .Field(s.Siret).Field(s.Siret[..9]).Field(s.FinessSite ?? "").Field(s.FinessEj ?? "").Field(s.Id)
            .Field(s.Name).Field(s.Enseigne ?? "").Field(s.Recipient ?? "").Field("")
            .Field(s.Number).Field(s.Repetition ?? "").Field(s.StreetTypeCode).Field(s.StreetTypeLabel).Field(s.StreetName)
            .Field("").Field(s.Cedex ?? "").Field(s.PostalCode).Field(s.Commune.Insee).Field(s.Commune.City.ToUpperInvariant())
            .Field("").Field("").Field(s.Phone).Field("").Field("").Field("")
            .Field(s.Commune.Dept).Field(s.Commune.DeptLabel).Field("").Field($"{profession.Authority}/{profession.Authority}/{profession.Authority}")
            .Field(s.SectorCode).Field(s.SectorLabel)
            .Field(pharmacist ? (liberal ? "A" : "D") : "").Field(pharmacist ? (liberal ? "Pharmacien titulaire d'officine" : "Pharmacien adjoint et autres") : "")
            .Field(liberal ? "FON-05" : "FON-01").Field(liberal ? "Titulaire de cabinet" : "Professionnel salarié")
            .Field("GENR01").Field("Activité standard de soin ou de pharmacien");
    }

    private static void AppendMssPer(
        StringBuilder l,
        string address,
        string rpps,
        bool female,
        string family,
        string given,
        (string Code, string Label, double Weight, string Authority, bool Doctor, string Domain) profession,
        (string Code, string Label)? savoirFaire,
        Structure s,
        bool dematerialisation)
    {
        _ = female;
        l.Append("PER").Append(Sep).Append(address).Append(Sep).Append('8').Append(Sep).Append(rpps).Append(Sep).Append('8').Append(rpps).Append(Sep);
        l.Append(s.IsEstablishment ? "1" : "3").Append(Sep).Append(s.IsEstablishment ? "1" + s.FinessSite : "3" + s.Siret).Append(Sep)
            .Append(Sep) // service de rattachement
            .Append(profession.Doctor ? "DR" : "").Append(Sep).Append(family).Append(Sep).Append(given).Append(Sep)
            .Append('C').Append(Sep).Append("Civil").Append(Sep).Append(profession.Code).Append(Sep).Append(profession.Label).Append(Sep)
            .Append(savoirFaire?.Code).Append(Sep).Append(savoirFaire?.Label).Append(Sep).Append(dematerialisation ? "true" : "false").Append(Sep);
        AppendMssStructure(l, s);
    }

    private static void AppendMssOrg(StringBuilder l, string address, string service, Structure s, bool dematerialisation)
    {
        l.Append("ORG").Append(Sep).Append(address).Append(Sep).Append(Sep).Append(Sep).Append(Sep)
            .Append(s.IsEstablishment ? "1" : "3").Append(Sep).Append(s.IsEstablishment ? "1" + s.FinessSite : "3" + s.Siret).Append(Sep)
            .Append(service).Append(Sep).Append(Sep).Append(Sep).Append(Sep).Append(Sep).Append(Sep).Append(Sep).Append(Sep).Append(Sep).Append(Sep)
            .Append(dematerialisation ? "true" : "false").Append(Sep);
        AppendMssStructure(l, s);
    }

    private static void AppendMssStructure(StringBuilder l, Structure s)
    {
        l.Append(s.Name).Append(Sep).Append(s.Enseigne).Append(Sep).Append(s.Recipient).Append(Sep).Append(Sep)
            .Append(s.Number).Append(Sep).Append(s.Repetition).Append(Sep).Append(s.StreetTypeCode).Append(Sep).Append(s.StreetName).Append(Sep)
            .Append(Sep).Append(s.PostalCode).Append(' ').Append(s.Commune.City.ToUpperInvariant()).Append(Sep)
            .Append(s.PostalCode).Append(Sep).Append(s.Commune.Dept).Append(Sep).Append("France");
    }

    private static (string Code, string Label)? SavoirFaire(Random rng, string profession)
    {
        if (profession == "10")
        {
            var s = PickWeighted(rng, FrenchData.MedicalSpecialties, x => x.Weight);
            return (s.Code, s.Label);
        }

        if (profession == "40")
        {
            var r = rng.NextDouble();
            var acc = 0.0;
            foreach (var s in FrenchData.DentalSpecialties)
            {
                acc += s.Weight;
                if (r < acc)
                {
                    return (s.Code, s.Label);
                }
            }
        }

        return null;
    }

    private static string UniqueAddress(HashSet<string> used, string local, string domain)
    {
        var address = local + "@" + domain;
        for (var n = 2; !used.Add(address); n++)
        {
            address = local + n.ToString(CultureInfo.InvariantCulture) + "@" + domain;
        }

        return address;
    }

    /// <summary>ASCII slug for mailbox local parts and domains: "Lévêque-D'Almeida" → "leveque-dalmeida".</summary>
    internal static string Slug(string text, char space)
    {
        var folded = TextNormalizer.Normalize(text.Replace("'", "", StringComparison.Ordinal));
        return folded.Replace(' ', space);
    }

    private static int Roll(Random rng, double p0, double p1)
    {
        var r = rng.NextDouble();
        return r < p0 ? 0 : r < p0 + p1 ? 1 : 2;
    }

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static T PickWeighted<T>(Random rng, T[] items, Func<T, double> weight)
    {
        var total = 0.0;
        foreach (var item in items)
        {
            total += weight(item);
        }

        var r = rng.NextDouble() * total;
        foreach (var item in items)
        {
            r -= weight(item);
            if (r < 0)
            {
                return item;
            }
        }

        return items[^1];
    }

    /// <summary>Appends the Luhn check digit (RPPS, SIREN, SIRET and FINESS use the Luhn key).</summary>
    internal static string WithLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return digits + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }

    internal static bool IsLuhnValid(string digits) => digits.Length > 1 && WithLuhn(digits[..^1]) == digits;

    private sealed class Structure
    {
        public required string Id { get; init; }

        public required string Siret { get; init; }

        public string? FinessSite { get; init; }

        public string? FinessEj { get; init; }

        public required string Name { get; init; }

        public string? Enseigne { get; init; }

        public string? Recipient { get; init; }

        public required string Number { get; init; }

        public string? Repetition { get; init; }

        public required string StreetTypeCode { get; init; }

        public required string StreetTypeLabel { get; init; }

        public required string StreetName { get; init; }

        public string? Cedex { get; init; }

        public required string PostalCode { get; init; }

        public required (string City, string PostalCode, string Insee, string Dept, string DeptLabel, double Weight) Commune { get; init; }

        public required string Phone { get; init; }

        public required string SectorCode { get; init; }

        public required string SectorLabel { get; init; }

        public string? Domain { get; init; }

        public bool IsEstablishment { get; init; }
    }

    /// <summary>Structure pools and name generators, all driven by the one seeded random source.</summary>
    private sealed class World
    {
        private readonly Random _rng;
        private readonly double[] _communeCumulative;
        private readonly double[] _surnameCumulative;
        private readonly Structure?[] _establishments;
        private readonly Structure?[] _cabinets;
        private readonly Structure?[] _officines;
        private long _sirenBody = 30_000_000;
        private long _finessBody = 100_000;

        public World(Random rng, int professionals)
        {
            _rng = rng;
            _communeCumulative = Cumulative(FrenchData.Communes.Select(c => c.Weight));
            _surnameCumulative = Cumulative(FrenchData.Surnames.Select((_, i) => 1.0 / (i + 8)));
            _establishments = new Structure?[Math.Max(5, professionals / 250)];
            _cabinets = new Structure?[Math.Max(10, professionals / 3)];
            _officines = new Structure?[Math.Max(3, professionals / 60)];
        }

        public IEnumerable<Structure> Structures => _establishments.Concat(_officines).Concat(_cabinets).OfType<Structure>();

        /// <summary>Half the surnames come from the common list (Zipf-weighted), half are composed from French syllables.</summary>
        public string Surname()
        {
            string name;
            if (_rng.NextDouble() < 0.5)
            {
                var i = Array.BinarySearch(_surnameCumulative, _rng.NextDouble() * _surnameCumulative[^1]);
                name = FrenchData.Surnames[Math.Min(i < 0 ? ~i : i, FrenchData.Surnames.Length - 1)];
            }
            else
            {
                name = Pick(_rng, FrenchData.SurnameStarts) + Pick(_rng, FrenchData.SurnameMiddles) + Pick(_rng, FrenchData.SurnameEnds);
                name = name.Replace("--", "-", StringComparison.Ordinal);
            }

            if (_rng.NextDouble() < 0.03)
            {
                name += "-" + FrenchData.Surnames[_rng.Next(FrenchData.Surnames.Length)];
            }

            return name.ToUpper(CultureInfo.InvariantCulture);
        }

        public Structure StructureFor(string profession, bool liberal)
        {
            if (profession == "21")
            {
                return Slot(_officines, () => NewStructure(kind: 2));
            }

            return liberal ? Slot(_cabinets, () => NewStructure(kind: 1)) : Slot(_establishments, () => NewStructure(kind: 0));
        }

        private Structure Slot(Structure?[] pool, Func<Structure> create)
        {
            var i = _rng.Next(pool.Length);
            return pool[i] ??= create();
        }

        private Structure NewStructure(int kind)
        {
            var commune = FrenchData.Communes[Math.Min(FrenchData.Communes.Length - 1, Index(_communeCumulative, _rng.NextDouble()))];
            var postal = commune.PostalCode;
            var insee = commune.Insee;
            if (commune.City == "Paris")
            {
                var arrondissement = 1 + _rng.Next(20);
                postal = string.Create(CultureInfo.InvariantCulture, $"750{arrondissement:00}");
                insee = string.Create(CultureInfo.InvariantCulture, $"751{arrondissement:00}");
            }
            else if (commune.City is "Lyon" or "Marseille")
            {
                var arrondissement = 1 + _rng.Next(commune.City == "Lyon" ? 9 : 16);
                postal = commune.PostalCode[..3] + arrondissement.ToString("00", CultureInfo.InvariantCulture);
                insee = commune.Insee[..3] + (int.Parse(commune.Insee[3..], CultureInfo.InvariantCulture) + arrondissement - 1).ToString("00", CultureInfo.InvariantCulture);
            }

            _sirenBody += 1 + _rng.Next(50);
            var siren = WithLuhn(_sirenBody.ToString("00000000", CultureInfo.InvariantCulture));
            var siret = WithLuhn(siren + (1 + _rng.Next(90)).ToString("0000", CultureInfo.InvariantCulture));
            var street = FrenchData.StreetTypes[_rng.Next(FrenchData.StreetTypes.Length)];
            var streetName = FrenchData.StreetNames[_rng.Next(FrenchData.StreetNames.Length)];
            var citySlug = Slug(commune.City, '-');
            string? finess = null, finessEj = null, domain = null, enseigne = null;
            string name, sector, sectorLabel, id;
            var dept = commune.Dept.Length == 3 ? commune.Dept[..2] : commune.Dept;
            switch (kind)
            {
                case 0:
                    _finessBody += 1 + _rng.Next(30);
                    finess = WithLuhn(dept + _finessBody.ToString("000000", CultureInfo.InvariantCulture));
                    finessEj = WithLuhn(dept + (_finessBody + 1).ToString("000000", CultureInfo.InvariantCulture));
                    var kindRoll = _rng.Next(4);
                    (name, sector, sectorLabel, domain) = kindRoll switch
                    {
                        0 => ($"CENTRE HOSPITALIER DE {commune.City.ToUpperInvariant()}", "SA01", "Etablissement public de santé", $"ch-{citySlug}.mssante.fr"),
                        1 => ($"CHU {commune.City.ToUpperInvariant()} SITE {FrenchData.StreetNames[_rng.Next(FrenchData.StreetNames.Length)].ToUpperInvariant()}", "SA01", "Etablissement public de santé", $"chu-{citySlug}.mssante.fr"),
                        2 => ($"CLINIQUE {FrenchData.Surnames[_rng.Next(FrenchData.Surnames.Length)].ToUpperInvariant()}", "SA02", "Etablissement privé non PSPH", $"clinique-{citySlug}-{_finessBody % 1000}.mssante.fr"),
                        _ => ($"EHPAD LES {FrenchData.StreetNames[_rng.Next(FrenchData.StreetNames.Length)].ToUpperInvariant()}", "SA52", "Etablissement pour personnes âgées", null),
                    };
                    id = "F" + finess;
                    break;
                case 2:
                    _finessBody += 1 + _rng.Next(30);
                    finess = WithLuhn(dept + _finessBody.ToString("000000", CultureInfo.InvariantCulture));
                    name = $"PHARMACIE {FrenchData.StreetNames[_rng.Next(FrenchData.StreetNames.Length)].ToUpperInvariant()}";
                    enseigne = "Pharmacie " + streetName;
                    (sector, sectorLabel) = ("SA33", "Officine");
                    id = "F" + finess;
                    domain = _rng.NextDouble() < 0.3 ? $"pharmacie-{citySlug}-{_finessBody % 10000}.mssante.fr" : null;
                    break;
                default:
                    var group = _rng.NextDouble() < 0.4;
                    name = group ? $"CABINET MEDICAL {FrenchData.StreetNames[_rng.Next(FrenchData.StreetNames.Length)].ToUpperInvariant()}" : "CABINET";
                    (sector, sectorLabel) = group ? ("SA08", "Cabinet de groupe") : ("SA07", "Cabinet individuel");
                    id = "S" + siret;
                    domain = group && _rng.NextDouble() < 0.2 ? $"cabinet-{citySlug}-{_sirenBody % 100000}.mssante.fr" : null;
                    break;
            }

            return new Structure
            {
                Id = id,
                Siret = siret,
                FinessSite = finess,
                FinessEj = finessEj,
                Name = name,
                Enseigne = enseigne,
                Recipient = _rng.NextDouble() < 0.1 ? "BATIMENT " + (char)('A' + _rng.Next(6)) : null,
                Number = (1 + _rng.Next(150)).ToString(CultureInfo.InvariantCulture),
                Repetition = _rng.NextDouble() < 0.05 ? "B" : null,
                StreetTypeCode = street.Code,
                StreetTypeLabel = street.Label,
                StreetName = streetName,
                Cedex = kind == 0 && _rng.NextDouble() < 0.3 ? $"{postal} {commune.City.ToUpperInvariant()} CEDEX" : null,
                PostalCode = postal,
                Commune = commune with { Insee = insee },
                Phone = "0" + (1 + _rng.Next(5)).ToString(CultureInfo.InvariantCulture) + _rng.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
                SectorCode = sector,
                SectorLabel = sectorLabel,
                Domain = domain,
                IsEstablishment = kind != 1,
            };
        }

        private static double[] Cumulative(IEnumerable<double> weights)
        {
            var list = new List<double>();
            var total = 0.0;
            foreach (var w in weights)
            {
                total += w;
                list.Add(total);
            }

            return list.ToArray();
        }

        private int Index(double[] cumulative, double r)
        {
            _ = _rng;
            var i = Array.BinarySearch(cumulative, r * cumulative[^1]);
            return i < 0 ? ~i : i;
        }
    }
}

/// <summary>Appends one '|' terminated field.</summary>
internal static class RowBuilderExtensions
{
    public static StringBuilder Field(this StringBuilder builder, string? value) => builder.Append(value).Append('|');
}
