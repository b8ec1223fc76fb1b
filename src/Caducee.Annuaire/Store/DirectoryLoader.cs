// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;
using Microsoft.Data.Sqlite;
using Mss = Caducee.Annuaire.Import.MssanteExtractionFormat;
using Ps = Caducee.Annuaire.Import.PsLibreAccesFormat;

namespace Caducee.Annuaire.Store;

/// <summary>
/// Builds the in-memory model from the stored rows: activities grouped by national id, structures shared
/// by id, published mailboxes attached to their owner. Liste-rouge addresses are dropped here, so they
/// never reach the search index or the FHIR output (REQ-24). Operators' publications take precedence over
/// the national extraction: a publication row for an address replaces the file's row for that address
/// (a withdrawn or liste-rouge publication hides it); the liste-rouge file hides an address whatever
/// publishes it.
/// </summary>
internal static class DirectoryLoader
{
    /// <summary>Optional sink for phase timings (benchmarks).</summary>
    internal static Action<string>? Trace { get; set; }

    /// <summary>Loads every table; with a <paramref name="transaction"/>, from one consistent snapshot.</summary>
    public static DirectoryIndex Load(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name)
        {
            Trace?.Invoke($"  load: {name} {stopwatch.Elapsed.TotalSeconds:F1} s (process so far: CPU {Environment.CpuUsage.TotalTime.TotalSeconds:F1} s, GC pause {GC.GetTotalPauseDuration().TotalSeconds:F1} s)");
            stopwatch.Restart();
        }

        var pool = new StringPool();
        var people = new Dictionary<string, PractitionerBuilder>(StringComparer.Ordinal);
        var structures = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        Span<Range> f = stackalloc Range[Ps.ColumnCount + 2];

        foreach (var (key, line) in Rows(connection, DirectorySchema.Table(DirectoryFileKind.PersonneActivite), transaction))
        {
            if (Fields.Split(line, f) != Ps.ColumnCount)
            {
                continue;
            }

            var s = line.AsSpan();
            var idNat = s[f[Ps.IdNat]].Trim().ToString();
            if (!people.TryGetValue(idNat, out var person))
            {
                person = new PractitionerBuilder
                {
                    IdNat = idNat,
                    IdType = pool.Get(s[f[Ps.IdType]]) ?? "",
                    IdPP = s[f[Ps.IdPP]].Trim().ToString(),
                    CivilityCode = pool.Get(s[f[Ps.CivilityCode]]),
                    CivilityLabel = pool.Get(s[f[Ps.CivilityLabel]]),
                    PracticeCivilityCode = pool.Get(s[f[Ps.PracticeCivilityCode]]),
                    PracticeCivilityLabel = pool.Get(s[f[Ps.PracticeCivilityLabel]]),
                    FamilyName = pool.Get(s[f[Ps.FamilyName]]) ?? "",
                    GivenName = pool.Get(s[f[Ps.GivenName]]) ?? "",
                };
                people.Add(idNat, person);
            }

            var structure = StructureOf(s, f, pool, structures);
            person.Activities.Add(new DirectoryActivity(
                pool.Get(s[f[Ps.ProfessionCode]]) ?? "",
                pool.Get(s[f[Ps.ProfessionLabel]]),
                pool.Get(s[f[Ps.CategoryCode]]),
                pool.Get(s[f[Ps.CategoryLabel]]),
                pool.Get(s[f[Ps.SavoirFaireTypeCode]]),
                pool.Get(s[f[Ps.SavoirFaireCode]]),
                pool.Get(s[f[Ps.SavoirFaireLabel]]),
                pool.Get(s[f[Ps.ModeCode]]),
                pool.Get(s[f[Ps.ModeLabel]]),
                pool.Get(s[f[Ps.RoleCode]]),
                pool.Get(s[f[Ps.RoleLabel]]),
                pool.Get(s[f[Ps.GenreCode]]),
                pool.Get(s[f[Ps.GenreLabel]]),
                pool.Get(s[f[Ps.PharmacistSectionCode]]),
                structure)
            {
                OwnerIdNat = person.IdNat,
                KeyHash = (ulong)Fields.Hash(key),
            });
        }

        Phase("activities");

        // Structures by every identifier an ORG/APP row may use: technical id, FINESS, SIRET, with or
        // without the one-digit id type prefix of the national structure id (1 FINESS, 3 SIRET).
        var structureIds = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        foreach (var st in structures.Values)
        {
            structureIds.TryAdd(st.Id, st);
            if (st.FinessSite is { } fs)
            {
                structureIds.TryAdd(fs, st);
                structureIds.TryAdd("1" + fs, st);
            }

            if (st.FinessLegalEntity is { } fe)
            {
                structureIds.TryAdd("1" + fe, st);
            }

            if (st.Siret is { } siret)
            {
                structureIds.TryAdd(siret, st);
                structureIds.TryAdd("3" + siret, st);
            }
        }

