// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Primitives;

namespace Caducee.EndToEnd.Tests;

/// <summary>
/// Issue 7 point 6 on the running demo: operators publish their mailboxes (PER on Practitioner, ORG/APP on
/// Organization) by conditional PATCH with their certificate, as a reconciliation of their store; the
/// authority keeps the publications across restarts and exports Extraction_Correspondance_MSSante.
/// </summary>
public sealed partial class AnnuairePublicationTests(DemoFixture demo) : IClassFixture<DemoFixture>, IDisposable
{
    private const string IdNatPs = "urn:oid:1.2.250.1.71.4.2.1";
    private const string IdNatSt = "urn:oid:1.2.250.1.71.4.2.2";
    private const string Finess = "https://finess.esante.gouv.fr";
    private static readonly TimeSpan s_publishWithin = TimeSpan.FromSeconds(20);
    private readonly HttpClient _http = AnnuaireApiTests.TrustingClient(demo.Json.Ca);

    public void Dispose() => _http.Dispose();

    private string Fhir(string relative) => demo.Json.Authority.Fhir + "/" + relative;

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    private static IEnumerable<JsonElement> Resources(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource")) : [];

    private static IEnumerable<string> Addresses(JsonElement resource) =>
        resource.TryGetProperty("telecom", out var telecom) ? telecom.EnumerateArray().Where(t => t.GetProperty("system").GetString() == "email").Select(t => t.GetProperty("value").GetString()!) : [];

    private static IEnumerable<string> Identifiers(JsonElement resource, string system) =>
        resource.GetProperty("identifier").EnumerateArray().Where(i => i.GetProperty("system").GetString() == system).Select(i => i.GetProperty("value").GetString()!);

    /// <summary>The resources a FHIR <c>mailbox-mss:exact</c> search finds for <paramref name="address"/>.</summary>
    private async Task<List<JsonElement>> FindAsync(string resource, string address)
    {
        var (status, bundle) = await GetAsync(Fhir($"{resource}?mailbox-mss:exact={Uri.EscapeDataString(address)}"));
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. Resources(bundle)];
    }

    /// <summary>Polls until the search finds <paramref name="expected"/> resources; returns how long it took.</summary>
    private async Task<TimeSpan> WaitForAsync(string resource, string address, int expected)
    {
        var clock = Stopwatch.StartNew();
        while ((await FindAsync(resource, address)).Count != expected)
        {
            Assert.True(clock.Elapsed < s_publishWithin, $"{resource}?mailbox-mss:exact={address} did not reach {expected} result(s) within {s_publishWithin.TotalSeconds} s");
            await Task.Delay(200);
        }

        return clock.Elapsed;
    }

    private async Task<string> SomeRppsAsync(int skip)
    {
        var (_, bundle) = await GetAsync(Fhir("Practitioner?role=10&_count=100"));
        return Resources(bundle).SelectMany(p => Identifiers(p, "https://rpps.esante.gouv.fr")).Skip(skip).First();
    }

