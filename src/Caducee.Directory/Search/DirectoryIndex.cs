// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Directory.Model;

namespace Caducee.Directory.Search;

/// <summary>
/// The in-memory search index, immutable once built (searches run lock-free on any number of threads).
/// Practitioners are stored sorted by (folded family name, folded given name, national id), so a family
/// name prefix is one contiguous range found by binary search, and every posting list sorted by position
/// is also sorted alphabetically. Ranking: see <c>docs/adr/0002-directory-search.md</c>.
/// </summary>
internal sealed class DirectoryIndex
{
    private readonly DirectoryPractitioner[] _items;
    private readonly string[] _family;
    private readonly string[] _given;
    private readonly string[][] _cities;
    private readonly WordIndex _familyWords;
    private readonly WordIndex _givenWords;
    private readonly Dictionary<string, int[]> _byProfession;
    private readonly Dictionary<string, int[]> _bySavoirFaire;
    private readonly Dictionary<string, int[]> _byCity;
    private readonly WordIndex _byPostalCode;
    private readonly Dictionary<string, int> _byIdentifier;
    private readonly string[] _mailboxes;
    private readonly int[] _mailboxOwners;
    private readonly IReadOnlyList<DirectoryStructure> _structures;
    private readonly Dictionary<string, DirectoryStructure> _structureById;

    [ThreadStatic]
    private static Bitset? t_bits;

    private DirectoryIndex(DirectoryPractitioner[] items, string[] family, string[] given, IReadOnlyList<DirectoryStructure> structures)
    {
        _items = items;
        _family = family;
        _given = given;
        _structures = structures;
        _structureById = new Dictionary<string, DirectoryStructure>(StringComparer.Ordinal);
        foreach (var s in structures)
        {
            _structureById.TryAdd(s.Id, s);
        }

        var familyWords = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var givenWords = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var professions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var savoirFaire = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var cities = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var postalCodes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var cityKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        _byIdentifier = new Dictionary<string, int>(items.Length * 2, StringComparer.Ordinal);
        _cities = new string[items.Length][];
        var mailboxes = new List<(string Address, int Owner)>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var p = items[i];
            _byIdentifier.TryAdd(p.IdNat, i);
            _byIdentifier.TryAdd(p.IdPP, i);

            // Leading family word is covered by the sorted family range; later words go to the word index.
            var words = family[i].Split(' ');
            for (var w = 1; w < words.Length; w++)
            {
                AddPosting(familyWords, words[w], i);
            }

            foreach (var word in given[i].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                AddPosting(givenWords, word, i);
            }

            var myCities = new List<string>(1);
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

                        if (!myCities.Contains(cityKey))
                        {
                            myCities.Add(cityKey);
                        }

                        AddPosting(cities, cityKey, i);
                    }

