// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;

namespace Caducee.Annuaire.Search;

/// <summary>
/// The in-memory search index, immutable once built (searches run lock-free on any number of threads).
/// Practitioners are stored sorted by (folded family name, folded given name, national id), so a family
/// name prefix is one contiguous range found by binary search, and every posting list sorted by position
/// is also sorted alphabetically. Ranking: see <c>docs/adr/0002-directory-search.md</c>.
/// </summary>
internal sealed class DirectoryIndex
{
    /// <summary>Below this many candidates, check them one by one; above, intersect bit arrays.</summary>
    private const int SparseLimit = 2048;

    private readonly DirectoryPractitioner[] _items;
    private readonly string[] _family;
    private readonly string[] _given;
    private readonly WordIndex _familyWords;
    private readonly WordIndex _givenWords;
    private readonly WordIndex _byPostalCode;
    private readonly Dictionary<string, SetSource> _byProfession;
    private readonly Dictionary<string, SetSource> _bySavoirFaire;
    private readonly Dictionary<string, SetSource> _byCity;
    private readonly Dictionary<string, SetSource> _byDepartment;
    private readonly Dictionary<MailboxType, SetSource> _byMailboxType;
    private readonly Dictionary<string, int> _byIdentifier;
    private readonly string[] _mailboxes;
    private readonly int[] _mailboxOwners;
    private readonly IReadOnlyList<DirectoryStructure> _structures;
    private readonly Dictionary<string, DirectoryStructure> _structureById;
    private readonly Dictionary<string, DirectoryStructure> _structureByFinessSite;
    private readonly Dictionary<string, DirectoryStructure[]> _structuresByFinessLegal;
    private readonly Dictionary<string, DirectoryStructure> _structureBySiret;
    private readonly string[] _structureBoxes;
    private readonly DirectoryStructure[] _structureBoxOwners;
    private readonly DirectoryStructure[] _structuresWithBoxes;

    [ThreadStatic]
    private static Bitset[]? t_bits;

