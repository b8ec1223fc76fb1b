// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Primitives;

namespace Caducee.Annuaire.Fhir;

/// <summary>
/// The wire format of a publication (REQ-26): a FHIR <c>Parameters</c> resource whose <c>operation</c>
/// parameters add, replace or delete <c>as-mailbox-mss</c> telecoms of a Practitioner or an Organization.
/// <see cref="Parse"/> is the authority's reader, <see cref="Write"/> the operator's writer; both sides use
/// the same paths:
/// <list type="bullet">
/// <item><c>add</c>: path <c>Practitioner</c> with name <c>telecom</c> (FHIRPath patch), or path
/// <c>Practitioner.telecom</c>; <c>insert</c> is read as <c>add</c>;</item>
/// <item><c>replace</c> and <c>delete</c>: path <c>Practitioner.telecom.where(value='&lt;address&gt;')</c>.</item>
/// </list>
/// </summary>
public static class FhirMailboxPatch
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads the operations of a Parameters body for <paramref name="carrier"/>.</summary>
    /// <exception cref="PublicationException">The body is not a well-formed publication patch.</exception>
    public static IReadOnlyList<MailboxPatchOperation> Parse(JsonElement parameters, PublicationCarrier carrier)
    {
        if (parameters.ValueKind != JsonValueKind.Object || Text(parameters, "resourceType") != "Parameters"
            || !parameters.TryGetProperty("parameter", out var operations) || operations.ValueKind != JsonValueKind.Array)
        {
            throw new PublicationException(PublicationErrorKind.Invalid, "the body must be a FHIR Parameters resource with 'parameter' operations");
        }

        var resource = carrier.ToString();
        var telecom = resource + ".telecom";
        var result = new List<MailboxPatchOperation>();
        foreach (var operation in operations.EnumerateArray())
        {
            if (Text(operation, "name") != "operation" || !operation.TryGetProperty("part", out var parts) || parts.ValueKind != JsonValueKind.Array)
            {
                throw new PublicationException(PublicationErrorKind.Invalid, "each parameter must be an 'operation' with parts");
            }

            var kind = Part(parts, "type", "valueCode");
            var path = Part(parts, "path", "valueString") ?? throw new PublicationException(PublicationErrorKind.Invalid, "operation without a path");
            switch (kind)
            {
                case "add" or "insert":
                    var name = Part(parts, "name", "valueString");
                    if (!((path == resource && name == "telecom") || (path == telecom && name is null)))
                    {
                        throw new PublicationException(PublicationErrorKind.NotSupported, $"only {telecom} can be patched: add with path '{resource}' and name 'telecom'");
                    }

                    result.Add(new MailboxPatchOperation(MailboxPatchKind.Add, null, Value(parts, carrier)));
                    break;
                case "replace":
                    result.Add(new MailboxPatchOperation(MailboxPatchKind.Replace, Target(path, telecom), Value(parts, carrier)));
                    break;
                case "delete":
                    result.Add(new MailboxPatchOperation(MailboxPatchKind.Delete, Target(path, telecom), null));
                    break;
                default:
                    throw new PublicationException(PublicationErrorKind.Invalid, $"operation type '{kind}' is not add, insert, replace or delete");
            }
        }

        if (result.Count == 0)
        {
            throw new PublicationException(PublicationErrorKind.Invalid, "the Parameters resource holds no operation");
        }

        return result;
    }

    /// <summary>Writes the Parameters body of <paramref name="operations"/> on <paramref name="carrier"/> (UTF-8 JSON).</summary>
    public static byte[] Write(PublicationCarrier carrier, IEnumerable<MailboxPatchOperation> operations)
    {
        var resource = carrier.ToString();
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, s_options))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "Parameters");
            w.WriteStartArray("parameter");
            foreach (var op in operations)
            {
                w.WriteStartObject();
                w.WriteString("name", "operation");
                w.WriteStartArray("part");
                StringPart(w, "type", "valueCode", op.Kind switch { MailboxPatchKind.Add => "add", MailboxPatchKind.Replace => "replace", _ => "delete" });
                if (op.Kind == MailboxPatchKind.Add)
                {
                    StringPart(w, "path", "valueString", resource);
                    StringPart(w, "name", "valueString", "telecom");
                }
                else
                {
                    StringPart(w, "path", "valueString", WherePath(resource + ".telecom", op.Target ?? op.Value?.Address ?? string.Empty));
                }

                if (op.Value is { } value)
                {
                    w.WriteStartObject();
                    w.WriteString("name", "value");
                    w.WritePropertyName("valueContactPoint");
                    WriteContactPoint(w, value);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>Practitioner.telecom.where(value='a\'b@x.fr')</c>: the FHIRPath that names one box.</summary>
    public static string WherePath(string telecomPath, string address) =>
        $"{telecomPath}.where(value='{address.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}')";

    /// <summary>The type code of TRE_R257-TypeBAL.</summary>
    public static string TypeCode(MailboxType type) => type switch
    {
        MailboxType.Per => "PER",
        MailboxType.Org => "ORG",
        MailboxType.App => "APP",
        _ => "CAB",
    };

    /// <summary>Parses a TRE_R257-TypeBAL code (PER, ORG, APP, CAB), case-insensitive.</summary>
    public static MailboxType? ParseType(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "PER" => MailboxType.Per,
        "ORG" => MailboxType.Org,
        "APP" => MailboxType.App,
        "CAB" => MailboxType.Cab,
        _ => null,
    };

    private static void WriteContactPoint(Utf8JsonWriter w, PublishedMailbox m)
    {
        w.WriteStartObject();
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", FhirSystems.EmailTypeExtension);
        w.WriteStartObject("valueCoding");
        w.WriteString("system", FhirSystems.MessagingType);
        w.WriteString("code", "MSSANTE");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("url", FhirSystems.MailboxMetadataExtension);
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", "type");
        w.WriteStartObject("valueCodeableConcept");
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", FhirSystems.MailboxType);
        w.WriteString("code", TypeCode(m.Type));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        SubString(w, "description", m.Description);
        SubString(w, "service", m.Service);
        SubString(w, "responsible", m.Responsible);
        if (m.Dematerialisation is { } demat)
        {
            SubBoolean(w, "digitization", demat);
        }

        SubBoolean(w, "listeRouge", m.ListeRouge);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("system", "email");
        w.WriteString("value", m.Address);
        if (m.Rank is { } rank)
        {
            w.WriteNumber("rank", rank);
        }

        w.WriteEndObject();
    }

    private static void SubString(Utf8JsonWriter w, string url, string? value)
    {
        if (value is null)
        {
            return;
        }

        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteString("valueString", value);
        w.WriteEndObject();
    }

    private static void SubBoolean(Utf8JsonWriter w, string url, bool value)
    {
        w.WriteStartObject();
        w.WriteString("url", url);
        w.WriteBoolean("valueBoolean", value);
        w.WriteEndObject();
    }

    private static void StringPart(Utf8JsonWriter w, string name, string property, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString(property, value);
        w.WriteEndObject();
    }

    /// <summary>The address named by <c>X.telecom.where(value='…')</c> (FHIRPath string escapes \' and \\ undone).</summary>
    private static string Target(string path, string telecom)
    {
        var prefix = telecom + ".where(value='";
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith("')", StringComparison.Ordinal) || path.Length <= prefix.Length + 2)
        {
            throw new PublicationException(PublicationErrorKind.NotSupported, $"the path must be {prefix}<address>')");
        }

        var quoted = path[prefix.Length..^2];
        var sb = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length)
            {
                i++;
            }

            sb.Append(quoted[i]);
        }

        return sb.ToString();
    }

    /// <summary>Reads the <c>valueContactPoint</c> of an operation (an as-mailbox-mss telecom).</summary>
    private static PublishedMailbox Value(JsonElement parts, PublicationCarrier carrier)
    {
        var value = parts.EnumerateArray().Where(p => Text(p, "name") == "value").Select(p => p.TryGetProperty("valueContactPoint", out var v) ? v : default).FirstOrDefault();
        if (value.ValueKind != JsonValueKind.Object || Text(value, "system") != "email" || Text(value, "value") is not { } address)
        {
            throw new PublicationException(PublicationErrorKind.Invalid, "the value must be a valueContactPoint with system 'email' and the mailbox address");
        }

        address = address.Trim();
        if (!MailAddress.TryParse(address, out _, out var error))
        {
            throw new PublicationException(PublicationErrorKind.Invalid, $"'{address}' is not a mailbox address: {error}");
        }

        string? typeCode = null, description = null, service = null, responsible = null;
        bool listeRouge = false;
        bool? demat = null;
        if (value.TryGetProperty("extension", out var extensions) && extensions.ValueKind == JsonValueKind.Array)
        {
            foreach (var metadata in extensions.EnumerateArray().Where(e => Text(e, "url") == FhirSystems.MailboxMetadataExtension && e.TryGetProperty("extension", out _)))
            {
                foreach (var sub in metadata.GetProperty("extension").EnumerateArray())
                {
                    switch (Text(sub, "url"))
                    {
                        case "type" when sub.TryGetProperty("valueCodeableConcept", out var concept) && concept.TryGetProperty("coding", out var coding) && coding.ValueKind == JsonValueKind.Array:
                            typeCode = coding.EnumerateArray().Select(c => Text(c, "code")).FirstOrDefault();
                            break;
                        case "description":
                            description = Text(sub, "valueString");
                            break;
                        case "service":
                            service = Text(sub, "valueString");
                            break;
                        case "responsible":
                            responsible = Text(sub, "valueString");
                            break;
                        case "listeRouge":
                            listeRouge = Boolean(sub) ?? throw new PublicationException(PublicationErrorKind.Invalid, "listeRouge must be a valueBoolean");
                            break;
                        case "digitization":
                            demat = Boolean(sub) ?? throw new PublicationException(PublicationErrorKind.Invalid, "digitization must be a valueBoolean");
                            break;
                    }
                }
            }
        }

        var type = typeCode is null
            ? carrier == PublicationCarrier.Practitioner ? MailboxType.Per : MailboxType.Org
            : ParseType(typeCode) ?? throw new PublicationException(PublicationErrorKind.Invalid, $"mailbox type '{typeCode}' is not PER, ORG, APP or CAB (TRE_R257-TypeBAL)");
        int? rank = null;
        if (value.TryGetProperty("rank", out var r))
        {
            rank = r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var n) && n >= 1
                ? n
                : throw new PublicationException(PublicationErrorKind.Invalid, "rank must be a positive integer (1 = preferential box)");
        }

        return new PublishedMailbox(address, type, listeRouge, rank, description, service, responsible, demat);
    }

    private static bool? Boolean(JsonElement sub) =>
        sub.TryGetProperty("valueBoolean", out var b) && b.ValueKind is JsonValueKind.True or JsonValueKind.False ? b.GetBoolean() : null;

    private static string? Part(JsonElement parts, string name, string valueProperty) =>
        parts.EnumerateArray().Where(p => Text(p, "name") == name).Select(p => Text(p, valueProperty)).FirstOrDefault();

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
