// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 7, points 4 and 5: the demo's Annuaire Santé over real HTTPS on the authority (FHIR R4 and REST).</summary>
public sealed class AnnuaireApiTests(DemoFixture demo) : IClassFixture<DemoFixture>, IDisposable
{
    private const string IdNatPs = "urn:oid:1.2.250.1.71.4.2.1";
    private readonly HttpClient _http = TrustingClient(demo.Json.Ca);

    public void Dispose() => _http.Dispose();

    internal static HttpClient TrustingClient(string caPem, X509Certificate2? clientCertificate = null)
    {
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(caPem);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
                chain.ChainPolicy.ExtraStore.AddRange(anchors);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert) && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
            },
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(clientCertificate);
        }

        return new HttpClient(handler, disposeHandler: true);
    }

    private string Fhir(string relative) => demo.Json.Authority.Fhir + "/" + relative;

    private async Task<(HttpStatusCode Status, string? MediaType, JsonElement Body)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url));
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, doc.RootElement.Clone());
    }

    private async Task<JsonElement> SearchAsync(string query)
    {
        var (status, mediaType, body) = await GetAsync(Fhir("Practitioner?" + query));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+json", mediaType);
        Assert.Equal("Bundle", body.GetProperty("resourceType").GetString());
        Assert.Equal("searchset", body.GetProperty("type").GetString());
        return body;
    }

    private static IEnumerable<JsonElement> Resources(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource")) : [];

    private static IEnumerable<string> MailboxAddresses(JsonElement practitioner) =>
        practitioner.TryGetProperty("telecom", out var telecom) ? telecom.EnumerateArray().Select(t => t.GetProperty("value").GetString()!) : [];

    private static string Fold(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString().ToLowerInvariant();
    }

    /// <summary>Practitioners with a PER mailbox (first 200).</summary>
    private async Task<List<JsonElement>> PractitionersWithMailboxAsync() =>
        [.. Resources(await SearchAsync("mailbox-mss-type=PER&_count=200")).Where(p => MailboxAddresses(p).Any())];

    [Fact]
    public async Task The_demo_directory_holds_at_least_10000_professionals()
    {
        var bundle = await SearchAsync("_count=0&_total=accurate");
        Assert.True(bundle.GetProperty("total").GetInt32() >= 10_000, bundle.GetProperty("total").ToString());
        Assert.Empty(Resources(bundle));

        var (status, _, stats) = await GetAsync(demo.Json.Authority.Directory + "/stats");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(bundle.GetProperty("total").GetInt32(), stats.GetProperty("practitioners").GetInt32());
        Assert.True(File.Exists(Path.Combine(demo.Directory.FullName, "authority", "annuaire.db")));
    }

    [Fact]
    public async Task Search_by_family_returns_a_searchset_of_Practitioners_with_as_mailbox_mss_telecoms()
    {
        var sample = (await PractitionersWithMailboxAsync())[0];
        var family = sample.GetProperty("name")[0].GetProperty("family").GetString()!;
        var bundle = await SearchAsync("family=" + Uri.EscapeDataString(family) + "&_count=100");
        Assert.True(bundle.GetProperty("total").GetInt32() >= 1);
        var practitioners = Resources(bundle).ToList();
        Assert.NotEmpty(practitioners);
        Assert.All(practitioners, p => Assert.Equal("Practitioner", p.GetProperty("resourceType").GetString()));
        var familyWords = Fold(family).Split(' ', '-');
        Assert.All(practitioners, p => Assert.True(
            Fold(p.GetProperty("name")[0].GetProperty("family").GetString()!).Replace(" ", "-", StringComparison.Ordinal).Contains(string.Join('-', familyWords), StringComparison.Ordinal),
            p.GetProperty("name")[0].GetProperty("family").GetString()));

        var found = Assert.Single(practitioners, p => p.GetProperty("id").GetString() == sample.GetProperty("id").GetString());
        var telecom = found.GetProperty("telecom")[0];
        Assert.Equal("email", telecom.GetProperty("system").GetString());
        Assert.Contains('@', telecom.GetProperty("value").GetString()!);
        var extensions = telecom.GetProperty("extension").EnumerateArray().ToList();
        var emailType = Assert.Single(extensions, e => e.GetProperty("url").GetString() == "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type");
        Assert.Equal("MSSANTE", emailType.GetProperty("valueCoding").GetProperty("code").GetString());
        var metadata = Assert.Single(extensions, e => e.GetProperty("url").GetString() == "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata");
        var type = Assert.Single(metadata.GetProperty("extension").EnumerateArray(), e => e.GetProperty("url").GetString() == "type");
        Assert.Equal("PER", type.GetProperty("valueCodeableConcept").GetProperty("coding")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Count_and_next_links_page_through_the_results()
    {
        var first = await SearchAsync("name=ma&_count=5");
        var total = first.GetProperty("total").GetInt32();
        Assert.True(total > 10, $"total {total}");
        var firstIds = Resources(first).Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(5, firstIds.Count);
        var next = first.GetProperty("link").EnumerateArray().Single(l => l.GetProperty("relation").GetString() == "next").GetProperty("url").GetString()!;
        Assert.StartsWith(demo.Json.Authority.Fhir + "/Practitioner?", next, StringComparison.Ordinal);

        var (status, _, second) = await GetAsync(next);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(total, second.GetProperty("total").GetInt32());
        var secondIds = Resources(second).Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(5, secondIds.Count);
        Assert.Empty(firstIds.Intersect(secondIds));

        // The two pages are the first ten of one ranking.
        var ten = Resources(await SearchAsync("name=ma&_count=10")).Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(ten, firstIds.Concat(secondIds).ToList());
    }

    [Fact]
    public async Task Identifier_finds_exactly_one_practitioner_by_RPPS_and_by_national_id()
    {
        var sample = (await PractitionersWithMailboxAsync()).First(p => p.GetProperty("identifier").EnumerateArray().Any(i => i.GetProperty("system").GetString() == "https://rpps.esante.gouv.fr"));
        var idNat = sample.GetProperty("id").GetString()!;
        var rpps = sample.GetProperty("identifier").EnumerateArray().First(i => i.GetProperty("system").GetString() == "https://rpps.esante.gouv.fr").GetProperty("value").GetString()!;
        foreach (var code in new[] { rpps, idNat })
        {
            var bundle = await SearchAsync("identifier=" + Uri.EscapeDataString($"{IdNatPs}|{code}"));
            Assert.Equal(1, bundle.GetProperty("total").GetInt32());
            Assert.Equal(idNat, Assert.Single(Resources(bundle)).GetProperty("id").GetString());
        }

        var (status, mediaType, read) = await GetAsync(Fhir("Practitioner/" + idNat));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+json", mediaType);
        Assert.Equal(idNat, read.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Mailbox_mss_contains_and_exact_match_published_addresses()
    {
        var sample = (await PractitionersWithMailboxAsync())[0];
        var address = MailboxAddresses(sample).First();
        var at = address.IndexOf('@', StringComparison.Ordinal);
        var fragment = address[1..(at + 3)]; // inside the address, across the '@'
        var bundle = await SearchAsync("mailbox-mss:contains=" + Uri.EscapeDataString(fragment) + "&_count=1000");
        var practitioners = Resources(bundle).ToList();
        Assert.Contains(practitioners, p => p.GetProperty("id").GetString() == sample.GetProperty("id").GetString());
        Assert.All(practitioners, p => Assert.Contains(MailboxAddresses(p), a => a.Contains(fragment, StringComparison.OrdinalIgnoreCase)));

        var exact = await SearchAsync("mailbox-mss:exact=" + Uri.EscapeDataString(address));
        Assert.Equal(sample.GetProperty("id").GetString(), Assert.Single(Resources(exact)).GetProperty("id").GetString());
        Assert.Equal(0, (await SearchAsync("mailbox-mss:exact=" + Uri.EscapeDataString(fragment))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Reads_of_roles_and_organizations_work_and_unknown_ids_are_404_OperationOutcomes()
    {
        var roles = await GetAsync(Fhir("PractitionerRole?name=ma&_count=3"));
        Assert.Equal(HttpStatusCode.OK, roles.Status);
        var role = Resources(roles.Body).First();
        Assert.Equal("PractitionerRole", role.GetProperty("resourceType").GetString());
        var roleRead = await GetAsync(Fhir("PractitionerRole/" + role.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, roleRead.Status);
        Assert.Equal(role.GetProperty("id").GetString(), roleRead.Body.GetProperty("id").GetString());
        var organization = role.GetProperty("organization").GetProperty("reference").GetString()!;
        Assert.StartsWith("Organization/", organization, StringComparison.Ordinal);
        var organizationRead = await GetAsync(Fhir(organization));
        Assert.Equal(HttpStatusCode.OK, organizationRead.Status);
        Assert.Equal("Organization", organizationRead.Body.GetProperty("resourceType").GetString());

        foreach (var path in new[] { "Practitioner/899999999999", "PractitionerRole/nope", "Organization/nope" })
        {
            var (status, mediaType, body) = await GetAsync(Fhir(path));
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("application/fhir+json", mediaType);
            Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
            Assert.Equal("not-found", body.GetProperty("issue")[0].GetProperty("code").GetString());
        }
    }

    [Theory]
    [InlineData("Practitioner?unknown=1", "unknown")]
    [InlineData("Practitioner?_count=abc", "_count")]
    [InlineData("Practitioner?mailbox-mss-type=XYZ", "mailbox-mss-type")]
    [InlineData("Practitioner?identifier=" + "urn:oid:9.9|1", "identifier system")]
    [InlineData("PractitionerRole?family:fuzzy=x", "family:fuzzy")]
    public async Task Bad_parameters_are_400_OperationOutcomes(string relative, string mentioned)
    {
        var (status, mediaType, body) = await GetAsync(Fhir(relative));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/fhir+json", mediaType);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
        Assert.Contains(mentioned, body.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Liste_rouge_mailboxes_never_appear_REQ24()
    {
        var file = Directory.GetFiles(demo.Json.Authority.DirectoryFiles, "Caducee_BAL_ListeRouge_*.txt").Single();
        var rows = File.ReadLines(file).Skip(1).Select(l => l.Split('|')).Where(c => c[0] == "PER" && c[4].Length > 0).Take(5).ToList();
        Assert.NotEmpty(rows);
        foreach (var columns in rows)
        {
            var address = columns[1];
            Assert.Equal(0, (await SearchAsync("mailbox-mss:exact=" + Uri.EscapeDataString(address))).GetProperty("total").GetInt32());
            Assert.Equal(0, (await SearchAsync("mailbox-mss:contains=" + Uri.EscapeDataString(address))).GetProperty("total").GetInt32());

            // The owner is published, without the hidden box.
            var (status, _, owner) = await GetAsync(Fhir("Practitioner/" + columns[4]));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain(address, MailboxAddresses(owner), StringComparer.OrdinalIgnoreCase);
            var (_, _, rest) = await GetAsync(demo.Json.Authority.Directory + "/search?mailbox=" + Uri.EscapeDataString(address));
            Assert.Equal(0, rest.GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Rest_search_finds_a_professional_by_name_prefix_without_accents()
    {
        // A family name whose first word has an accent; the prefix covers the accented letter.
        var candidates = Resources(await SearchAsync("mailbox-mss-type=PER&_count=1000")).Where(p => MailboxAddresses(p).Any());
        var sample = candidates.First(p =>
        {
            var word = p.GetProperty("name")[0].GetProperty("family").GetString()!.Split(' ', '-')[0];
            return word.All(char.IsLetter) && !word.All(char.IsAscii);
        });
        var family = sample.GetProperty("name")[0].GetProperty("family").GetString()!;
        var given = sample.GetProperty("name")[0].GetProperty("given")[0].GetString()!;
        var firstWord = family.Split(' ', '-')[0];
        var accent = firstWord.ToList().FindIndex(c => c > 127);
        var prefix = Fold(firstWord)[..Math.Max(Math.Min(3, firstWord.Length), accent + 1)];
        Assert.NotEqual(prefix, firstWord[..prefix.Length].ToLowerInvariant()); // the query really drops an accent
        var q = $"{prefix} {Fold(given)}";
        Assert.DoesNotContain(q, c => c > 127);

        var (status, _, body) = await GetAsync(demo.Json.Authority.Directory + "/search?count=100&q=" + Uri.EscapeDataString(q));
        Assert.Equal(HttpStatusCode.OK, status);
        var item = Assert.Single(body.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == sample.GetProperty("id").GetString());
        Assert.Equal(family, item.GetProperty("familyName").GetString());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("profession").GetString()));
        Assert.False(string.IsNullOrEmpty(item.GetProperty("city").GetString()));
        Assert.Equal(MailboxAddresses(sample).ToList(), item.GetProperty("mailboxes").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).ToList());
        Assert.All(body.GetProperty("items").EnumerateArray(), i => Assert.Contains(
            Fold(i.GetProperty("familyName").GetString()! + " " + i.GetProperty("givenName").GetString()!).Split(' ', '-'),
            w => w.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("count=0&q=ma", "count")]
    [InlineData("count=1000&q=ma", "count")]
    [InlineData("rpps=abc", "rpps")]
    [InlineData("", "q")]
    [InlineData("q=ma&color=blue", "color")]
    public async Task Rest_search_rejects_bad_input_with_problem_details(string query, string field)
    {
        using var response = await _http.GetAsync(new Uri(demo.Json.Authority.Directory + "/search?" + query));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("errors").TryGetProperty(field, out _), doc.RootElement.ToString());
    }

    [Fact]
    public async Task The_demo_doctors_are_professionals_of_the_directory()
    {
        var doctors = demo.Json.Operators.SelectMany(o => o.Mailboxes).Where(m => m.Kind == "PER").ToList();
        Assert.Equal(2, doctors.Count);
        Assert.NotEqual(doctors[0].Rpps, doctors[1].Rpps);
        foreach (var doctor in doctors)
        {
            var bundle = await SearchAsync("identifier=" + Uri.EscapeDataString($"{IdNatPs}|{doctor.Rpps}"));
            var practitioner = Assert.Single(Resources(bundle));
            var name = practitioner.GetProperty("name")[0];
            Assert.Equal($"Dr {name.GetProperty("given")[0].GetString()} {name.GetProperty("family").GetString()}", doctor.DisplayName);
            Assert.Contains("\"code\":\"10\"", practitioner.GetProperty("qualification").ToString(), StringComparison.Ordinal); // médecin
        }
    }

    [Fact]
    public async Task Metadata_is_a_CapabilityStatement_listing_the_resources_and_search_parameters()
    {
        var (status, mediaType, body) = await GetAsync(Fhir("metadata"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+json", mediaType);
        Assert.Equal("CapabilityStatement", body.GetProperty("resourceType").GetString());
        var resources = body.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().ToList();
        Assert.Equal(["Practitioner", "PractitionerRole", "Organization"], resources.Select(r => r.GetProperty("type").GetString()).ToList());
        var parameters = resources[0].GetProperty("searchParam").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("mailbox-mss", parameters);
        Assert.Contains("mailbox-mss-type", parameters);
        Assert.Contains("identifier", parameters);
        Assert.Contains(resources[0].GetProperty("interaction").EnumerateArray(), i => i.GetProperty("code").GetString() == "patch");
    }

    private static string MailboxPatch(string operation, string path, string? address, string type = "PER")
    {
        var value = address is null ? string.Empty : $$$"""
            ,{"name":"value","valueContactPoint":{"system":"email","value":"{{{address}}}","extension":[
              {"url":"https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata","extension":[
                {"url":"type","valueCodeableConcept":{"coding":[{"system":"https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL","code":"{{{type}}}"}]}},
                {"url":"description","valueString":"Publiée par test"}]}]}}
            """;
        return $$$"""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"{{{operation}}}"},{"name":"path","valueString":"{{{path}}}"}{{{value}}}]}]}""";
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PatchAsync(HttpClient http, string url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
        using var response = await http.PatchAsync(new Uri(url), content);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task An_operator_publishes_a_mailbox_by_conditional_PATCH_and_cannot_change_its_address_or_type_REQ26()
    {
        using var operatorCert = DemoFixture.Load(demo.Hospital.ClientCert);
        using var http = TrustingClient(demo.Json.Ca, operatorCert);
        var sample = (await PractitionersWithMailboxAsync())[5];
        var rpps = sample.GetProperty("identifier").EnumerateArray().First(i => i.GetProperty("system").GetString() == "https://rpps.esante.gouv.fr").GetProperty("value").GetString()!;
        var url = Fhir("Practitioner?identifier=" + Uri.EscapeDataString($"{IdNatPs}|{rpps}"));
        var address = $"publiee.{Guid.NewGuid().ToString("N")[..8]}@hopital-nord.mssante.test";

        var (status, updated) = await PatchAsync(http, url, MailboxPatch("add", "Practitioner.telecom", address));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(sample.GetProperty("id").GetString(), updated.GetProperty("id").GetString());
        Assert.Contains(address, MailboxAddresses(updated));
        Assert.Equal(MailboxAddresses(sample).Count() + 1, MailboxAddresses(updated).Count());
        var (_, _, read) = await GetAsync(Fhir("Practitioner/" + sample.GetProperty("id").GetString()));
        Assert.Contains(address, MailboxAddresses(read));
        Assert.Contains(read.GetProperty("telecom").EnumerateArray(), t => t.ToString().Contains("Publiée par test", StringComparison.Ordinal));

        var where = $"Practitioner.telecom.where(value='{address}')";
        var changeAddress = await PatchAsync(http, url, MailboxPatch("replace", where, "autre." + address));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changeAddress.Status);
        Assert.Equal("OperationOutcome", changeAddress.Body.GetProperty("resourceType").GetString());
        Assert.Contains("address", changeAddress.Body.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!, StringComparison.Ordinal);
        var changeType = await PatchAsync(http, url, MailboxPatch("replace", where, address, "ORG"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changeType.Status);
        Assert.Equal("OperationOutcome", changeType.Body.GetProperty("resourceType").GetString());

        var (deleted, afterDelete) = await PatchAsync(http, url, MailboxPatch("delete", where, null));
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.DoesNotContain(address, MailboxAddresses(afterDelete));
        Assert.Equal(MailboxAddresses(sample).ToList(), MailboxAddresses(afterDelete).ToList());
    }

    [Fact]
    public async Task Conditional_PATCH_is_404_when_nothing_matches_412_when_several_do_and_refused_without_an_operator_certificate()
    {
        using var operatorCert = DemoFixture.Load(demo.Hospital.ClientCert);
        using var http = TrustingClient(demo.Json.Ca, operatorCert);
        var body = MailboxPatch("add", "Practitioner.telecom", "x@hopital-nord.mssante.test");

        var none = await PatchAsync(http, Fhir("Practitioner?identifier=" + Uri.EscapeDataString($"{IdNatPs}|89999999999")), body);
        Assert.Equal(HttpStatusCode.NotFound, none.Status);
        Assert.Equal("OperationOutcome", none.Body.GetProperty("resourceType").GetString());
        var several = await PatchAsync(http, Fhir("Practitioner?name=ma"), body);
        Assert.Equal(HttpStatusCode.PreconditionFailed, several.Status);
        Assert.Equal("OperationOutcome", several.Body.GetProperty("resourceType").GetString());

        var sample = (await PractitionersWithMailboxAsync())[6];
        var url = Fhir("Practitioner?identifier=" + Uri.EscapeDataString($"{IdNatPs}|{sample.GetProperty("id").GetString()}"));
        var anonymous = await PatchAsync(_http, url, body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        var doctor = demo.Hospital.Mailboxes.First(m => m.Kind == "PER");
        using var personalCert = X509Certificate2.CreateFromPemFile(doctor.Cert!, doctor.Key!);
        using var personal = TrustingClient(demo.Json.Ca, personalCert);
        var notAnOperator = await PatchAsync(personal, url, body);
        Assert.Equal(HttpStatusCode.Forbidden, notAnOperator.Status);
        var (_, _, unchanged) = await GetAsync(Fhir("Practitioner/" + sample.GetProperty("id").GetString()));
        Assert.DoesNotContain("x@hopital-nord.mssante.test", MailboxAddresses(unchanged));
    }
}
