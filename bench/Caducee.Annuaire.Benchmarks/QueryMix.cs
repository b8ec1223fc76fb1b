// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Benchmarks;

/// <summary>One benchmark query: its kind, the FHIR query string and the directory query it parses to.</summary>
internal sealed record BenchQuery(string Kind, string Fhir, DirectoryQuery Query);

/// <summary>
/// A realistic query mix drawn from the loaded data (seeded): exact surnames, 3-5 letter surname prefixes
/// (accents stripped, case changed), surname + given name, profession + city, specialty + department,
/// RPPS, exact mailbox. Pages of 20; every other FHIR query also includes roles and organizations.
/// </summary>
internal static class QueryMix
{
    public static IReadOnlyList<BenchQuery> Build(DirectoryStore store, int count, int seed)
    {
        var rng = new Random(seed);
        var total = store.PractitionerCount;
        var sample = new List<DirectoryPractitioner>();
        for (var i = 0; i < 2000; i++)
        {
            sample.AddRange(store.Search(new DirectoryQuery { Offset = rng.Next(Math.Max(1, total - 1)), Count = 1 }).Items);
        }

        var queries = new List<BenchQuery>(count);
        for (var i = 0; i < count; i++)
        {
            var p = sample[rng.Next(sample.Count)];
            var a = p.Activities.Count > 0 ? p.Activities[rng.Next(p.Activities.Count)] : null;
            var family = TextNormalizer.Normalize(p.FamilyName);
            var (kind, fhir) = (i % 7) switch
            {
                0 => ("name-exact", $"name={Uri.EscapeDataString(p.FamilyName.ToLowerInvariant())}"),
                1 => ("name-prefix", $"name={Uri.EscapeDataString(family[..Math.Min(family.Length, 3 + rng.Next(3))].ToUpperInvariant())}"),
                2 => ("family+given", $"family={Uri.EscapeDataString(family)}&given={Uri.EscapeDataString(p.GivenName)}"),
                3 when a?.Structure?.Address.City is { } city => ("profession+city", $"role={a.ProfessionCode}&address-city={Uri.EscapeDataString(city)}"),
                4 when a?.SavoirFaireCode is { } sf && a.Structure?.Address.PostalCode is { } postal => ("specialty+dept", $"specialty={sf}&address-postalcode={postal[..2]}"),
                5 => ("rpps", $"identifier={Uri.EscapeDataString(FhirSystems.Rpps + "|" + p.IdPP)}"),
                6 when p.Mailboxes.Count > 0 => ("mailbox-exact", $"mailbox-mss:exact={Uri.EscapeDataString(p.Mailboxes[0].Address)}"),
                _ => ("name-exact", $"name={Uri.EscapeDataString(p.FamilyName)}"),
            };
            if (i % 2 == 1)
            {
                fhir += "&_revinclude=PractitionerRole:practitioner&_include=PractitionerRole:organization";
            }

            var request = FhirSearchRequest.Parse(FhirSearchRequest.QueryString(fhir));
            if (request.Errors.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", request.Errors));
            }

            queries.Add(new BenchQuery(kind, fhir, request.Query));
        }

        return queries;
    }

    /// <summary>
    /// What the web host does per request: parse the query string, search, write the Bundle to the response
    /// (here a reused buffer standing for <c>HttpResponse.BodyWriter</c>). Returns the JSON size.
    /// </summary>
    public static int Fhir(DirectoryStore store, string queryString, System.Buffers.ArrayBufferWriter<byte> response)
    {
        response.ResetWrittenCount();
        var request = FhirSearchRequest.Parse(FhirSearchRequest.QueryString(queryString));
        FhirRenderer.WriteSearchBundle(response, store.Search(request.Query), request, "https://annuaire.caducee.example/fhir");
        return response.WrittenCount;
    }
}