        var listeRouge = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in Rows(connection, DirectorySchema.Table(DirectoryFileKind.ListeRouge), transaction))
        {
            listeRouge.Add(key);
        }

        var publications = PublicationTable.ReadAll(connection, transaction);
        var published = publications.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var publicationVersion = publications.Count == 0 ? 0 : publications.Max(p => p.Version);

        Span<Range> m = stackalloc Range[Mss.ColumnCount + 2];
        foreach (var (key, line) in Rows(connection, DirectorySchema.Table(DirectoryFileKind.CorrespondanceMssante), transaction))
        {
            if (listeRouge.Contains(key) || Fields.Split(line, m) != Mss.ColumnCount)
            {
                continue;
            }

            // A publication for this address replaces the row's box; the row still makes its owner known.
            var replaced = published.Contains(key);

            var s = line.AsSpan();
            var type = s[m[Mss.Type]].Trim() switch
            {
                "PER" => MailboxType.Per,
                "CAB" => MailboxType.Cab,
                "ORG" => MailboxType.Org,
                _ => MailboxType.App,
            };
            var address = s[m[Mss.Address]].Trim().ToString();
            var service = pool.Get(s[m[Mss.Service]]);
            var demat = RowRules.ParseBoolean(s[m[Mss.Dematerialisation]].Trim());
            if (type is MailboxType.Per or MailboxType.Cab)
            {
                var idNat = s[m[Mss.IdNat]].Trim().ToString();
                if (!people.TryGetValue(idNat, out var person))
                {
                    // A box whose owner is not in PS_LibreAcces (e.g. an older extraction): keep the owner's name.
                    person = new PractitionerBuilder
                    {
                        IdNat = idNat,
                        IdType = pool.Get(s[m[Mss.IdTypePP]]) ?? "",
                        IdPP = s[m[Mss.IdPP]].Trim().ToString(),
                        PracticeCivilityCode = pool.Get(s[m[Mss.Civility]]),
                        FamilyName = pool.Get(s[m[Mss.FamilyName]]) ?? "",
                        GivenName = pool.Get(s[m[Mss.GivenName]]) ?? "",
                    };
                    people.Add(idNat, person);
                }

                if (!replaced)
                {
                    person.Mailboxes.Add(new DirectoryMailbox(address, type, person.Mailboxes.Count + 1, service, null, demat));
                }
            }
            else
            {
                var id = s[m[Mss.StructureId]].Trim().ToString();
                if (!structureIds.TryGetValue(id, out var structure))
                {
                    structure = new DirectoryStructure
                    {
                        Id = id,
                        Name = pool.Get(s[m[Mss.StructureName]]),
                        Enseigne = pool.Get(s[m[Mss.Enseigne]]),
                        Address = new DirectoryAddress(
                            pool.Get(s[m[Mss.L2]]), null, pool.Get(s[m[Mss.L4Number]]), pool.Get(s[m[Mss.L4Repetition]]),
                            pool.Get(s[m[Mss.L4StreetType]]), pool.Get(s[m[Mss.L4StreetName]]), pool.Get(s[m[Mss.L5]]),
                            null, pool.Get(s[m[Mss.PostalCode]]), null, CityOfL6(s[m[Mss.L6]], pool),
                            pool.Get(s[m[Mss.Department]]), null, pool.Get(s[m[Mss.Country]])),
                    };
                    structureIds.Add(id, structure);
                    structures.Add("mss:" + id, structure);
                }

                if (!replaced)
                {
                    structure.AddMailbox(new DirectoryMailbox(address, type, structure.Mailboxes.Count + 1, service, null, demat));
                }
            }
        }

        foreach (var row in publications)
        {
            if (!row.Visible || listeRouge.Contains(row.Key))
            {
                continue;
            }

            if (row.Carrier == PublicationCarrier.Practitioner)
            {
                if (people.TryGetValue(row.Owner, out var person))
                {
                    person.Mailboxes.Add(ToDirectoryMailbox(row.Mailbox, person.Mailboxes.Count + 1));
                }
            }
            else if (structureIds.TryGetValue(row.Owner, out var structure))
            {
                structure.AddMailbox(ToDirectoryMailbox(row.Mailbox, structure.Mailboxes.Count + 1));
            }

            // Else the carrier left the directory: the row is kept, and shows again if it comes back.
        }

        Phase("mailboxes");
        var practitioners = people.Values.Select(p => p.Build()).ToList();
        Phase("practitioners");
        var index = DirectoryIndex.Build(practitioners, structures.Values.ToList(), Phase, listeRouge, publicationVersion);
        Phase("index");
        return index;
    }

    /// <summary>A published box as the directory shows it; the rank defaults to its position.</summary>
    internal static DirectoryMailbox ToDirectoryMailbox(PublishedMailbox m, int position) =>
        new(m.Address, m.Type, m.Rank ?? position, m.Service, m.Description, m.Dematerialisation);

    private static string? CityOfL6(ReadOnlySpan<char> l6, StringPool pool)
    {
        // L6 is "75012 PARIS": the city follows the postal code.
        l6 = l6.Trim();
        var space = l6.IndexOf(' ');
        return space > 0 ? pool.Get(l6[(space + 1)..]) : pool.Get(l6);
    }

    private static DirectoryStructure? StructureOf(ReadOnlySpan<char> s, ReadOnlySpan<Range> f, StringPool pool, Dictionary<string, DirectoryStructure> structures)
    {
        var id = s[f[Ps.StructureId]].Trim();
        var siret = s[f[Ps.Siret]].Trim();
        var finess = s[f[Ps.FinessSite]].Trim();
        string key;
        if (id.Length > 0)
        {
            if (structures.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var known))
            {
                return known;
            }

            key = id.ToString();
        }
        else if (siret.Length > 0)
        {
            key = "S" + siret.ToString();
        }
        else if (finess.Length > 0)
        {
            key = "F" + finess.ToString();
        }
        else
        {
            return null;
        }

        if (structures.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var structure = new DirectoryStructure
        {
            Id = key,
            Siret = pool.Get(siret),
            Siren = pool.Get(s[f[Ps.Siren]]),
            FinessSite = pool.Get(finess),
            FinessLegalEntity = pool.Get(s[f[Ps.FinessEj]]),
            Name = pool.Get(s[f[Ps.StructureName]]),
            Enseigne = pool.Get(s[f[Ps.Enseigne]]),
            Phone = pool.Get(s[f[Ps.Phone]]),
            SectorCode = pool.Get(s[f[Ps.SectorCode]]),
            SectorLabel = pool.Get(s[f[Ps.SectorLabel]]),
            Address = new DirectoryAddress(
                pool.Get(s[f[Ps.AddressRecipient]]),
                pool.Get(s[f[Ps.AddressGeoPoint]]),
                pool.Get(s[f[Ps.StreetNumber]]),
                pool.Get(s[f[Ps.StreetNumberRepetition]]),
                pool.Get(s[f[Ps.StreetTypeLabel]]),
                pool.Get(s[f[Ps.StreetName]]),
                pool.Get(s[f[Ps.DistributionMention]]),
                pool.Get(s[f[Ps.Cedex]]),
                pool.Get(s[f[Ps.PostalCode]]),
                pool.Get(s[f[Ps.CommuneCode]]),
                pool.Get(s[f[Ps.CommuneLabel]]),
                pool.Get(s[f[Ps.DepartmentCode]]),
                pool.Get(s[f[Ps.DepartmentLabel]]),
                pool.Get(s[f[Ps.CountryLabel]])),
        };
        structures.Add(key, structure);
        return structure;
    }

    private static IEnumerable<(string Key, string Line)> Rows(SqliteConnection connection, string table, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT key, line FROM {table}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), reader.GetString(1));
        }
    }

    private sealed class PractitionerBuilder
    {
        public required string IdNat { get; init; }

        public required string IdType { get; init; }

        public required string IdPP { get; init; }

        public string? CivilityCode { get; init; }

        public string? CivilityLabel { get; init; }

        public string? PracticeCivilityCode { get; init; }

        public string? PracticeCivilityLabel { get; init; }

        public required string FamilyName { get; init; }

        public required string GivenName { get; init; }

        public List<DirectoryActivity> Activities { get; } = [];

        public List<DirectoryMailbox> Mailboxes { get; } = [];

        public DirectoryPractitioner Build() => new(
            IdNat, IdType, IdPP, CivilityCode, CivilityLabel, PracticeCivilityCode, PracticeCivilityLabel, FamilyName, GivenName,
            Activities.Count == 0 ? [] : Activities.ToArray(),
            Mailboxes.Count == 0 ? [] : Mailboxes.ToArray());
    }
}