    private static string PatchBody(string operation, string resource, string address, string type, string? where = null) => $$$"""
        {"resourceType":"Parameters","parameter":[{"name":"operation","part":[
          {"name":"type","valueCode":"{{{operation}}}"},
          {"name":"path","valueString":"{{{(where is null ? resource : $"{resource}.telecom.where(value='{where}')")}}}"},
          {{{(where is null ? """{"name":"name","valueString":"telecom"},""" : "")}}}
          {"name":"value","valueContactPoint":{"system":"email","value":"{{{address}}}","extension":[
            {"url":"https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata","extension":[
              {"url":"type","valueCodeableConcept":{"coding":[{"code":"{{{type}}}"}]}},
              {"url":"description","valueString":"Publiée par test"}]}]}}]}]}
        """;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PatchAsync(HttpClient http, string url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
        using var response = await http.PatchAsync(new Uri(url), content);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task Every_demo_mailbox_belongs_to_the_generated_directory_and_is_published_at_start()
    {
        foreach (var op in demo.Json.Operators)
        {
            foreach (var m in op.Mailboxes)
            {
                if (m.Kind == "PER")
                {
                    var practitioner = Assert.Single(await FindAsync("Practitioner", m.Address));
                    Assert.Contains(m.Rpps!, Identifiers(practitioner, "https://rpps.esante.gouv.fr"));
                }
                else
                {
                    // ORG and APP boxes: on the Organization of a generated structure, found by its national id too.
                    var organization = Assert.Single(await FindAsync("Organization", m.Address));
                    Assert.Contains(m.StructureId!, Identifiers(organization, IdNatSt));
                    Assert.False(string.IsNullOrEmpty(organization.GetProperty("name").GetString()));
                    var (status, byId) = await GetAsync(Fhir($"Organization?identifier={Uri.EscapeDataString(IdNatSt + "|" + m.StructureId)}"));
                    Assert.Equal(HttpStatusCode.OK, status);
                    Assert.Contains(m.Address, Addresses(Assert.Single(Resources(byId))));
                    Assert.Empty(await FindAsync("Practitioner", m.Address));
                }
            }
        }

        // The hospital's ORG box is attached to an establishment with a FINESS, the practice's to a SIRET structure.
        Assert.StartsWith("1", demo.Hospital.Mailboxes.First(m => m.Kind == "ORG").StructureId, StringComparison.Ordinal);
        Assert.StartsWith("3", demo.Practice.Mailboxes.First(m => m.Kind == "ORG").StructureId, StringComparison.Ordinal);
        var (_, apps) = await GetAsync(Fhir("Organization?mailbox-mss-type=APP&mailbox-mss=dpi@hopital-nord"));
        Assert.Equal(1, apps.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_mailbox_added_with_the_CLI_while_the_node_runs_is_published_within_seconds_survives_an_authority_restart_and_is_withdrawn_when_removed()
    {
        var data = Path.Combine(demo.Directory.FullName, "operators", demo.Hospital.Name);
        var rpps = await SomeRppsAsync(skip: 3);
        var address = $"cli.{Guid.NewGuid().ToString("N")[..8]}@{demo.Hospital.Domain}";
        var structure = demo.Hospital.Mailboxes.First(m => m.Kind == "ORG").StructureId!;
        var service = $"service.{Guid.NewGuid().ToString("N")[..8]}@{demo.Hospital.Domain}";

        var add = await CaduceeProcess.RunAsync("mailbox", "add", address, "--kind", "PER", "--owner", rpps, "--name", "Dr Test", "--data", data);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var addOrg = await CaduceeProcess.RunAsync("mailbox", "add", service, "--kind", "ORG", "--owner", structure, "--name", "Service de test", "--data", data);
        Assert.True(addOrg.ExitCode == 0, addOrg.Stderr);
        var took = await WaitForAsync("Practitioner", address, 1);
        await WaitForAsync("Organization", service, 1);
        Assert.True(took < TimeSpan.FromSeconds(10), $"published after {took.TotalSeconds:F1} s");
        var practitioner = Assert.Single(await FindAsync("Practitioner", address));
        Assert.Contains(rpps, Identifiers(practitioner, "https://rpps.esante.gouv.fr"));
        var (_, rest) = await GetAsync(demo.Json.Authority.Directory + "/search?mailbox=" + Uri.EscapeDataString(address));
        Assert.Equal(1, rest.GetProperty("total").GetInt32());
        Assert.Contains("Service de test", (await FindAsync("Organization", service))[0].GetProperty("telecom").ToString(), StringComparison.Ordinal);

        // The authority keeps the publications in its database: found at once after a restart.
        await demo.Demo.RestartAuthorityAsync(CancellationToken.None);
        Assert.Single(await FindAsync("Practitioner", address));
        Assert.Single(await FindAsync("Organization", service));

        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "remove", address, "--data", data)).ExitCode);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "remove", service, "--data", data)).ExitCode);
        await WaitForAsync("Practitioner", address, 0);
        await WaitForAsync("Organization", service, 0);
        await demo.Demo.RestartAuthorityAsync(CancellationToken.None);
        Assert.Empty(await FindAsync("Practitioner", address));
        Assert.Empty(await FindAsync("Organization", service));
        Assert.Contains(demo.Logs.Lines, l => l.Contains("[5101]", StringComparison.Ordinal) && l.Contains("1 withdrawn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_change_made_while_the_authority_is_down_is_retried_with_backoff_and_never_lost()
    {
        var node = demo.Demo.Operators[1];
        var address = MailAddress.Parse($"retry.{Guid.NewGuid().ToString("N")[..8]}@{demo.Practice.Domain}");
        var rpps = await SomeRppsAsync(skip: 5);
        await demo.Demo.StopAuthorityAsync();
        try
        {
            await node.Store.CreateMailboxAsync(new NewMailbox(address, MailboxKind.Per, PrincipalRef.Professional(rpps)) { Metadata = new MailboxMetadata("Dr Retry"), PasswordHash = PasswordHasher.Hash("mot de passe de test") }, CancellationToken.None);
            node.Publisher!.Signal();
            var deadline = DateTime.UtcNow + s_publishWithin;
            while (!demo.Logs.Lines.Any(l => l.Contains("[5003]", StringComparison.Ordinal) && l.Contains(address.ToString(), StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "no retry was logged while the authority was down");
                await Task.Delay(100);
            }

            // Not recorded as published: the state holds only what the authority acknowledged.
            var state = await File.ReadAllTextAsync(Path.Combine(demo.Directory.FullName, "operators", demo.Practice.Name, "annuaire", "published.json"));
            Assert.DoesNotContain(address.ToString(), state, StringComparison.Ordinal);
        }
        finally
        {
            await demo.Demo.StartAuthorityAsync(CancellationToken.None);
        }

        await WaitForAsync("Practitioner", address.ToString(), 1);

        // Suspension withdraws the box (senders must not find a box that refuses mail); reactivation publishes it again.
        Assert.True(await node.Store.SetMailboxStatusAsync(address, MailboxStatus.Suspended, CancellationToken.None));
        node.Publisher!.Signal();
        await WaitForAsync("Practitioner", address.ToString(), 0);
        Assert.True(await node.Store.SetMailboxStatusAsync(address, MailboxStatus.Active, CancellationToken.None));
        node.Publisher!.Signal();
        await WaitForAsync("Practitioner", address.ToString(), 1);
    }

    /// <summary>
    /// The mailbox metadata the store will hold (liste rouge, description, service): an in-memory source stands
    /// for it until the store redesign lands, and drives the real publisher against the real authority.
    /// </summary>
    private sealed class MetadataSource : IPublishableMailboxSource
    {
        public List<PublishableMailbox> Mailboxes { get; } = [];

        public Task<IReadOnlyList<PublishableMailbox>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PublishableMailbox>>([.. Mailboxes]);
    }

    [Fact]
    public async Task The_publisher_sends_metadata_updates_and_the_liste_rouge_flag_REQ21_REQ24()
    {
        var source = new MetadataSource();
        var trust = Caducee.Core.Security.CertificateTrust.FromPemFile(demo.Json.Ca);
        using var certificate = DemoFixture.Load(demo.Hospital.ClientCert);
        using var publisher = new MailboxPublisher(source, new MailboxPublisherOptions(new Uri(demo.Json.Authority.Fhir), TimeSpan.FromHours(1)),
            Path.Combine(demo.Directory.FullName, "metadata-publisher", "published.json"), MailboxPublisher.CreateHandler(trust, certificate),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MailboxPublisher>.Instance);
        var structure = demo.Hospital.Mailboxes.First(m => m.Kind == "ORG").StructureId!;
        var address = $"meta.{Guid.NewGuid().ToString("N")[..8]}@{demo.Hospital.Domain}";
        string Telecom(JsonElement organization) => organization.GetProperty("telecom").EnumerateArray().Single(t => t.GetProperty("value").GetString() == address).ToString();

        source.Mailboxes.Add(new PublishableMailbox(address, Caducee.Annuaire.Model.MailboxType.Org, structure, Description: "Consultations", Service: "Cardiologie"));
        Assert.Equal(1, (await publisher.ReconcileAsync(CancellationToken.None)).Published);
        var published = Telecom(Assert.Single(await FindAsync("Organization", address)));
        Assert.Contains("Consultations", published, StringComparison.Ordinal);
        Assert.Contains("Cardiologie", published, StringComparison.Ordinal);

        source.Mailboxes[0] = source.Mailboxes[0] with { Description = "Téléconsultations" };
        Assert.Equal(1, (await publisher.ReconcileAsync(CancellationToken.None)).Published);
        Assert.Contains("Téléconsultations", Telecom(Assert.Single(await FindAsync("Organization", address))), StringComparison.Ordinal);
        Assert.Equal(0, (await publisher.ReconcileAsync(CancellationToken.None)).Published); // nothing changed, nothing sent

        // Liste rouge: sent and stored, never shown; lifted, shown again with its metadata.
        source.Mailboxes[0] = source.Mailboxes[0] with { ListeRouge = true };
        Assert.True((await publisher.ReconcileAsync(CancellationToken.None)).Complete);
        Assert.Empty(await FindAsync("Organization", address));
        var (_, contains) = await GetAsync(Fhir("Organization?mailbox-mss:contains=" + Uri.EscapeDataString(address[..13])));
        Assert.Equal(0, contains.GetProperty("total").GetInt32());
        source.Mailboxes[0] = source.Mailboxes[0] with { ListeRouge = false };
        await publisher.ReconcileAsync(CancellationToken.None);
        Assert.Contains("Téléconsultations", Telecom(Assert.Single(await FindAsync("Organization", address))), StringComparison.Ordinal);

        // An owner the directory does not know is refused (404), kept pending, and does not block the others.
        var orphan = $"orphan.{Guid.NewGuid().ToString("N")[..8]}@{demo.Hospital.Domain}";
        source.Mailboxes.Add(new PublishableMailbox(orphan, Caducee.Annuaire.Model.MailboxType.Per, "10999999999"));
        source.Mailboxes.Add(new PublishableMailbox("no.owner@" + demo.Hospital.Domain, Caducee.Annuaire.Model.MailboxType.Per, null));
        source.Mailboxes[0] = source.Mailboxes[0] with { Status = PublishableStatus.Closed };
        var pass = await publisher.ReconcileAsync(CancellationToken.None);
        Assert.Equal((0, 1, 1, 1, false), (pass.Published, pass.Withdrawn, pass.Refused, pass.Unpublishable, pass.Complete));
        Assert.Empty(await FindAsync("Organization", address));
        Assert.Equal(1, (await publisher.ReconcileAsync(CancellationToken.None)).Refused); // tried again
    }

    [Fact]
    public async Task A_lost_publication_state_is_rebuilt_without_errors()
    {
        var node = demo.Demo.Operators[0];
        var state = Path.Combine(demo.Directory.FullName, "operators", demo.Hospital.Name, "annuaire", "published.json");
        Assert.True(File.Exists(state));
        File.Delete(state);

        // Everything is sent again; the authority already has the boxes, so adds become replaces.
        var pass = await node.Publisher!.ReconcileAsync(CancellationToken.None);
        Assert.True(pass.Complete, pass.ToString());
        Assert.True(pass.Published >= demo.Hospital.Mailboxes.Count, pass.ToString());
        Assert.True(File.Exists(state));
        Assert.Equal(0, (await node.Publisher.ReconcileAsync(CancellationToken.None)).Published);
        foreach (var m in demo.Hospital.Mailboxes)
        {
            Assert.Single(await FindAsync(m.Kind == "PER" ? "Practitioner" : "Organization", m.Address));
        }
    }

    [Fact]
    public async Task Organization_PATCH_by_FINESS_publishes_ORG_boxes_and_operators_publish_only_their_own_domains()
    {
        using var hospitalCert = DemoFixture.Load(demo.Hospital.ClientCert);
        using var hospital = AnnuaireApiTests.TrustingClient(demo.Json.Ca, hospitalCert);
        using var practiceCert = DemoFixture.Load(demo.Practice.ClientCert);
        using var practice = AnnuaireApiTests.TrustingClient(demo.Json.Ca, practiceCert);
        var finess = demo.Hospital.Mailboxes.First(m => m.Kind == "ORG").StructureId![1..];
        var url = Fhir("Organization?identifier=" + Uri.EscapeDataString($"{Finess}|{finess}"));
        var address = $"urgences.{Guid.NewGuid().ToString("N")[..8]}@{demo.Hospital.Domain}";

        var (status, organization) = await PatchAsync(hospital, url, PatchBody("add", "Organization", address, "ORG"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Organization", organization.GetProperty("resourceType").GetString());
        Assert.Contains(finess, Identifiers(organization, Finess));
        Assert.Contains(address, Addresses(organization));
        Assert.Single(await FindAsync("Organization", address));

        var changeType = await PatchAsync(hospital, url, PatchBody("replace", "Organization", address, "APP", where: address));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changeType.Status);
        Assert.Contains("type", changeType.Body.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!, StringComparison.Ordinal);
        var perOnOrganization = await PatchAsync(hospital, url, PatchBody("add", "Organization", "per." + address, "PER"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, perOnOrganization.Status);

        // Another operator's domain: 403, whether adding to it or deleting the other's box.
        var foreign = await PatchAsync(hospital, url, PatchBody("add", "Organization", $"x@{demo.Practice.Domain}", "ORG"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Equal("OperationOutcome", foreign.Body.GetProperty("resourceType").GetString());
        Assert.Contains(demo.Practice.Domain, foreign.Body.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!, StringComparison.Ordinal);
        using var delete = new StringContent($$"""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Organization.telecom.where(value='{{address}}')"}]}]}""", Encoding.UTF8, "application/fhir+json");
        using (var response = await practice.PatchAsync(new Uri(url), delete))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var rpps = await SomeRppsAsync(skip: 7);
        var onPractitioner = await PatchAsync(practice, Fhir("Practitioner?identifier=" + Uri.EscapeDataString($"{IdNatPs}|{rpps}")), PatchBody("add", "Practitioner", $"y@{demo.Hospital.Domain}", "PER"));
        Assert.Equal(HttpStatusCode.Forbidden, onPractitioner.Status);
        Assert.Single(await FindAsync("Organization", address));

        // 404 / 412 / 401 as for Practitioner.
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(hospital, Fhir("Organization?identifier=" + Uri.EscapeDataString($"{Finess}|999999999")), PatchBody("add", "Organization", address, "ORG"))).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PatchAsync(hospital, Fhir("Organization?mailbox-mss-type=ORG"), PatchBody("add", "Organization", address, "ORG"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PatchAsync(_http, url, PatchBody("add", "Organization", address, "ORG"))).Status);

        var (_, after) = await PatchAsync(hospital, url, $$"""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Organization.telecom.where(value='{{address}}')"}]}]}""");
        Assert.DoesNotContain(address, Addresses(after));
        Assert.Empty(await FindAsync("Organization", address));
    }

    [Fact]
    public async Task The_authority_serves_Extraction_Correspondance_MSSante_over_HTTPS_and_it_re_imports_REQ29()
    {
        using var response = await _http.GetAsync(new Uri(demo.Json.Authority.Https + "/annuaire/extraction/Extraction_Correspondance_MSSante"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var name = response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        Assert.Matches(ZipName(), name);
        var zipPath = Path.Combine(demo.Directory.FullName, name!);
        await File.WriteAllBytesAsync(zipPath, await response.Content.ReadAsByteArrayAsync());

        List<string[]> rows;
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            var entry = Assert.Single(zip.Entries);
            Assert.Equal(Path.ChangeExtension(name, ".txt"), entry.FullName);
            using var reader = new StreamReader(entry.Open(), new UTF8Encoding(false, true));
            Assert.Equal(MssanteExtractionFormat.HeaderLine, await reader.ReadLineAsync());
            rows = [];
            while (await reader.ReadLineAsync() is { } line)
            {
                rows.Add(line.Split('|'));
            }
        }

        Assert.True(rows.Count > 1000, $"{rows.Count} rows");
        Assert.All(rows, r => Assert.Equal(31, r.Length));
        Assert.All(rows, r => Assert.Contains(r[0], new[] { "PER", "ORG" }));
        var addresses = rows.Select(r => r[1].ToLowerInvariant()).ToList();
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        var listeRouge = File.ReadLines(Directory.GetFiles(demo.Json.Authority.DirectoryFiles, "Caducee_BAL_ListeRouge_*.txt").Single()).Skip(1).Select(l => l.Split('|')[1].ToLowerInvariant()).ToList();
        Assert.NotEmpty(listeRouge);
        Assert.Empty(addresses.Intersect(listeRouge));
        foreach (var m in demo.Json.Operators.SelectMany(o => o.Mailboxes))
        {
            Assert.Equal(m.Kind is "PER" or "ORG", addresses.Contains(m.Address.ToLowerInvariant()));
        }

        var doctor = rows.Single(r => r[1] == demo.Hospital.Mailboxes.First(m => m.Kind == "PER").Address);
        Assert.Equal(demo.Hospital.Mailboxes.First(m => m.Kind == "PER").Rpps, doctor[3]);

        // The existing importer reads it back: the same boxes, on the same professionals.
        var copy = Path.Combine(demo.Directory.FullName, "reimport-" + Guid.NewGuid().ToString("N")[..6] + ".db");
        using var store = DirectoryStore.Open(copy);
        var ps = Directory.GetFiles(demo.Json.Authority.DirectoryFiles, "PS_LibreAcces_Personne_activite_*.txt").Single();
        var report = await store.ImportAsync(new DirectoryImportSources(ps, zipPath), new DirectoryImportOptions { Strict = true });
        Assert.Equal(0, report.ErrorCount);
        var mss = report.Files.Single(f => f.Kind == DirectoryFileKind.CorrespondanceMssante);
        Assert.Equal((rows.Count, 0L), (mss.Added, mss.Duplicates));
        foreach (var m in demo.Json.Operators.SelectMany(o => o.Mailboxes).Where(m => m.Kind == "PER"))
        {
            Assert.Equal(m.Rpps, Assert.Single(store.Search(new DirectoryQuery { Mailbox = m.Address }).Items).Rpps);
        }

        foreach (var m in demo.Json.Operators.SelectMany(o => o.Mailboxes).Where(m => m.Kind == "ORG"))
        {
            Assert.Contains(m.StructureId!, Assert.Single(store.SearchStructures(new StructureQuery { Mailbox = m.Address }).Items).NationalId, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^Extraction_Correspondance_MSSante_\d{12}\.zip$")]
    private static partial Regex ZipName();
}