                    if (address.PostalCode is { } postal)
                    {
                        AddPosting(postalCodes, postal, i);
                    }
                }
            }

            _cities[i] = myCities.Count == 0 ? [] : myCities.ToArray();
            foreach (var m in p.Mailboxes)
            {
                mailboxes.Add((m.Address.ToLowerInvariant(), i));
            }
        }

        _familyWords = WordIndex.Build(familyWords);
        _givenWords = WordIndex.Build(givenWords);
        _byPostalCode = WordIndex.Build(postalCodes);
        _byProfession = professions.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        _bySavoirFaire = savoirFaire.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        _byCity = cities.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        mailboxes.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        _mailboxes = mailboxes.Select(m => m.Address).ToArray();
        _mailboxOwners = mailboxes.Select(m => m.Owner).ToArray();
    }

    public int Count => _items.Length;

    public IReadOnlyList<DirectoryStructure> Structures => _structures;

    public static DirectoryIndex Build(List<DirectoryPractitioner> practitioners, IReadOnlyList<DirectoryStructure> structures)
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

        var items = new DirectoryPractitioner[order.Length];
        var sortedFamily = new string[order.Length];
        var sortedGiven = new string[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            items[i] = practitioners[order[i]];
            sortedFamily[i] = family[order[i]];
            sortedGiven[i] = given[order[i]];
        }

        return new DirectoryIndex(items, sortedFamily, sortedGiven, structures);
    }

    public DirectoryPractitioner? Find(string identifier)
    {
        return _byIdentifier.TryGetValue(identifier.Trim(), out var i) ? _items[i] : null;
    }

    public DirectoryStructure? FindStructure(string id) => _structureById.GetValueOrDefault(id);

    public DirectoryResults Search(DirectoryQuery query)
    {
        var plan = new Plan(this, query);
        var offset = Math.Max(0, query.Offset);
        var count = Math.Clamp(query.Count, 0, DirectoryQuery.MaxCount);
        var state = new Collector(plan, offset + count);
        if (plan.Empty)
        {
            return new DirectoryResults(0, offset, []);
        }

        if (plan.Driver is null)
        {
            for (var i = 0; i < _items.Length; i++)
            {
                state.Visit(i);
            }
        }
        else
        {
            plan.Driver.Visit(this, ref state);
        }

        var page = state.Tier0.Concat(state.Tier1).Concat(state.Tier2).Skip(offset).Take(count).Select(i => _items[i]).ToArray();
        return new DirectoryResults(state.Total, offset, page);
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

    private Bitset Bits() => t_bits is { } b && b.Size == _items.Length ? b : t_bits = new Bitset(_items.Length);

    /// <summary>Candidates of one criterion: a contiguous range, posting lists, or a word prefix.</summary>
    private sealed class Source
    {
        public long Estimate { get; init; }

        public (int Start, int End) Range { get; init; } = (0, 0);

        public List<int[]> Lists { get; } = [];

        public List<(WordIndex Index, string Prefix)> Prefixes { get; } = [];

        public void Visit(DirectoryIndex index, ref Collector collector)
        {
            if (Lists.Count == 0 && Prefixes.Count == 0)
            {
                for (var i = Range.Start; i < Range.End; i++)
                {
                    collector.Visit(i);
                }

                return;
            }

            if (Range.End == Range.Start && Prefixes.Count == 0 && Lists.Count == 1)
            {
                foreach (var i in Lists[0])
                {
                    collector.Visit(i);
                }

                return;
            }

            var bits = index.Bits();
            bits.SetRange(Range.Start, Range.End);
            foreach (var list in Lists)
            {
                foreach (var i in list)
                {
                    bits.Set(i);
                }
            }

            foreach (var (words, prefix) in Prefixes)
            {
                words.AddPrefix(prefix, bits);
            }

            bits.Drain(ref collector, static (ref Collector c, int i) => c.Visit(i));
        }
    }

    /// <summary>The query, folded once, and the most selective criterion to enumerate.</summary>
    private sealed class Plan
    {
        public Plan(DirectoryIndex index, DirectoryQuery q)
        {
            Index = index;
            NameTokens = TextNormalizer.Tokens(q.Name);
            FamilyTokens = TextNormalizer.Tokens(q.Family);
            FamilyExact = q.FamilyExact && FamilyTokens.Length > 0 ? string.Join(' ', FamilyTokens) : null;
            GivenTokens = TextNormalizer.Tokens(q.Given);
            NameJoined = string.Join(' ', NameTokens);
            Profession = Blank(q.ProfessionCode);
            SavoirFaire = Blank(q.SavoirFaireCode);
            City = q.City is null ? null : TextNormalizer.Normalize(q.City);
            PostalCode = Blank(q.PostalCode);
            Mailbox = Blank(q.Mailbox)?.ToLowerInvariant();
            MailboxMatch = q.MailboxMatch;
            MailboxType = q.MailboxType;
            Ranked = NameTokens.Length > 0 || FamilyTokens.Length > 0;

            var sources = new List<Source>();
            if (Blank(q.Identifier) is { } id)
            {
                Identifier = NormalizeIdentifier(id);
                var source = new Source { Estimate = 1 };
                if (index._byIdentifier.TryGetValue(Identifier, out var position))
                {
                    source.Lists.Add([position]);
                }

                sources.Add(source);
            }

            foreach (var token in NameTokens)
            {
                var range = SortedPrefix.Range(index._family, token);
                var source = new Source
                {
                    Range = range,
                    Estimate = range.End - range.Start + index._familyWords.Estimate(token) + index._givenWords.Estimate(token),
                };
                source.Prefixes.Add((index._familyWords, token));
                source.Prefixes.Add((index._givenWords, token));
                sources.Add(source);
            }

            if (FamilyExact is not null)
            {
                var range = SortedPrefix.Equal(index._family, FamilyExact, 0, index._family.Length);
                sources.Add(new Source { Range = range, Estimate = range.End - range.Start });
            }
            else
            {
                foreach (var token in FamilyTokens)
                {
                    var range = SortedPrefix.Range(index._family, token);
                    var source = new Source { Range = range, Estimate = range.End - range.Start + index._familyWords.Estimate(token) };
                    source.Prefixes.Add((index._familyWords, token));
                    sources.Add(source);
                }
            }

            foreach (var token in GivenTokens)
            {
                var source = new Source { Estimate = index._givenWords.Estimate(token) };
                source.Prefixes.Add((index._givenWords, token));
                sources.Add(source);
            }

            AddList(sources, index._byProfession, Profession);
            AddList(sources, index._bySavoirFaire, SavoirFaire);
            AddList(sources, index._byCity, City);
            if (PostalCode is not null)
            {
                var source = new Source { Estimate = index._byPostalCode.Estimate(PostalCode) };
                source.Prefixes.Add((index._byPostalCode, PostalCode));
                sources.Add(source);
            }

            if (Mailbox is not null && MailboxMatch != MailboxMatch.Contains)
            {
                var range = MailboxMatch == MailboxMatch.Exact
                    ? SortedPrefix.Equal(index._mailboxes, Mailbox, 0, index._mailboxes.Length)
                    : SortedPrefix.Range(index._mailboxes, Mailbox);
                var owners = index._mailboxOwners.AsSpan(range.Start, range.End - range.Start).ToArray();
                Array.Sort(owners);
                var source = new Source { Estimate = owners.Length };
                source.Lists.Add(owners);
                sources.Add(source);
            }
            else if (Mailbox is not null && sources.Count == 0)
            {
                // Substring search has no index: scan the sorted addresses once (tens of ms on 2 M boxes).
                var owners = new List<int>();
                for (var i = 0; i < index._mailboxes.Length; i++)
                {
                    if (index._mailboxes[i].Contains(Mailbox, StringComparison.Ordinal))
                    {
                        owners.Add(index._mailboxOwners[i]);
                    }
                }

                var array = owners.Distinct().ToArray();
                Array.Sort(array);
                var source = new Source { Estimate = array.Length };
                source.Lists.Add(array);
                sources.Add(source);
            }

            Driver = sources.Count == 0 ? null : sources.MinBy(s => s.Estimate);
            Empty = Driver is { Estimate: 0 };
        }

        public DirectoryIndex Index { get; }

        public string[] NameTokens { get; }

        public string NameJoined { get; }

        public string[] FamilyTokens { get; }

        public string? FamilyExact { get; }

        public string[] GivenTokens { get; }

        public string? Profession { get; }

        public string? SavoirFaire { get; }

        public string? City { get; }

        public string? PostalCode { get; }

        public string? Identifier { get; }

        public string? Mailbox { get; }

        public MailboxMatch MailboxMatch { get; }

        public MailboxType? MailboxType { get; }

        public bool Ranked { get; }

        public Source? Driver { get; }

        public bool Empty { get; }

        /// <summary>Checks every criterion against practitioner <paramref name="i"/>.</summary>
        public bool Matches(int i)
        {
            var family = Index._family[i];
            var given = Index._given[i];
            foreach (var t in NameTokens)
            {
                if (!TextNormalizer.HasWordStartingWith(family, t) && !TextNormalizer.HasWordStartingWith(given, t))
                {
                    return false;
                }
            }

            if (FamilyExact is not null)
            {
                if (!string.Equals(family, FamilyExact, StringComparison.Ordinal))
                {
                    return false;
                }
            }
            else
            {
                foreach (var t in FamilyTokens)
                {
                    if (!TextNormalizer.HasWordStartingWith(family, t))
                    {
                        return false;
                    }
                }
            }

            foreach (var t in GivenTokens)
            {
                if (!TextNormalizer.HasWordStartingWith(given, t))
                {
                    return false;
                }
            }

            var p = Index._items[i];
            if (Identifier is not null && !(p.IdNat == Identifier || p.IdPP == Identifier))
            {
                return false;
            }

            if (Profession is not null || SavoirFaire is not null || PostalCode is not null)
            {
                var found = false;
                foreach (var a in p.Activities)
                {
                    if ((Profession is null || a.ProfessionCode == Profession)
                        && (SavoirFaire is null || a.SavoirFaireCode == SavoirFaire)
                        && (PostalCode is null || (a.Structure?.Address.PostalCode?.StartsWith(PostalCode, StringComparison.Ordinal) ?? false)))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            if (City is not null && Array.IndexOf(Index._cities[i], City) < 0)
            {
                return false;
            }

            if (Mailbox is not null || MailboxType is not null)
            {
                var found = false;
                foreach (var m in p.Mailboxes)
                {
                    if ((MailboxType is null || m.Type == MailboxType) && (Mailbox is null || MailboxMatches(m.Address)))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>0: the query is the whole family name; 1: a query word starts a family-name word; 2: given name only.</summary>
        public int Tier(int i)
        {
            if (!Ranked)
            {
                return 0;
            }

            var family = Index._family[i];
            if (FamilyExact is not null)
            {
                return 0;
            }

            if ((NameTokens.Length > 0 && (family == NameJoined || Array.IndexOf(NameTokens, family) >= 0))
                || (FamilyTokens.Length > 0 && family == string.Join(' ', FamilyTokens)))
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

            return FamilyTokens.Length > 0 ? 1 : 2;
        }

        private bool MailboxMatches(string address) => MailboxMatch switch
        {
            MailboxMatch.Exact => address.Equals(Mailbox, StringComparison.OrdinalIgnoreCase),
            MailboxMatch.StartsWith => address.StartsWith(Mailbox!, StringComparison.OrdinalIgnoreCase),
            _ => address.Contains(Mailbox!, StringComparison.OrdinalIgnoreCase),
        };

        private static string NormalizeIdentifier(string id)
        {
            return id.Trim();
        }

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

        private static void AddList(List<Source> sources, Dictionary<string, int[]> map, string? key)
        {
            if (key is null)
            {
                return;
            }

            var source = new Source { Estimate = map.TryGetValue(key, out var list) ? list.Length : 0 };
            if (list is not null)
            {
                source.Lists.Add(list);
            }

            sources.Add(source);
        }
    }

    /// <summary>Counts matches and keeps the first <c>offset + count</c> of each tier, in position order.</summary>
    private struct Collector(Plan plan, int keep)
    {
        public int Total;
        public List<int> Tier0 = [];
        public List<int> Tier1 = [];
        public List<int> Tier2 = [];

        public void Visit(int i)
        {
            if (!plan.Matches(i))
            {
                return;
            }

            Total++;
            var list = plan.Tier(i) switch
            {
                0 => Tier0,
                1 => Tier1,
                _ => Tier2,
            };
            if (list.Count < keep)
            {
                list.Add(i);
            }
        }
    }
}