    private DirectoryIndex(DirectoryPractitioner[] items, string[] family, string[] given, IReadOnlyList<DirectoryStructure> structures, IReadOnlySet<string> listeRouge, long publicationVersion)
    {
        var n = items.Length;
        _items = items;
        _family = family;
        _given = given;
        _structures = structures;
        ListeRouge = listeRouge;
        PublicationVersion = publicationVersion;
        _structureById = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        _structureByFinessSite = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        _structureBySiret = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        var byFinessLegal = new Dictionary<string, List<DirectoryStructure>>(StringComparer.Ordinal);
        var structureBoxes = new List<(string Address, DirectoryStructure Owner)>();
        foreach (var s in structures)
        {
            // Keyed by the strings the structures already hold: no new string per structure at 2 M scale.
            _structureById.TryAdd(s.Id, s);
            if (s.FinessSite is { } site)
            {
                _structureByFinessSite.TryAdd(site, s);
            }

            if (s.FinessLegalEntity is { } legal)
            {
                if (!byFinessLegal.TryGetValue(legal, out var sites))
                {
                    byFinessLegal[legal] = sites = [];
                }

                sites.Add(s);
            }

            if (s.Siret is { } siret)
            {
                _structureBySiret.TryAdd(siret, s);
            }

            foreach (var m in s.Mailboxes)
            {
                structureBoxes.Add((m.Address.ToLowerInvariant(), s));
            }
        }

        _structuresByFinessLegal = byFinessLegal.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        structureBoxes.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        _structureBoxes = [.. structureBoxes.Select(b => b.Address)];
        _structureBoxOwners = [.. structureBoxes.Select(b => b.Owner)];
        _structuresWithBoxes = [.. structures.Where(s => s.Mailboxes.Count > 0).OrderBy(s => s.Id, StringComparer.Ordinal)];

        var familyWords = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var givenWords = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var professions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var savoirFaire = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var cities = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var postalCodes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var departments = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var mailboxTypes = new Dictionary<MailboxType, List<int>>();
        var cityKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        _byIdentifier = new Dictionary<string, int>(n * 2, StringComparer.Ordinal);
        var mailboxes = new List<(string Address, int Owner)>(n);
        for (var i = 0; i < n; i++)
        {
            var p = items[i];
            _byIdentifier.TryAdd(p.IdNat, i);
            _byIdentifier.TryAdd(p.IdPP, i);

            // The leading family word is covered by the sorted family range; later words go to the word index.
            var f = family[i];
            for (var space = f.IndexOf(' ', StringComparison.Ordinal); space >= 0; space = f.IndexOf(' ', space + 1))
            {
                var next = f.IndexOf(' ', space + 1);
                AddPosting(familyWords, next < 0 ? f[(space + 1)..] : f[(space + 1)..next], i);
            }

            foreach (var word in given[i].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                AddPosting(givenWords, word, i);
            }

            foreach (var a in p.Activities)
            {
                AddPosting(professions, a.ProfessionCode, i);
                if (a.SavoirFaireCode is { } sf)
                {
                    AddPosting(savoirFaire, sf, i);
                }

                if (a.Structure?.Address is { } address)
                {
                    if (address.City is { } city)
                    {
                        if (!cityKeys.TryGetValue(city, out var cityKey))
                        {
                            cityKey = TextNormalizer.Normalize(city);
                            cityKeys.Add(city, cityKey);
                        }

                        AddPosting(cities, cityKey, i);
                    }

                    if (address.PostalCode is { } postal)
                    {
                        AddPosting(postalCodes, postal, i);
                        if (postal.Length >= 2)
                        {
                            AddPosting(departments, postal[..2], i);
                        }
                    }
                }
            }

            foreach (var m in p.Mailboxes)
            {
                mailboxes.Add((m.Address.ToLowerInvariant(), i));
                if (!mailboxTypes.TryGetValue(m.Type, out var list))
                {
                    mailboxTypes[m.Type] = list = [];
                }

                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }

        _familyWords = WordIndex.Build(familyWords, n);
        _givenWords = WordIndex.Build(givenWords, n);
        _byPostalCode = WordIndex.Build(postalCodes, n);
        _byProfession = professions.ToDictionary(kv => kv.Key, kv => DenseSource.Create(kv.Value, n), StringComparer.Ordinal);
        _bySavoirFaire = savoirFaire.ToDictionary(kv => kv.Key, kv => DenseSource.Create(kv.Value, n), StringComparer.Ordinal);
        _byCity = cities.ToDictionary(kv => kv.Key, kv => DenseSource.Create(kv.Value, n), StringComparer.Ordinal);
        _byDepartment = departments.ToDictionary(kv => kv.Key, kv => DenseSource.Create(kv.Value, n), StringComparer.Ordinal);
        _byMailboxType = mailboxTypes.ToDictionary(kv => kv.Key, kv => DenseSource.Create(kv.Value, n));
        mailboxes.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        _mailboxes = mailboxes.Select(m => m.Address).ToArray();
        _mailboxOwners = mailboxes.Select(m => m.Owner).ToArray();
    }

    public int Count => _items.Length;

    public IReadOnlyList<DirectoryStructure> Structures => _structures;

    /// <summary>Lower-cased addresses of the liste-rouge file (REQ-24): never shown, whatever publishes them.</summary>
    public IReadOnlySet<string> ListeRouge { get; }

    /// <summary>The highest publication version this index holds (0: none).</summary>
    public long PublicationVersion { get; }

    public static DirectoryIndex Build(List<DirectoryPractitioner> practitioners, IReadOnlyList<DirectoryStructure> structures, Action<string>? phase = null, IReadOnlySet<string>? listeRouge = null, long publicationVersion = 0)
    {
        var family = new string[practitioners.Count];
        var given = new string[practitioners.Count];
        var order = new int[practitioners.Count];
        var folded = new Dictionary<string, string>(StringComparer.Ordinal);
        string Fold(string text)
        {
            if (!folded.TryGetValue(text, out var key))
            {
                key = TextNormalizer.Normalize(text);
                folded.Add(text, key);
            }

            return key;
        }

        for (var i = 0; i < practitioners.Count; i++)
        {
            family[i] = Fold(practitioners[i].FamilyName);
            given[i] = Fold(practitioners[i].GivenName);
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var c = string.CompareOrdinal(family[a], family[b]);
            if (c == 0)
            {
                c = string.CompareOrdinal(given[a], given[b]);
            }

            return c != 0 ? c : string.CompareOrdinal(practitioners[a].IdNat, practitioners[b].IdNat);
        });

        phase?.Invoke("fold + sort");
        var items = new DirectoryPractitioner[order.Length];
        var sortedFamily = new string[order.Length];
        var sortedGiven = new string[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            items[i] = practitioners[order[i]];
            sortedFamily[i] = family[order[i]];
            sortedGiven[i] = given[order[i]];
        }

        return new DirectoryIndex(items, sortedFamily, sortedGiven, structures, listeRouge ?? new HashSet<string>(StringComparer.Ordinal), publicationVersion);
    }

