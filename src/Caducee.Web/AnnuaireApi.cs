// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;
using Caducee.Core.Security;
using Caducee.MsSante.Whitelist;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Caducee.Web;

/// <summary>
/// The Annuaire Santé behind HTTP on the authority (issue 7, points 4 and 5): a FHIR R4 read API at
/// <c>/fhir</c> (ANS Annuaire profiles, REQ-28) and a plain JSON search at <c>/api/annuaire</c> for the
/// webmail's look-up-while-typing. Liste-rouge boxes never reach the store's results (REQ-24).
/// </summary>
public static class AnnuaireApi
{
    public const string FhirJson = "application/fhir+json; charset=utf-8";

    /// <summary>Largest page of the REST search.</summary>
    public const int MaxRestCount = 100;

    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] s_searchParams =
    [
        "identifier", "name", "family", "given", "mailbox-mss", "mailbox-mss-type", "role", "specialty",
        "address-city", "address-postalcode", "_count", "_offset", "_total",
    ];

    private static readonly string[] s_organizationParams = ["identifier", "mailbox-mss", "mailbox-mss-type", "_count", "_offset", "_total"];

    private static readonly string[] s_restParams = ["q", "profession", "specialty", "city", "postcode", "rpps", "mailbox", "count"];

    /// <summary>
    /// Maps the read API, the public <c>Extraction_Correspondance_MSSante</c> export (written into
    /// <paramref name="extractionFolder"/>, default a folder next to the directory database) and, with
    /// <paramref name="operatorTrust"/> and <paramref name="whitelist"/>, the operators' conditional PATCH
    /// (publication, REQ-26) authenticated by their TLS client certificate.
    /// </summary>
    public static IEndpointRouteBuilder MapAnnuaireApi(this IEndpointRouteBuilder app, DirectoryStore store, CertificateTrust? operatorTrust = null, Func<WhitelistDocument>? whitelist = null, string? extractionFolder = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var extraction = new ExtractionCache(store, extractionFolder ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(store.Path))!, "extraction"));
        app.MapGet("/fhir/metadata", () => Fhir(200, CapabilityStatement(operatorTrust is not null && whitelist is not null)));
        app.MapGet("/fhir/Practitioner", (HttpContext context) => SearchAsync(context, store, roles: false));
        app.MapGet("/fhir/PractitionerRole", (HttpContext context) => SearchAsync(context, store, roles: true));
        app.MapGet("/fhir/Practitioner/{id}", (string id) =>
            store.FindPractitioner(id) is { } p && p.IdNat == id
                ? Fhir(200, FhirRenderer.Practitioner(p))
                : NotFound("Practitioner", id));
        app.MapGet("/fhir/PractitionerRole/{id}", (string id) =>
            store.FindPractitionerRole(id) is { } r
                ? Fhir(200, FhirRenderer.PractitionerRole(r.Practitioner, r.Activity))
                : NotFound("PractitionerRole", id));
        app.MapGet("/fhir/Organization/{id}", (string id) =>
            store.FindStructure(id) is { } s
                ? Fhir(200, FhirRenderer.Organization(s))
                : NotFound("Organization", id));
        app.MapGet("/fhir/Organization", (HttpContext context) => OrganizationSearchAsync(context, store));

        if (operatorTrust is not null && whitelist is not null)
        {
            app.MapMethods("/fhir/Practitioner", ["PATCH"], (Delegate)((HttpContext context) => AnnuairePublication.PatchAsync(context, store, PublicationCarrier.Practitioner, operatorTrust, whitelist)));
            app.MapMethods("/fhir/Organization", ["PATCH"], (Delegate)((HttpContext context) => AnnuairePublication.PatchAsync(context, store, PublicationCarrier.Organization, operatorTrust, whitelist)));
        }

        // REQ-29: the national service answers on .../extraction/Extraction_Correspondance_MSSante with a ZIP
        // whose timestamped name is in Content-Disposition. Open, like the national one.
        app.MapGet("/annuaire/extraction/Extraction_Correspondance_MSSante", async (CancellationToken ct) =>
        {
            var report = await extraction.GetAsync(ct).ConfigureAwait(false);
            return Results.File(report.Path!, "application/zip", report.FileName);
        });

        app.MapGet("/api/annuaire/stats", () => Results.Json(new { practitioners = store.PractitionerCount }));
        app.MapGet("/api/annuaire/search", (HttpContext context) => RestSearch(context, store));
        return app;
    }

    /// <summary>The FHIR base URL as the client reached it, e.g. https://127.0.0.1:8443/fhir.</summary>
    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    private static async Task OrganizationSearchAsync(HttpContext context, DirectoryStore store)
    {
        var request = FhirOrganizationSearchRequest.Parse(context.Request.Query.SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v ?? string.Empty))));
        if (request.Errors.Count > 0)
        {
            await Fhir(400, FhirRenderer.OperationOutcome(request.Errors)).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var results = store.SearchStructures(request.Query);
        context.Response.StatusCode = 200;
        context.Response.ContentType = FhirJson;
        FhirRenderer.WriteOrganizationBundle(context.Response.BodyWriter, results, request, BaseUrl(context.Request));
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task SearchAsync(HttpContext context, DirectoryStore store, bool roles)
    {
        var request = FhirSearchRequest.Parse(context.Request.Query.SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v ?? string.Empty))));
        if (request.Errors.Count > 0)
        {
            await Fhir(400, FhirRenderer.OperationOutcome(request.Errors)).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var results = store.Search(request.Query);
        context.Response.StatusCode = 200;
        context.Response.ContentType = FhirJson;
        if (roles)
        {
            WriteRoleBundle(context.Response.BodyWriter, results, request, BaseUrl(context.Request));
        }
        else
        {
            FhirRenderer.WriteSearchBundle(context.Response.BodyWriter, results, request, BaseUrl(context.Request));
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A PractitionerRole searchset: the same parameters as Practitioner, applied to the practitioner; a page
    /// holds every role of the practitioners of that page, so <c>total</c> counts practitioners.
    /// </summary>
    private static void WriteRoleBundle(System.Buffers.IBufferWriter<byte> output, DirectoryResults results, FhirSearchRequest request, string baseUrl)
    {
        var count = request.Query.Count;
        using var w = new Utf8JsonWriter(output, s_writer);
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("type", "searchset");
        if (request.Total != FhirTotalMode.None)
        {
            w.WriteNumber("total", results.Total);
        }

        w.WriteStartArray("link");
        RoleLink(w, "self", baseUrl, request, results.Offset, count);
        if (count > 0 && results.Offset + count < results.Total)
        {
            RoleLink(w, "next", baseUrl, request, results.Offset + count, count);
        }

        w.WriteEndArray();
        w.WriteStartArray("entry");
        foreach (var p in results.Items)
        {
            foreach (var a in p.Activities)
            {
                w.WriteStartObject();
                w.WriteString("fullUrl", $"{baseUrl}/PractitionerRole/{a.Id}");
                w.WritePropertyName("resource");
                FhirRenderer.WritePractitionerRole(w, p, a);
                w.WriteStartObject("search");
                w.WriteString("mode", "match");
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void RoleLink(Utf8JsonWriter w, string relation, string baseUrl, FhirSearchRequest request, int offset, int count)
    {
        w.WriteStartObject();
        w.WriteString("relation", relation);
        w.WriteString("url", FhirRenderer.PageUrl(baseUrl, request, offset, count).Replace("/Practitioner?", "/PractitionerRole?", StringComparison.Ordinal));
        w.WriteEndObject();
    }

    private static IResult RestSearch(HttpContext context, DirectoryStore store)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var key in query.Keys.Where(k => !s_restParams.Contains(k, StringComparer.Ordinal)))
        {
            errors[key] = [$"unknown parameter; accepted: {string.Join(", ", s_restParams)}"];
        }

        string? Get(string name)
        {
            var values = query[name];
            if (values.Count > 1)
            {
                errors[name] = ["given more than once"];
            }

            var value = values.Count == 0 ? null : values[0]?.Trim();
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var q = Get("q");
        var rpps = Get("rpps");
        var postcode = Get("postcode");
        var countText = Get("count");
        var count = 20;
        if (countText is not null && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxRestCount))
        {
            errors["count"] = [$"an integer between 1 and {MaxRestCount}"];
        }

        if (rpps is not null && !rpps.All(char.IsAsciiDigit))
        {
            errors["rpps"] = ["digits only (11-digit RPPS or national id)"];
        }

        if (postcode is not null && (postcode.Length > 5 || !postcode.All(char.IsAsciiLetterOrDigit)))
        {
            errors["postcode"] = ["a postal code or its prefix (e.g. 75 or 75011)"];
        }

        if (q is not null && q.Length > 200)
        {
            errors["q"] = ["at most 200 characters"];
        }

        var directoryQuery = new DirectoryQuery
        {
            Name = q,
            ProfessionCode = Get("profession"),
            SavoirFaireCode = Get("specialty"),
            City = Get("city"),
            PostalCode = postcode,
            Identifier = rpps,
            Mailbox = Get("mailbox"),
            MailboxMatch = MailboxMatch.StartsWith,
            Count = count,
        };
        if (directoryQuery is { Name: null, ProfessionCode: null, SavoirFaireCode: null, City: null, PostalCode: null, Identifier: null, Mailbox: null } && errors.Count == 0)
        {
            errors["q"] = ["give at least one criterion: " + string.Join(", ", s_restParams.SkipLast(1))];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid directory search", statusCode: 400);
        }

        var results = store.Search(directoryQuery);
        return Results.Json(new
        {
            total = results.Total,
            items = results.Items.Select(p =>
            {
                var main = p.Activities.Count > 0 ? p.Activities[0] : null;
                return new
                {
                    id = p.IdNat,
                    rpps = p.Rpps,
                    familyName = p.FamilyName,
                    givenName = p.GivenName,
                    displayName = $"{p.GivenName} {p.FamilyName}".Trim(),
                    profession = main?.ProfessionLabel,
                    professionCode = main?.ProfessionCode,
                    specialty = main?.SavoirFaireLabel,
                    specialtyCode = main?.SavoirFaireCode,
                    city = main?.Structure?.Address.City,
                    postalCode = main?.Structure?.Address.PostalCode,
                    organisation = main?.Structure?.Name,
                    mailboxes = p.Mailboxes.Select(m => new { address = m.Address, type = TypeCode(m.Type) }),
                };
            }),
        });
    }

    private static string TypeCode(MailboxType type) => type switch
    {
        MailboxType.Per => "PER",
        MailboxType.Org => "ORG",
        MailboxType.App => "APP",
        _ => "CAB",
    };

    private static IResult Fhir(int status, byte[] body) => FhirResult(status, body);

    /// <summary>A FHIR JSON answer with <paramref name="status"/>.</summary>
    internal static IResult FhirResult(int status, byte[] body) => status == 200 ? Results.Bytes(body, FhirJson) : new StatusBytes(status, body);

    private static IResult NotFound(string type, string id) =>
        Fhir(404, Outcome("not-found", $"{type}/{id} is not in the directory"));

    /// <summary>An OperationOutcome with one error issue.</summary>
    public static byte[] Outcome(string code, string diagnostics)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, s_writer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "OperationOutcome");
            w.WriteStartArray("issue");
            w.WriteStartObject();
            w.WriteString("severity", "error");
            w.WriteString("code", code);
            w.WriteString("diagnostics", diagnostics);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static byte[] CapabilityStatement(bool patch)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, s_writer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "CapabilityStatement");
            w.WriteString("status", "active");
            w.WriteString("kind", "instance");
            w.WriteString("date", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("fhirVersion", "4.0.1");
            w.WriteStartArray("format");
            w.WriteStringValue("json");
            w.WriteEndArray();
            w.WriteStartObject("software");
            w.WriteString("name", "Caducée trust-space authority (Annuaire Santé)");
            w.WriteEndObject();
            w.WriteStartArray("rest");
            w.WriteStartObject();
            w.WriteString("mode", "server");
            w.WriteStartArray("resource");
            Resource(w, "Practitioner", FhirSystems.PractitionerProfile, s_searchParams, patch);
            Resource(w, "PractitionerRole", FhirSystems.PractitionerRoleProfile, s_searchParams, patch: false);
            Resource(w, "Organization", FhirSystems.OrganizationProfile, s_organizationParams, patch);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void Resource(Utf8JsonWriter w, string type, string profile, string[] searchParams, bool patch)
    {
        var search = searchParams.Length > 0;
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("profile", profile);
        w.WriteStartArray("interaction");
        w.WriteStartObject();
        w.WriteString("code", "read");
        w.WriteEndObject();
        if (search)
        {
            w.WriteStartObject();
            w.WriteString("code", "search-type");
            w.WriteEndObject();
        }

        if (patch)
        {
            // Conditional PATCH by operators (REQ-26), on the identifier or any search parameter.
            w.WriteStartObject();
            w.WriteString("code", "patch");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (search)
        {
            w.WriteStartArray("searchParam");
            foreach (var name in searchParams)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("type", name switch
                {
                    "identifier" or "mailbox-mss-type" or "role" or "specialty" => "token",
                    "_count" or "_offset" => "number",
                    "_total" => "token",
                    _ => "string",
                });
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>A FHIR body with a status other than 200.</summary>
    private sealed class StatusBytes(int status, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = FhirJson;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
