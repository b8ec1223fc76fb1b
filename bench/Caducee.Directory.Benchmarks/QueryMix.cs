// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Directory.Model;
using Caducee.Directory.Search;
using Caducee.Directory.Store;

namespace Caducee.Directory.Benchmarks;

/// <summary>
/// A realistic query mix drawn from the loaded data: exact surnames, 3-5 letter surname prefixes (accents
/// stripped, case changed), surname + given name, profession + city, specialty + department, RPPS, exact
/// mailbox. Pages of 20.
/// </summary>
internal static class QueryMix
{
    public static IReadOnlyList<(string Kind, DirectoryQuery Query)> Build(DirectoryStore store, int count, int seed)
    {
        var rng = new Random(seed);
        var index = store.Index;
        var sample = new List<DirectoryPractitioner>();
        var probe = store.Search(new DirectoryQuery { Count = DirectoryQuery.MaxCount, Offset = 0 });
        var total = probe.Total;
        for (var i = 0; i < 2000; i++)
        {
            var page = store.Search(new DirectoryQuery { Offset = rng.Next(Math.Max(1, total - 1)), Count = 1 });
            sample.AddRange(page.Items);
        }

        _ = index;
        var queries = new List<(string, DirectoryQuery)>(count);
        for (var i = 0; i < count; i++)
        {
            var p = sample[rng.Next(sample.Count)];
            var a = p.Activities.Count > 0 ? p.Activities[rng.Next(p.Activities.Count)] : null;
            var family = TextNormalizer.Normalize(p.FamilyName);
            switch (i % 7)
            {
                case 0:
                    queries.Add(("name-exact", new DirectoryQuery { Name = p.FamilyName.ToLowerInvariant() }));
                    break;
                case 1:
                    var length = Math.Min(family.Length, 3 + rng.Next(3));
                    queries.Add(("name-prefix", new DirectoryQuery { Name = family[..length].ToUpperInvariant() }));
                    break;
                case 2:
                    queries.Add(("family+given", new DirectoryQuery { Family = family, Given = p.GivenName }));
                    break;
                case 3 when a?.Structure?.Address.City is { } city:
                    queries.Add(("profession+city", new DirectoryQuery { ProfessionCode = a.ProfessionCode, City = city }));
                    break;
                case 4 when a?.SavoirFaireCode is { } sf && a.Structure?.Address.PostalCode is { } postal:
                    queries.Add(("specialty+dept", new DirectoryQuery { SavoirFaireCode = sf, PostalCode = postal[..2] }));
                    break;
                case 5:
                    queries.Add(("rpps", new DirectoryQuery { Identifier = p.IdPP }));
                    break;
                case 6 when p.Mailboxes.Count > 0:
                    queries.Add(("mailbox-exact", new DirectoryQuery { Mailbox = p.Mailboxes[0].Address }));
                    break;
                default:
                    queries.Add(("name-exact", new DirectoryQuery { Name = p.FamilyName }));
                    break;
            }
        }

        return queries;
    }

    public static byte[] Render(DirectoryResults results, DirectoryQuery query)
    {
        _ = query;
        return [];
    }
}