    public DirectoryPractitioner? Find(string identifier, ResolvedOverlay? overlay = null)
    {
        return _byIdentifier.TryGetValue(identifier.Trim(), out var i) ? Item(i, overlay) : null;
    }

    public DirectoryStructure? FindStructure(string id, ResolvedOverlay? overlay = null) =>
        overlay is not null && overlay.Structures.TryGetValue(id, out var changed) ? changed : _structureById.GetValueOrDefault(id);

    public DirectoryResults Search(DirectoryQuery query, ResolvedOverlay? overlay = null) => Search(query, SparseLimit, overlay);

    /// <summary>Search with an explicit plan threshold (tests compare both plans).</summary>
    internal DirectoryResults Search(DirectoryQuery query, int sparseLimit, ResolvedOverlay? overlay = null)
    {
        var plan = new Plan(this, query, overlay);
        var offset = Math.Max(0, query.Offset);
        var count = Math.Clamp(query.Count, 0, DirectoryQuery.MaxCount);
        if (plan.Sources.Any(s => s.Estimate == 0))
        {
            return new DirectoryResults(0, offset, []);
        }

        var driver = plan.Sources.Count == 0 ? new RangeSource(0, _items.Length) : plan.Sources.MinBy(s => s.Estimate)!;
        var bits = Scratch();
        return driver.Estimate <= sparseLimit
            ? SearchSparse(plan, driver, bits, offset, count)
            : SearchDense(plan, bits, offset, count);
    }

    /// <summary>Few candidates: enumerate the driver in position order and check the other criteria one by one.</summary>
    private DirectoryResults SearchSparse(Plan plan, SetSource driver, Bitset[] bits, int offset, int count)
    {
        var keep = offset + count;
        var tiers = new[] { new List<int>(), new List<int>(), new List<int>() };
        var total = 0;
        void Visit(int i)
        {
            foreach (var source in plan.Sources)
            {
                if (!ReferenceEquals(source, driver) && !source.Contains(i))
                {
                    return;
                }
            }

            total++;
            var list = tiers[plan.Tier(i)];
            if (list.Count < keep)
            {
                list.Add(i);
            }
        }

        switch (driver)
        {
            case RangeSource range:
                for (var i = range.Start; i < range.End; i++)
                {
                    Visit(i);
                }

                break;
            case ListSource list:
                foreach (var i in list.Positions)
                {
                    Visit(i);
                }

                break;
            default:
                var scratch = bits[1];
                scratch.Clear();
                driver.OrInto(scratch);
                ForEachSetBit(scratch.Words, 0, scratch.Words.Length, i =>
                {
                    Visit(i);
                    return true;
                });
                break;
        }

        var page = tiers[0].Concat(tiers[1]).Concat(tiers[2]).Skip(offset).Take(count).Select(i => Item(i, plan.Overlay)).ToArray();
        return new DirectoryResults(total, offset, page);
    }

