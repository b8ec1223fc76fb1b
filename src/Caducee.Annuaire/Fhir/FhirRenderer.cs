// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;

namespace Caducee.Annuaire.Fhir;

/// <summary>
/// Renders directory entries as FHIR R4 JSON (ANS Annuaire Santé profiles): <c>Practitioner</c>,
/// <c>PractitionerRole</c>, <c>Organization</c> and search <c>Bundle</c>. Mailboxes are
/// <c>as-mailbox-mss</c> telecoms. Pure functions, no I/O; output is UTF-8 JSON bytes.
/// </summary>
public static class FhirRenderer
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep "é" readable; the output is JSON, never HTML
        SkipValidation = true,
    };

    public static byte[] Practitioner(DirectoryPractitioner practitioner) => Render(w => WritePractitioner(w, practitioner));

    public static byte[] PractitionerRole(DirectoryPractitioner practitioner, DirectoryActivity activity) => Render(w => WritePractitionerRole(w, practitioner, activity));

    public static byte[] Organization(DirectoryStructure structure) => Render(w => WriteOrganization(w, structure));

    /// <summary>An OperationOutcome listing search errors (for an HTTP 400).</summary>
    public static byte[] OperationOutcome(IEnumerable<string> errors) => Render(w =>
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "OperationOutcome");
        w.WriteStartArray("issue");
        foreach (var error in errors)
        {
            w.WriteStartObject();
            w.WriteString("severity", "error");
            w.WriteString("code", "invalid");
            w.WriteString("diagnostics", error);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>
    /// A <c>searchset</c> Bundle for a Practitioner search: <c>total</c> (unless <c>_total=none</c>), links
    /// <c>self</c>, <c>first</c>, <c>previous</c> and <c>next</c> built from <paramref name="baseUrl"/> (e.g.
    /// "https://host/fhir") and the canonical parameters, one <c>match</c> entry per practitioner, and
    /// <c>include</c> entries for roles and organizations when asked.
    /// </summary>
    public static byte[] SearchBundle(DirectoryResults results, FhirSearchRequest request, string baseUrl)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        WriteSearchBundle(buffer, results, request, baseUrl);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes the search Bundle (see <see cref="SearchBundle"/>) straight to <paramref name="output"/>, e.g. an
    /// ASP.NET Core <c>HttpResponse.BodyWriter</c>: no intermediate array, so large bundles never land on
    /// the large-object heap.
    /// </summary>
    public static void WriteSearchBundle(IBufferWriter<byte> output, DirectoryResults results, FhirSearchRequest request, string baseUrl)
    {
        baseUrl = baseUrl.TrimEnd('/');
        var offset = results.Offset;
        var count = request.Query.Count;
        using var w = new Utf8JsonWriter(output, s_options);
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("type", "searchset");
        if (request.Total != FhirTotalMode.None)
        {
            w.WriteNumber("total", results.Total);
        }

        w.WriteStartArray("link");
        Link(w, "self", PageUrl(baseUrl, request, offset, count));
        Link(w, "first", PageUrl(baseUrl, request, 0, count));
        if (offset > 0 && count > 0)
        {
            Link(w, "previous", PageUrl(baseUrl, request, Math.Max(0, offset - count), count));
        }

        if (count > 0 && offset + count < results.Total)
        {
            Link(w, "next", PageUrl(baseUrl, request, offset + count, count));
        }

        w.WriteEndArray();
        w.WriteStartArray("entry");
        foreach (var p in results.Items)
        {
            StartEntry(w, baseUrl, "Practitioner", p.IdNat);
            WritePractitioner(w, p);
            EndEntry(w, "match");
        }

        if (request.IncludeRoles)
        {
            var organizations = new List<DirectoryStructure>();
            foreach (var p in results.Items)
            {
                foreach (var a in p.Activities)
                {
                    StartEntry(w, baseUrl, "PractitionerRole", a.Id);
                    WritePractitionerRole(w, p, a);
                    EndEntry(w, "include");
                    if (a.Structure is { } s && !organizations.Contains(s))
                    {
                        organizations.Add(s);
                    }
                }
            }

            if (request.IncludeOrganizations)
            {
                foreach (var s in organizations)
                {
                    StartEntry(w, baseUrl, "Organization", s.Id);
                    WriteOrganization(w, s);
                    EndEntry(w, "include");
                }
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The URL of a page: base/Practitioner?canonical params&amp;_count=..&amp;_offset=..</summary>
    public static string PageUrl(string baseUrl, FhirSearchRequest request, int offset, int count) =>
        PageUrl(baseUrl, "Practitioner", request.Canonical, offset, count);

    /// <summary>The URL of a page of <paramref name="resource"/>: base/Resource?canonical params&amp;_count=..&amp;_offset=..</summary>
    public static string PageUrl(string baseUrl, string resource, IReadOnlyList<KeyValuePair<string, string>> canonical, int offset, int count)
    {
        var sb = new StringBuilder(baseUrl.TrimEnd('/')).Append('/').Append(resource).Append('?');
        foreach (var (name, value) in canonical)
        {
            sb.Append(Uri.EscapeDataString(name).Replace("%3A", ":", StringComparison.Ordinal)).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }

        sb.Append("_count=").Append(count.ToString(CultureInfo.InvariantCulture));
        sb.Append("&_offset=").Append(offset.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>A <c>searchset</c> Bundle of Organizations (same links and total rules as the Practitioner bundle).</summary>
    public static void WriteOrganizationBundle(IBufferWriter<byte> output, StructureResults results, FhirOrganizationSearchRequest request, string baseUrl)
    {
        baseUrl = baseUrl.TrimEnd('/');
        var offset = results.Offset;
        var count = request.Query.Count;
        using var w = new Utf8JsonWriter(output, s_options);
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("type", "searchset");
        if (request.Total != FhirTotalMode.None)
        {
            w.WriteNumber("total", results.Total);
        }

        w.WriteStartArray("link");
        Link(w, "self", PageUrl(baseUrl, "Organization", request.Canonical, offset, count));
        Link(w, "first", PageUrl(baseUrl, "Organization", request.Canonical, 0, count));
        if (offset > 0 && count > 0)
        {
            Link(w, "previous", PageUrl(baseUrl, "Organization", request.Canonical, Math.Max(0, offset - count), count));
        }

        if (count > 0 && offset + count < results.Total)
        {
            Link(w, "next", PageUrl(baseUrl, "Organization", request.Canonical, offset + count, count));
        }

        w.WriteEndArray();
        w.WriteStartArray("entry");
        foreach (var s in results.Items)
        {
            StartEntry(w, baseUrl, "Organization", s.Id);
            WriteOrganization(w, s);
            EndEntry(w, "match");
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WritePractitioner(Utf8JsonWriter w, DirectoryPractitioner p)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Practitioner");
        w.WriteString("id", p.IdNat);
        Meta(w, FhirSystems.PractitionerProfile);
        w.WriteStartArray("identifier");
        Identifier(w, "IDNPS", FhirSystems.IdNatPs, p.IdNat);
        if (p.Rpps is { } rpps)
        {
            Identifier(w, "RPPS", FhirSystems.Rpps, rpps);
        }

        w.WriteEndArray();
        w.WriteBoolean("active", true);
        w.WriteStartArray("name");
        w.WriteStartObject();
        w.WriteString("use", "usual");
        w.WriteString("family", p.FamilyName);
        if (p.GivenName.Length > 0)
        {
            w.WriteStartArray("given");
            w.WriteStringValue(p.GivenName);
            w.WriteEndArray();
        }

        if (p.CivilityCode is { } civility)
        {
            w.WriteStartArray("prefix");
            w.WriteStringValue(civility);
            w.WriteEndArray();
        }

        if (p.PracticeCivilityCode is { } practice)
        {
            w.WriteStartArray("suffix");
            w.WriteStringValue(practice);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndArray();
        Telecom(w, p.Mailboxes, phone: null);

        // Profession and savoir-faire of each distinct activity, as qualifications (ANS as-practitioner).
        var wroteArray = false;
        for (var i = 0; i < p.Activities.Count; i++)
        {
            var a = p.Activities[i];
            if (!SeenBefore(p.Activities, i, a.ProfessionCode))
            {
                Qualification(w, ref wroteArray, FhirSystems.Profession, a.ProfessionCode, a.ProfessionLabel);
            }

            if (a.SavoirFaireCode is { } sf && !SeenBefore(p.Activities, i, sf))
            {
                Qualification(w, ref wroteArray, a.SavoirFaireTypeCode == "S" ? FhirSystems.SpecialiteOrdinale : null, sf, a.SavoirFaireLabel);
            }
        }

        if (wroteArray)
        {
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static bool SeenBefore(IReadOnlyList<DirectoryActivity> activities, int index, string code)
    {
        for (var j = 0; j < index; j++)
        {
            if (activities[j].ProfessionCode == code || activities[j].SavoirFaireCode == code)
            {
                return true;
            }
        }

        return false;
    }

    private static void Qualification(Utf8JsonWriter w, ref bool wroteArray, string? system, string code, string? display)
    {
        if (!wroteArray)
        {
            w.WriteStartArray("qualification");
            wroteArray = true;
        }

        w.WriteStartObject();
        w.WritePropertyName("code");
        CodeableConcept(w, system, code, display);
        w.WriteEndObject();
    }

    public static void WritePractitionerRole(Utf8JsonWriter w, DirectoryPractitioner p, DirectoryActivity a)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "PractitionerRole");
        w.WriteString("id", a.Id);
        Meta(w, FhirSystems.PractitionerRoleProfile);
        w.WriteBoolean("active", true);
        Reference(w, "practitioner", "Practitioner/" + p.IdNat);
        if (a.Structure is { } s)
        {
            Reference(w, "organization", "Organization/" + s.Id);
        }

        w.WriteStartArray("code");
        CodeableConcept(w, FhirSystems.Profession, a.ProfessionCode, a.ProfessionLabel);
        if (a.CategoryCode is { } category)
        {
            CodeableConcept(w, FhirSystems.ProfessionCategory, category, a.CategoryLabel);
        }

        if (a.ModeCode is { } mode)
        {
            CodeableConcept(w, FhirSystems.ModeExercice, mode, a.ModeLabel);
        }

        if (a.RoleCode is { } role)
        {
            CodeableConcept(w, FhirSystems.Fonction, role, a.RoleLabel);
        }

        if (a.GenreCode is { } genre)
        {
            CodeableConcept(w, FhirSystems.GenreActivite, genre, a.GenreLabel);
        }

        w.WriteEndArray();
        if (a.SavoirFaireCode is { } sf)
        {
            w.WriteStartArray("specialty");
            CodeableConcept(w, a.SavoirFaireTypeCode == "S" ? FhirSystems.SpecialiteOrdinale : null, sf, a.SavoirFaireLabel);
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static void WriteOrganization(Utf8JsonWriter w, DirectoryStructure s)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Organization");
        w.WriteString("id", s.Id);
        Meta(w, FhirSystems.OrganizationProfile);
        w.WriteStartArray("identifier");
        if (s.FinessSite is { } finess)
        {
            Identifier(w, "FINEG", FhirSystems.Finess, finess);
            Identifier(w, "IDNST", FhirSystems.IdNatSt, "1" + finess);
        }
        else
        {
            Identifier(w, "IDNST", FhirSystems.IdNatSt, s.NationalId);
        }

        if (s.FinessLegalEntity is { } ej)
        {
            Identifier(w, "FINEJ", FhirSystems.Finess, ej);
        }

        if (s.Siret is { } siret2)
        {
            Identifier(w, "SIRET", FhirSystems.Siret, siret2);
        }

        w.WriteEndArray();
        w.WriteBoolean("active", true);
        if (s.SectorCode is { } sector)
        {
            w.WriteStartArray("type");
            CodeableConcept(w, FhirSystems.SecteurActivite, sector, s.SectorLabel);
            w.WriteEndArray();
        }

        if (s.Name is { } name)
        {
            w.WriteString("name", name);
        }

        if (s.Enseigne is { } enseigne)
        {
            w.WriteStartArray("alias");
            w.WriteStringValue(enseigne);
            w.WriteEndArray();
        }

        Telecom(w, s.Mailboxes, s.Phone);
        var a = s.Address;
        if (a.City is not null || a.PostalCode is not null || a.Line is not null)
        {
            w.WriteStartArray("address");
            w.WriteStartObject();
            w.WriteString("use", "work");
            w.WriteStartArray("line");
            foreach (var line in new[] { a.Recipient, a.GeoPoint, a.Line, a.DistributionMention })
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    w.WriteStringValue(line);
                }
            }

            w.WriteEndArray();
            if (a.City is { } city)
            {
                w.WriteString("city", city);
            }

            if (a.PostalCode is { } postal)
            {
                w.WriteString("postalCode", postal);
            }

            w.WriteString("country", a.Country ?? "France");
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>Writes one mailbox as an <c>as-mailbox-mss</c> ContactPoint.</summary>
    public static void WriteMailbox(Utf8JsonWriter w, DirectoryMailbox m)
    {
        w.WriteStartObject();
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", FhirSystems.EmailTypeExtension);
        w.WritePropertyName("valueCoding");
        Coding(w, FhirSystems.MessagingType, "MSSANTE", "Messageries MSSanté");
        w.WriteEndObject();

        w.WriteStartObject();
        w.WriteString("url", FhirSystems.MailboxMetadataExtension);
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", "type");
        w.WritePropertyName("valueCodeableConcept");
        var (code, display) = m.Type switch
        {
            MailboxType.Per => ("PER", "BAL personnelle"),
            MailboxType.Org => ("ORG", "BAL organisationnelle"),
            MailboxType.App => ("APP", "BAL applicative"),
            _ => ("CAB", "BAL cabinet"),
        };
        CodeableConcept(w, FhirSystems.MailboxType, code, display);
        w.WriteEndObject();
        if (m.Description is { } description)
        {
            SubExtension(w, "description", description);
        }

        if (m.Service is { } service)
        {
            SubExtension(w, "service", service);
        }

        if (m.Dematerialisation is { } demat)
        {
            w.WriteStartObject();
            w.WriteString("url", "digitization");
            w.WriteBoolean("valueBoolean", demat);
            w.WriteEndObject();
        }

        // Only published boxes exist here (REQ-24), so the flag is always false.
        w.WriteStartObject();
        w.WriteString("url", "listeRouge");
        w.WriteBoolean("valueBoolean", false);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteString("system", "email");
        w.WriteString("value", m.Address);
        w.WriteNumber("rank", m.Rank);
        w.WriteEndObject();
    }

    private static void Telecom(Utf8JsonWriter w, IReadOnlyList<DirectoryMailbox> mailboxes, string? phone)
    {
        if (mailboxes.Count == 0 && phone is null)
        {
            return;
        }

        w.WriteStartArray("telecom");
        if (phone is not null)
        {
            w.WriteStartObject();
            w.WriteString("system", "phone");
            w.WriteString("value", phone);
            w.WriteEndObject();
        }

        foreach (var m in mailboxes)
        {
            WriteMailbox(w, m);
        }

        w.WriteEndArray();
    }

    private static void SubExtension(Utf8JsonWriter w, string url, string value)
    {
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteString("valueString", value);
        w.WriteEndObject();
    }

    private static void Meta(Utf8JsonWriter w, string profile)
    {
        w.WriteStartObject("meta");
        w.WriteStartArray("profile");
        w.WriteStringValue(profile);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Identifier(Utf8JsonWriter w, string typeCode, string system, string value)
    {
        w.WriteStartObject();
        w.WriteString("use", "official");
        w.WritePropertyName("type");
        CodeableConcept(w, FhirSystems.IdentifierType, typeCode, null);
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void Reference(Utf8JsonWriter w, string name, string reference)
    {
        w.WriteStartObject(name);
        w.WriteString("reference", reference);
        w.WriteEndObject();
    }

    private static void CodeableConcept(Utf8JsonWriter w, string? system, string code, string? display)
    {
        w.WriteStartObject();
        w.WriteStartArray("coding");
        Coding(w, system, code, display);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Coding(Utf8JsonWriter w, string? system, string code, string? display)
    {
        w.WriteStartObject();
        if (system is not null)
        {
            w.WriteString("system", system);
        }

        w.WriteString("code", code);
        if (display is not null)
        {
            w.WriteString("display", display);
        }

        w.WriteEndObject();
    }

    private static void Link(Utf8JsonWriter w, string relation, string url)
    {
        w.WriteStartObject();
        w.WriteString("relation", relation);
        w.WriteString("url", url);
        w.WriteEndObject();
    }

    private static void StartEntry(Utf8JsonWriter w, string baseUrl, string type, string id)
    {
        w.WriteStartObject();
        w.WriteString("fullUrl", string.Concat(baseUrl, "/", type, "/", id));
        w.WritePropertyName("resource");
    }

    private static void EndEntry(Utf8JsonWriter w, string mode)
    {
        w.WriteStartObject("search");
        w.WriteString("mode", mode);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
