// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;

namespace Caducee.Annuaire.Tests;

public sealed class FhirTests : IAsyncLifetime
{
    private const string Base = "https://annuaire.example.fr/fhir";
    private SampleStore _s = null!;

    public async Task InitializeAsync() => _s = await SampleStore.CreateAsync();

    public Task DisposeAsync()
    {
        _s.Dispose();
        return Task.CompletedTask;
    }

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement;

    private (JsonElement Bundle, FhirSearchRequest Request) Search(string queryString)
    {
        var request = FhirSearchRequest.Parse(FhirSearchRequest.QueryString(queryString));
        Assert.Empty(request.Errors);
        return (Parse(FhirRenderer.SearchBundle(_s.Store.Search(request.Query), request, Base)), request);
    }

    [Fact]
    public void Practitioner_has_national_identifiers_name_and_qualifications()
    {
        var p = Parse(FhirRenderer.Practitioner(_s.Store.FindPractitioner("10001234567")!));
        Assert.Equal("Practitioner", p.GetProperty("resourceType").GetString());
        Assert.Equal("810001234567", p.GetProperty("id").GetString());
        Assert.Equal(FhirSystems.PractitionerProfile, p.GetProperty("meta").GetProperty("profile")[0].GetString());
        var ids = p.GetProperty("identifier");
        Assert.Equal(("urn:oid:1.2.250.1.71.4.2.1", "810001234567", "IDNPS"),
            (ids[0].GetProperty("system").GetString(), ids[0].GetProperty("value").GetString(), ids[0].GetProperty("type").GetProperty("coding")[0].GetProperty("code").GetString()));
        Assert.Equal(("https://rpps.esante.gouv.fr", "10001234567", "RPPS"),
            (ids[1].GetProperty("system").GetString(), ids[1].GetProperty("value").GetString(), ids[1].GetProperty("type").GetProperty("coding")[0].GetProperty("code").GetString()));
        var name = p.GetProperty("name")[0];
        Assert.Equal(("DUPONT", "Jean", "M", "DR"),
            (name.GetProperty("family").GetString(), name.GetProperty("given")[0].GetString(), name.GetProperty("prefix")[0].GetString(), name.GetProperty("suffix")[0].GetString()));
        var codes = p.GetProperty("qualification").EnumerateArray().Select(q => q.GetProperty("code").GetProperty("coding")[0]).ToArray();
        Assert.Equal(["10", "SM26", "SM54"], codes.Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(FhirSystems.Profession, codes[0].GetProperty("system").GetString());
        Assert.Equal("https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale", codes[1].GetProperty("system").GetString());
    }

    [Fact]
    public void Mailboxes_follow_as_mailbox_mss()
    {
        var p = Parse(FhirRenderer.Practitioner(_s.Store.FindPractitioner("10001234567")!));
        var telecom = p.GetProperty("telecom");
        Assert.Equal(2, telecom.GetArrayLength());
        var box = telecom[0];
        Assert.Equal(("email", "jean.dupont@medecin.mssante.fr", 1), (box.GetProperty("system").GetString(), box.GetProperty("value").GetString(), box.GetProperty("rank").GetInt32()));
        Assert.Equal(2, telecom[1].GetProperty("rank").GetInt32());
        var ext = box.GetProperty("extension");
        Assert.Equal("https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type", ext[0].GetProperty("url").GetString());
        var coding = ext[0].GetProperty("valueCoding");
        Assert.Equal(("https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie", "MSSANTE"),
            (coding.GetProperty("system").GetString(), coding.GetProperty("code").GetString()));
        Assert.Equal("https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata", ext[1].GetProperty("url").GetString());
        var sub = ext[1].GetProperty("extension").EnumerateArray().ToDictionary(e => e.GetProperty("url").GetString()!);
        var type = sub["type"].GetProperty("valueCodeableConcept").GetProperty("coding")[0];
        Assert.Equal(("https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL", "PER"), (type.GetProperty("system").GetString(), type.GetProperty("code").GetString()));
        Assert.False(sub["listeRouge"].GetProperty("valueBoolean").GetBoolean());
        Assert.True(sub["digitization"].GetProperty("valueBoolean").GetBoolean());

        var second = telecom[1].GetProperty("extension")[1].GetProperty("extension").EnumerateArray().ToDictionary(e => e.GetProperty("url").GetString()!);
        Assert.Equal("Cardiologie", second["service"].GetProperty("valueString").GetString());
    }

    [Fact]
    public void Organization_and_practitioner_role_shapes()
    {
        var chu = Parse(FhirRenderer.Organization(_s.Store.FindStructure("F690781810")!));
        Assert.Equal(("Organization", "F690781810", "HOPITAL EDOUARD HERRIOT"), (chu.GetProperty("resourceType").GetString(), chu.GetProperty("id").GetString(), chu.GetProperty("name").GetString()));
        var ids = chu.GetProperty("identifier").EnumerateArray().Select(i => (i.GetProperty("system").GetString(), i.GetProperty("value").GetString())).ToArray();
        Assert.Contains(("https://finess.esante.gouv.fr", "690781810"), ids);
        Assert.Contains(("urn:oid:1.2.250.1.71.4.2.2", "1690781810"), ids);
        Assert.Contains(("https://sirene.fr", "26690002700013"), ids);
        var telecom = chu.GetProperty("telecom");
        Assert.Equal(("phone", "0472110000"), (telecom[0].GetProperty("system").GetString(), telecom[0].GetProperty("value").GetString()));
        var org = telecom[1];
        Assert.Equal("secretariat.cardiologie@chu-lyon.mssante.fr", org.GetProperty("value").GetString());
        var sub = org.GetProperty("extension")[1].GetProperty("extension").EnumerateArray().ToDictionary(e => e.GetProperty("url").GetString()!);
        Assert.Equal("ORG", sub["type"].GetProperty("valueCodeableConcept").GetProperty("coding")[0].GetProperty("code").GetString());
        Assert.Equal("Secrétariat de cardiologie", sub["service"].GetProperty("valueString").GetString());
        Assert.Equal(("LYON", "69003"), (chu.GetProperty("address")[0].GetProperty("city").GetString(), chu.GetProperty("address")[0].GetProperty("postalCode").GetString()));

        var jean = _s.Store.FindPractitioner("10001234567")!;
        var activity = jean.Activities.Single(a => a.ModeCode == "S");
        var role = Parse(FhirRenderer.PractitionerRole(jean, activity));
        Assert.Equal("Practitioner/810001234567", role.GetProperty("practitioner").GetProperty("reference").GetString());
        Assert.Equal("Organization/F690781810", role.GetProperty("organization").GetProperty("reference").GetString());
        Assert.Equal("SM54", role.GetProperty("specialty")[0].GetProperty("coding")[0].GetProperty("code").GetString());
        Assert.Matches("^[A-Za-z0-9\\-\\.]{1,64}$", role.GetProperty("id").GetString());
        var found = _s.Store.FindPractitionerRole(role.GetProperty("id").GetString()!);
        Assert.NotNull(found);
        Assert.Same(activity, found.Value.Activity);
        Assert.Null(_s.Store.FindPractitionerRole("810001234567-0000000000000000"));
    }

    [Fact]
    public void Search_bundle_is_a_searchset_with_total_and_paging_links()
    {
        var (bundle, _) = Search("name=dupont&_count=2");
        Assert.Equal(("Bundle", "searchset", 4), (bundle.GetProperty("resourceType").GetString(), bundle.GetProperty("type").GetString(), bundle.GetProperty("total").GetInt32()));
        var links = bundle.GetProperty("link").EnumerateArray().ToDictionary(l => l.GetProperty("relation").GetString()!, l => l.GetProperty("url").GetString());
        Assert.Equal($"{Base}/Practitioner?name=dupont&_count=2&_offset=0", links["self"]);
        Assert.Equal($"{Base}/Practitioner?name=dupont&_count=2&_offset=2", links["next"]);
        Assert.False(links.ContainsKey("previous"));
        var entries = bundle.GetProperty("entry");
        Assert.Equal(2, entries.GetArrayLength());
        Assert.Equal($"{Base}/Practitioner/810002345678", entries[0].GetProperty("fullUrl").GetString());
        Assert.Equal("match", entries[0].GetProperty("search").GetProperty("mode").GetString());

        var (page2, _) = Search("name=dupont&_count=2&_offset=2");
        var links2 = page2.GetProperty("link").EnumerateArray().ToDictionary(l => l.GetProperty("relation").GetString()!, l => l.GetProperty("url").GetString());
        Assert.Equal($"{Base}/Practitioner?name=dupont&_count=2&_offset=0", links2["previous"]);
        Assert.False(links2.ContainsKey("next"));
        Assert.Equal("LEFÈVRE-DUPONT", page2.GetProperty("entry")[1].GetProperty("resource").GetProperty("name")[0].GetProperty("family").GetString());
    }

    [Fact]
    public void Total_none_and_includes()
    {
        var (bundle, _) = Search("mailbox-mss:contains=chu-lyon&_total=none&_revinclude=PractitionerRole:practitioner&_include=PractitionerRole:organization");
        Assert.False(bundle.TryGetProperty("total", out _));
        var entries = bundle.GetProperty("entry").EnumerateArray().ToArray();
        var kinds = entries.Select(e => (e.GetProperty("resource").GetProperty("resourceType").GetString(), e.GetProperty("search").GetProperty("mode").GetString())).ToArray();
        Assert.Equal(2, kinds.Count(k => k == ("Practitioner", "match")));
        Assert.Equal(3, kinds.Count(k => k == ("PractitionerRole", "include"))); // Hélène 1 + Jean 2
        Assert.Equal(2, kinds.Count(k => k == ("Organization", "include"))); // CHU and the Paris cabinet
        var self = bundle.GetProperty("link")[0].GetProperty("url").GetString()!;
        Assert.Contains("mailbox-mss:contains=chu-lyon", self, StringComparison.Ordinal);
    }

    [Fact]
    public void Liste_rouge_never_reaches_fhir_output()
    {
        var (bundle, _) = Search("_count=100&_revinclude=PractitionerRole:practitioner&_include=PractitionerRole:organization");
        var json = bundle.GetRawText();
        Assert.Equal(9, bundle.GetProperty("total").GetInt32());
        Assert.DoesNotContain("zoe.lerouge", json, StringComparison.Ordinal);
        Assert.DoesNotContain("noemie.peres", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"valueBoolean\":true}]}],\"system\":\"email\"", json.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_parameters_are_parsed()
    {
        var r = FhirSearchRequest.Parse(FhirSearchRequest.QueryString(
            "?identifier=urn%3Aoid%3A1.2.250.1.71.4.2.1%7C810001234567&family:exact=Dupont&given=Jean&mailbox-mss:exact=a%40b.mssante.fr" +
            "&mailbox-mss-type=https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL|PER&_count=5&_offset=10&_total=accurate&_format=json"));
        Assert.Empty(r.Errors);
        var q = r.Query;
        Assert.Equal(("810001234567", "Dupont", true, "Jean", "a@b.mssante.fr", MailboxMatch.Exact, MailboxType.Per, 5, 10),
            (q.Identifier, q.Family, q.FamilyExact, q.Given, q.Mailbox, q.MailboxMatch, q.MailboxType, q.Count, q.Offset));
        Assert.Equal(FhirTotalMode.Accurate, r.Total);

        Assert.Equal(MailboxMatch.Contains, FhirSearchRequest.Parse(FhirSearchRequest.QueryString("mailbox-mss:contains=x")).Query.MailboxMatch);
        Assert.Equal(MailboxMatch.StartsWith, FhirSearchRequest.Parse(FhirSearchRequest.QueryString("mailbox-mss=x")).Query.MailboxMatch);
        Assert.Equal("10001234567", FhirSearchRequest.Parse(FhirSearchRequest.QueryString("identifier=https://rpps.esante.gouv.fr|10001234567")).Query.Identifier);
        Assert.Equal(FhirSearchRequest.DefaultCount, FhirSearchRequest.Parse([]).Query.Count);
        Assert.Equal("jean dupont", FhirSearchRequest.Parse(FhirSearchRequest.QueryString("name=jean&name=dupont")).Query.Name);
        Assert.Single(FhirSearchRequest.Parse(FhirSearchRequest.QueryString("name=dupont,martin")).Errors);

        var bad = FhirSearchRequest.Parse(FhirSearchRequest.QueryString("_count=abc&birthdate=1970&identifier=urn:oid:9.9|1&mailbox-mss-type=XYZ&_total=maybe&name:contains=x&_offset=-1"));
        Assert.Equal(7, bad.Errors.Count);
        var outcome = Parse(FhirRenderer.OperationOutcome(bad.Errors));
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal(7, outcome.GetProperty("issue").GetArrayLength());
    }

    [Fact]
    public void Rpps_identifier_search_through_fhir_finds_the_practitioner()
    {
        var (bundle, _) = Search("identifier=https://rpps.esante.gouv.fr|10001234567");
        Assert.Equal(1, bundle.GetProperty("total").GetInt32());
        Assert.Equal("810001234567", bundle.GetProperty("entry")[0].GetProperty("resource").GetProperty("id").GetString());
    }
}