    /// <summary>Many candidates: intersect bit arrays word by word, count with popcount, walk the tiers for the page.</summary>
    private DirectoryResults SearchDense(Plan plan, Bitset[] bits, int offset, int count)
    {
        var result = bits[0];
        var scratch = bits[1];
        result.SetAll();
        var predicates = new List<SetSource>();
        foreach (var source in plan.Sources.OrderBy(s => s is RangeSource ? 0 : 1))
        {
            if (source is PredicateSource)
            {
                predicates.Add(source);
            }
            else
            {
                source.AndInto(result, scratch);
            }
        }

        if (predicates.Count > 0 && predicates.Count == plan.Sources.Count)
        {
            // Only an unindexed criterion: scanning the sorted addresses beats checking 2 M practitioners.
            result.Clear();
            predicates[0].OrInto(result);
            predicates.RemoveAt(0);
        }

        if (predicates.Count > 0)
        {
            var words = result.Words;
            ForEachSetBit(words, 0, words.Length, i =>
            {
                if (!predicates.TrueForAll(p => p.Contains(i)))
                {
                    words[i >> 6] &= ~(1UL << i);
                }

                return true;
            });
        }

        var total = result.PopCount();
        var page = new List<int>(Math.Min(count, total));
        var skip = offset;
        bool Take(int i)
        {
            if (skip > 0)
            {
                skip--;
                return true;
            }

            page.Add(i);
            return page.Count < count;
        }

        if (count > 0 && offset < total)
        {
            if (!plan.Ranked || plan.FamilyExact is not null)
            {
                ForEachSetBit(result.Words, 0, result.Words.Length, Take);
            }
            else
            {
                WalkTiers(plan, result, bits[2], Take);
            }
        }

        return new DirectoryResults(total, offset, page.Select(i => Item(i, plan.Overlay)).ToArray());
    }

    /// <summary>Visits the matches in ranking order: exact family ranges, then other family matches, then the rest.</summary>
    private void WalkTiers(Plan plan, Bitset result, Bitset familyHits, Func<int, bool> take)
    {
        var exact = new List<(int Start, int End)>();
        void AddExact(string value)
        {
            var r = SortedPrefix.Equal(_family, value, 0, _family.Length);
            if (r.End > r.Start && !exact.Contains(r))
            {
                exact.Add(r);
            }
        }

        if (plan.NameTokens.Length > 0)
        {
            AddExact(plan.NameJoined);
            foreach (var t in plan.NameTokens)
            {
                AddExact(t);
            }
        }

        if (plan.FamilyTokens.Length > 0)
        {
            AddExact(string.Join(' ', plan.FamilyTokens));
        }

        exact.Sort();
        bool InExact(int i) => exact.Exists(r => i >= r.Start && i < r.End);

        var words = result.Words;
        foreach (var (start, end) in exact)
        {
            var stop = false;
            ForEachSetBit(words, start >> 6, (end + 63) >> 6, i => i < start || i >= end || (stop = !take(i)) == false);
            if (stop)
            {
                return;
            }
        }

        // Family hits: with name tokens, the union of their family ranges and family-word postings; with only
        // family tokens every match is a family hit.
        var familyOnly = plan.NameTokens.Length == 0;
        if (!familyOnly)
        {
            familyHits.Clear();
            foreach (var t in plan.NameTokens)
            {
                var (start, end) = SortedPrefix.Range(_family, t);
                familyHits.SetRange(start, end);
                foreach (var posting in _familyWords.Prefix(t))
                {
                    posting.OrInto(familyHits);
                }
            }
        }

        var hits = familyHits.Words;
        for (var w = 0; w < words.Length; w++)
        {
            var word = familyOnly ? words[w] : words[w] & hits[w];
            while (word != 0)
            {
                var i = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (!InExact(i) && !take(i))
                {
                    return;
                }
            }
        }

        if (familyOnly)
        {
            return;
        }

        for (var w = 0; w < words.Length; w++)
        {
            var word = words[w] & ~hits[w];
            while (word != 0)
            {
                var i = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (!take(i))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> for each set bit of words [from, to) in order until it returns false.</summary>
    private static void ForEachSetBit(ulong[] words, int from, int to, Func<int, bool> visit)
    {
        to = Math.Min(to, words.Length);
        for (var w = Math.Max(0, from); w < to; w++)
        {
            var word = words[w];
            while (word != 0)
            {
                var i = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(word);
                word &= word - 1;
                if (!visit(i))
                {
                    return;
                }
            }
        }
    }

    private static void AddPosting(Dictionary<string, List<int>> map, string key, int position)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        if (list.Count == 0 || list[^1] != position)
        {
            list.Add(position);
        }
    }

    private Bitset[] Scratch()
    {
        if (t_bits is { } b && b[0].Size == _items.Length)
        {
            return b;
        }

        return t_bits = [new Bitset(_items.Length), new Bitset(_items.Length), new Bitset(_items.Length)];
    }

    /// <summary>The practitioner at <paramref name="position"/>, with its mailboxes as the overlay publishes them.</summary>
    internal DirectoryPractitioner Item(int position, ResolvedOverlay? overlay) =>
        overlay is not null && overlay.Practitioners.TryGetValue(position, out var changed) ? changed : _items[position];

    /// <summary>Binds an overlay to this index (null when it is empty, so searches pay nothing for it).</summary>
    public ResolvedOverlay? Resolve(MailboxOverlay overlay)
    {
        if (overlay.Count == 0)
        {
            return null;
        }

        var practitioners = new Dictionary<int, DirectoryPractitioner>();
        var structures = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        var practitionerBoxes = new List<(string Address, int Position)>();
        var structureBoxes = new List<(string Address, DirectoryStructure Structure)>();
        foreach (var entry in overlay.Entries)
        {
            if (entry.Carrier == PublicationCarrier.Practitioner)
            {
                if (_byIdentifier.TryGetValue(entry.Owner, out var i) && _items[i].IdNat == entry.Owner)
                {
                    practitioners[i] = _items[i] with { Mailboxes = entry.Mailboxes };
                    practitionerBoxes.AddRange(entry.Mailboxes.Select(m => (m.Address.ToLowerInvariant(), i)));
                }
            }
            else if (_structureById.TryGetValue(entry.Owner, out var structure))
            {
                var changed = structure.WithMailboxes(entry.Mailboxes);
                structures[structure.Id] = changed;
                structureBoxes.AddRange(entry.Mailboxes.Select(m => (m.Address.ToLowerInvariant(), changed)));
            }
        }

        practitionerBoxes.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        structureBoxes.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        return new ResolvedOverlay(practitioners, structures, [.. practitionerBoxes], [.. structureBoxes]);
    }

    /// <summary>Who shows the (lower-cased) address: a practitioner's national id or a structure id, or null.</summary>
    public (PublicationCarrier Carrier, string Owner)? OwnerOf(string addressKey, ResolvedOverlay? overlay)
    {
        if (overlay is not null)
        {
            foreach (var (address, position) in overlay.PractitionerBoxes)
            {
                if (address == addressKey)
                {
                    return (PublicationCarrier.Practitioner, _items[position].IdNat);
                }
            }

            foreach (var (address, structure) in overlay.StructureBoxes)
            {
                if (address == addressKey)
                {
                    return (PublicationCarrier.Organization, structure.Id);
                }
            }
        }

        var (start, end) = SortedPrefix.Equal(_mailboxes, addressKey, 0, _mailboxes.Length);
        for (var i = start; i < end; i++)
        {
            if (overlay is null || !overlay.Practitioners.ContainsKey(_mailboxOwners[i]))
            {
                return (PublicationCarrier.Practitioner, _items[_mailboxOwners[i]].IdNat);
            }
        }

        (start, end) = SortedPrefix.Equal(_structureBoxes, addressKey, 0, _structureBoxes.Length);
        for (var i = start; i < end; i++)
        {
            if (overlay is null || !overlay.Structures.ContainsKey(_structureBoxOwners[i].Id))
            {
                return (PublicationCarrier.Organization, _structureBoxOwners[i].Id);
            }
        }

        return null;
    }

    /// <summary>Structures with this identifier (several when a legal entity's FINESS names many sites).</summary>
    public IReadOnlyList<DirectoryStructure> FindStructures(string identifier, StructureIdentifierKind kind, ResolvedOverlay? overlay = null)
    {
        identifier = identifier.Trim();
        var found = new List<DirectoryStructure>();
        void Add(DirectoryStructure? s)
        {
            if (s is not null && !found.Contains(s))
            {
                found.Add(s);
            }
        }

        void Finess(string code)
        {
            Add(_structureByFinessSite.GetValueOrDefault(code));
            foreach (var s in _structuresByFinessLegal.GetValueOrDefault(code) ?? [])
            {
                Add(s);
            }
        }

        void IdNatSt(string code)
        {
            // "1" + FINESS of the site, "3" + SIRET, or the id of a structure known from the MSSanté extraction only.
            if (code.Length > 1 && code[0] == '1')
            {
                Add(_structureByFinessSite.GetValueOrDefault(code[1..]));
            }
            else if (code.Length > 1 && code[0] == '3')
            {
                Add(_structureBySiret.GetValueOrDefault(code[1..]));
            }

            if (_structureById.GetValueOrDefault(code) is { FinessSite: null, Siret: null } extractionOnly)
            {
                Add(extractionOnly);
            }
        }

        switch (kind)
        {
            case StructureIdentifierKind.Finess:
                Finess(identifier);
                break;
            case StructureIdentifierKind.IdNatSt:
                IdNatSt(identifier);
                break;
            case StructureIdentifierKind.Siret:
                Add(_structureBySiret.GetValueOrDefault(identifier));
                break;
            default:
                Add(_structureById.GetValueOrDefault(identifier));
                Finess(identifier);
                IdNatSt(identifier);
                Add(_structureBySiret.GetValueOrDefault(identifier));
                break;
        }

        return [.. found.Select(s => FindStructure(s.Id, overlay) ?? s)];
    }

    /// <summary>Structure (FHIR Organization) search: by identifier, mailbox and mailbox type.</summary>
    public StructureResults SearchStructures(StructureQuery query, ResolvedOverlay? overlay = null)
    {
        var offset = Math.Max(0, query.Offset);
        var count = Math.Clamp(query.Count, 0, DirectoryQuery.MaxCount);
        var mailbox = string.IsNullOrWhiteSpace(query.Mailbox) ? null : query.Mailbox.Trim().ToLowerInvariant();
        bool Matches(DirectoryStructure s) => s.Mailboxes.Any(m =>
            (query.MailboxType is not { } type || m.Type == type)
            && (mailbox is null || query.MailboxMatch switch
            {
                MailboxMatch.Exact => m.Address.Equals(mailbox, StringComparison.OrdinalIgnoreCase),
                MailboxMatch.StartsWith => m.Address.StartsWith(mailbox, StringComparison.OrdinalIgnoreCase),
                _ => m.Address.Contains(mailbox, StringComparison.OrdinalIgnoreCase),
            }));

        IEnumerable<DirectoryStructure> candidates;
        if (!string.IsNullOrWhiteSpace(query.Identifier))
        {
            candidates = FindStructures(query.Identifier, query.IdentifierKind, overlay);
        }
        else if (mailbox is null && query.MailboxType is null)
        {
            // No criterion: every structure, in index order (stable paging without a sort).
            var all = _structures;
            var page = all.Skip(offset).Take(count).Select(s => FindStructure(s.Id, overlay) ?? s).ToArray();
            return new StructureResults(all.Count, offset, page);
        }
        else
        {
            candidates = _structuresWithBoxes;
            if (mailbox is not null && query.MailboxMatch != MailboxMatch.Contains)
            {
                var (start, end) = query.MailboxMatch == MailboxMatch.Exact
                    ? SortedPrefix.Equal(_structureBoxes, mailbox, 0, _structureBoxes.Length)
                    : SortedPrefix.Range(_structureBoxes, mailbox);
                candidates = _structureBoxOwners[start..end];
            }

            candidates = candidates.Select(s => FindStructure(s.Id, overlay) ?? s);
            if (overlay is not null)
            {
                candidates = candidates.Concat(overlay.Structures.Values);
            }
        }

        var matches = candidates
            .Where(s => (mailbox is null && query.MailboxType is null) || Matches(s))
            .DistinctBy(s => s.Id)
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
        return new StructureResults(matches.Count, offset, [.. matches.Skip(offset).Take(count)]);
    }

    /// <summary>The query, folded once, as a list of criteria sets.</summary>
    private sealed class Plan
    {
        private readonly DirectoryIndex _index;

        public Plan(DirectoryIndex index, DirectoryQuery q, ResolvedOverlay? overlay)
        {
            _index = index;
            Overlay = overlay;
            NameTokens = TextNormalizer.Tokens(q.Name);
            FamilyTokens = TextNormalizer.Tokens(q.Family);
            FamilyExact = q.FamilyExact && FamilyTokens.Length > 0 ? string.Join(' ', FamilyTokens) : null;
            NameJoined = string.Join(' ', NameTokens);
            FamilyJoined = string.Join(' ', FamilyTokens);
            Ranked = NameTokens.Length > 0 || FamilyTokens.Length > 0;
            var family = index._family;
            var given = index._given;

            if (Blank(q.Identifier) is { } id)
            {
                Sources.Add(index._byIdentifier.TryGetValue(id, out var position) ? new ListSource([position]) : EmptySource.Instance);
            }

            foreach (var token in NameTokens)
            {
                var (start, end) = SortedPrefix.Range(family, token);
                var parts = new List<SetSource> { new RangeSource(start, end) };
                parts.AddRange(index._familyWords.Prefix(token));
                parts.AddRange(index._givenWords.Prefix(token));
                Sources.Add(new UnionSource(parts, end - start + index._familyWords.Estimate(token) + index._givenWords.Estimate(token),
                    i => TextNormalizer.HasWordStartingWith(family[i], token) || TextNormalizer.HasWordStartingWith(given[i], token)));
            }

            if (FamilyExact is not null)
            {
                var (start, end) = SortedPrefix.Equal(family, FamilyExact, 0, family.Length);
                Sources.Add(new RangeSource(start, end));
            }
            else
            {
                foreach (var token in FamilyTokens)
                {
                    var (start, end) = SortedPrefix.Range(family, token);
                    var parts = new List<SetSource> { new RangeSource(start, end) };
                    parts.AddRange(index._familyWords.Prefix(token));
                    Sources.Add(new UnionSource(parts, end - start + index._familyWords.Estimate(token),
                        i => TextNormalizer.HasWordStartingWith(family[i], token)));
                }
            }

            foreach (var token in TextNormalizer.Tokens(q.Given))
            {
                Sources.Add(new UnionSource(index._givenWords.Prefix(token), index._givenWords.Estimate(token),
                    i => TextNormalizer.HasWordStartingWith(given[i], token)));
            }

            AddKey(index._byProfession, Blank(q.ProfessionCode));
            AddKey(index._bySavoirFaire, Blank(q.SavoirFaireCode));
            AddKey(index._byCity, q.City is null ? null : TextNormalizer.Normalize(q.City));
            if (Blank(q.PostalCode) is { Length: 2 } department)
            {
                // A two-character prefix is a department ("75", "2A"): one precomputed set, not 20-100 unions.
                AddKey(index._byDepartment, department);
            }
            else if (Blank(q.PostalCode) is { } postal)
            {
                var items = index._items;
                Sources.Add(new UnionSource(index._byPostalCode.Prefix(postal), index._byPostalCode.Estimate(postal),
                    i => items[i].Activities.Any(a => a.Structure?.Address.PostalCode?.StartsWith(postal, StringComparison.Ordinal) ?? false)));
            }

            if (q.MailboxType is { } type)
            {
                var source = index._byMailboxType.GetValueOrDefault(type) ?? EmptySource.Instance;
                if (overlay is not null)
                {
                    // Practitioners whose boxes changed since the build: their membership is recomputed.
                    source = new OverrideSource(source, overlay.Practitioners.ToDictionary(kv => kv.Key, kv => kv.Value.Mailboxes.Any(m => m.Type == type)));
                }

                Sources.Add(source);
            }

            if (Blank(q.Mailbox)?.ToLowerInvariant() is { } mailbox)
            {
                if (q.MailboxMatch == MailboxMatch.Contains)
                {
                    // Substring search has no index: a filter, or a scan of the sorted addresses when alone.
                    var items = index._items;
                    Sources.Add(overlay is null
                        ? new PredicateSource(index._items.Length,
                            i => items[i].Mailboxes.Any(m => m.Address.Contains(mailbox, StringComparison.OrdinalIgnoreCase)),
                            () => Scan(index, mailbox))
                        : new PredicateSource(index._items.Length,
                            i => index.Item(i, overlay).Mailboxes.Any(m => m.Address.Contains(mailbox, StringComparison.OrdinalIgnoreCase)),
                            () => [.. Scan(index, mailbox).Where(i => !overlay.Practitioners.ContainsKey(i)),
                                   .. overlay.PractitionerBoxes.Where(b => b.Address.Contains(mailbox, StringComparison.Ordinal)).Select(b => b.Position)]));
                }
                else
                {
                    var exact = q.MailboxMatch == MailboxMatch.Exact;
                    var range = exact
                        ? SortedPrefix.Equal(index._mailboxes, mailbox, 0, index._mailboxes.Length)
                        : SortedPrefix.Range(index._mailboxes, mailbox);
                    IEnumerable<int> owners = index._mailboxOwners.AsSpan(range.Start, range.End - range.Start).ToArray();
                    if (overlay is not null)
                    {
                        owners = owners.Where(i => !overlay.Practitioners.ContainsKey(i)).Concat(overlay.PractitionerBoxes
                            .Where(b => exact ? b.Address == mailbox : b.Address.StartsWith(mailbox, StringComparison.Ordinal))
                            .Select(b => b.Position));
                    }

                    var sorted = owners.Distinct().Order().ToArray();
                    Sources.Add(sorted.Length == 0 ? EmptySource.Instance : new ListSource(sorted));
                }
            }
        }

        public ResolvedOverlay? Overlay { get; }

        public List<SetSource> Sources { get; } = [];

        public string[] NameTokens { get; }

        public string NameJoined { get; }

        public string[] FamilyTokens { get; }

        public string FamilyJoined { get; }

        public string? FamilyExact { get; }

        public bool Ranked { get; }

        /// <summary>0: the query is the whole family name; 1: a query word starts a family-name word; 2: given name only.</summary>
        public int Tier(int i)
        {
            if (!Ranked || FamilyExact is not null)
            {
                return 0;
            }

            var family = _index._family[i];
            if ((NameTokens.Length > 0 && (family == NameJoined || Array.IndexOf(NameTokens, family) >= 0))
                || (FamilyTokens.Length > 0 && family == FamilyJoined))
            {
                return 0;
            }

            foreach (var t in NameTokens)
            {
                if (TextNormalizer.HasWordStartingWith(family, t))
                {
                    return 1;
                }
            }

            return NameTokens.Length == 0 ? 1 : 2;
        }

        private static int[] Scan(DirectoryIndex index, string fragment)
        {
            var owners = new List<int>();
            for (var i = 0; i < index._mailboxes.Length; i++)
            {
                if (index._mailboxes[i].Contains(fragment, StringComparison.Ordinal))
                {
                    owners.Add(index._mailboxOwners[i]);
                }
            }

            return owners.ToArray();
        }

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

        private void AddKey(Dictionary<string, SetSource> map, string? key)
        {
            if (key is not null)
            {
                Sources.Add(map.GetValueOrDefault(key) ?? EmptySource.Instance);
            }
        }
    }
}
