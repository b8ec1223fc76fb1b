// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;

namespace Caducee.Annuaire.Fhir;

/// <summary>FHIR <c>_total</c>.</summary>
public enum FhirTotalMode
{
    Accurate,
    Estimate,
    None,
}

/// <summary>
/// A parsed FHIR search on <c>Practitioner</c>: the directory query, paging, includes, the canonical
/// parameters for the Bundle links, and the errors to return as an OperationOutcome (HTTP 400).
/// </summary>
public sealed record FhirSearchRequest(
    DirectoryQuery Query,
    FhirTotalMode Total,
    bool IncludeRoles,
    bool IncludeOrganizations,
    IReadOnlyList<KeyValuePair<string, string>> Canonical,
    IReadOnlyList<string> Errors)
{
    public const int DefaultCount = 20;

    /// <summary>
    /// Parses search parameters (name, value pairs as they come from the query string, already URL-decoded).
    /// Accepted: <c>identifier</c> (token, systems <see cref="FhirSystems.IdNatPs"/> and <see cref="FhirSystems.Rpps"/>),
    /// <c>name</c>, <c>family</c> (also <c>:exact</c>), <c>given</c>, <c>mailbox-mss</c> (default starts-with,
    /// <c>:exact</c>, <c>:contains</c>), <c>mailbox-mss-type</c> (PER, ORG, APP, CAB), <c>role</c> (profession
    /// code), <c>specialty</c> (savoir-faire code), <c>address-city</c>, <c>address-postalcode</c>,
    /// <c>_count</c> (0..1000), <c>_offset</c> (alias <c>_getpagesoffset</c>), <c>_total</c>,
    /// <c>_revinclude=PractitionerRole:practitioner</c>, <c>_include=PractitionerRole:organization</c>;
    /// <c>_format</c> and <c>_pretty</c> are ignored. Anything else is an error, and so are comma-separated
    /// value lists (FHIR OR), which the conjunctive directory query cannot express. A repeated
    /// <c>name</c> or <c>given</c> adds words that must all match (FHIR AND).
    /// </summary>
    public static FhirSearchRequest Parse(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var query = new DirectoryQuery { Count = DefaultCount };
        var total = FhirTotalMode.Accurate;
        var includeRoles = false;
        var includeOrganizations = false;
        var canonical = new List<KeyValuePair<string, string>>();
        var errors = new List<string>();
        foreach (var (rawName, rawValue) in parameters)
        {
            var value = rawValue?.Trim() ?? string.Empty;
            var colon = rawName.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? rawName : rawName[..colon];
            var modifier = colon < 0 ? null : rawName[(colon + 1)..];
            if (value.Length == 0 && name is not ("_format" or "_pretty"))
            {
                errors.Add($"parameter '{rawName}' has no value");
                continue;
            }

            if (value.Contains(',', StringComparison.Ordinal) && !name.StartsWith('_'))
            {
                // FHIR: a comma separates alternatives (OR); the directory query is a conjunction only.
                errors.Add($"parameter '{rawName}': value lists (',' = OR) are not supported");
                continue;
            }

            var keep = true;
            switch (name)
            {
                case "identifier" when modifier is null:
                    var (system, code) = Token(value);
                    if (system is null or FhirSystems.IdNatPs or FhirSystems.Rpps)
                    {
                        query = query with { Identifier = code };
                    }
                    else
                    {
                        errors.Add($"identifier system '{system}' is not supported (use {FhirSystems.IdNatPs} or {FhirSystems.Rpps})");
                    }

                    break;
                case "name" when modifier is null:
                    query = query with { Name = Join(query.Name, value) };
                    break;
                case "family" when modifier is null or "exact":
                    query = query with { Family = value, FamilyExact = modifier == "exact" };
                    break;
                case "given" when modifier is null:
                    query = query with { Given = Join(query.Given, value) };
                    break;
                case "mailbox-mss" when modifier is null or "exact" or "contains":
                    query = query with
                    {
                        Mailbox = value,
                        MailboxMatch = modifier switch { "exact" => MailboxMatch.Exact, "contains" => MailboxMatch.Contains, _ => MailboxMatch.StartsWith },
                    };
                    break;
                case "mailbox-mss-type" when modifier is null:
                    var type = Token(value).Code.ToUpperInvariant() switch
                    {
                        "PER" => MailboxType.Per,
                        "ORG" => MailboxType.Org,
                        "APP" => MailboxType.App,
                        "CAB" => MailboxType.Cab,
                        _ => (MailboxType?)null,
                    };
                    if (type is null)
                    {
                        errors.Add($"mailbox-mss-type '{value}' is not PER, ORG, APP or CAB");
                    }

                    query = query with { MailboxType = type };
                    break;
                case "role" when modifier is null:
                    query = query with { ProfessionCode = Token(value).Code };
                    break;
                case "specialty" when modifier is null:
                    query = query with { SavoirFaireCode = Token(value).Code };
                    break;
                case "address-city" when modifier is null:
                    query = query with { City = value };
                    break;
                case "address-postalcode" when modifier is null:
                    query = query with { PostalCode = value };
                    break;
                case "_count" when modifier is null:
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= DirectoryQuery.MaxCount)
                    {
                        query = query with { Count = count };
                    }
                    else
                    {
                        errors.Add($"_count must be an integer between 0 and {DirectoryQuery.MaxCount}");
                    }

                    keep = false;
                    break;
                case "_offset" or "_getpagesoffset" when modifier is null:
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                    {
                        query = query with { Offset = offset };
                    }
                    else
                    {
                        errors.Add($"{name} must be a non-negative integer");
                    }

                    keep = false;
                    break;
                case "_total" when modifier is null:
                    switch (value)
                    {
                        case "accurate":
                            total = FhirTotalMode.Accurate;
                            break;
                        case "estimate":
                            total = FhirTotalMode.Estimate;
                            break;
                        case "none":
                            total = FhirTotalMode.None;
                            break;
                        default:
                            errors.Add("_total must be none, estimate or accurate");
                            break;
                    }

                    break;
                case "_revinclude" when value == "PractitionerRole:practitioner":
                    includeRoles = true;
                    break;
                case "_include" when value == "PractitionerRole:organization":
                    includeRoles = true;
                    includeOrganizations = true;
                    break;
                case "_format" or "_pretty":
                    keep = false;
                    break;
                default:
                    errors.Add($"search parameter '{rawName}' is not supported");
                    keep = false;
                    break;
            }

            if (keep)
            {
                canonical.Add(new KeyValuePair<string, string>(rawName, value));
            }
        }

        return new FhirSearchRequest(query, total, includeRoles, includeOrganizations, canonical, errors);
    }

    /// <summary>Parses a query string ("a=1&amp;b=2", leading '?' allowed) into decoded pairs.</summary>
    public static IEnumerable<KeyValuePair<string, string>> QueryString(string query)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            yield return new KeyValuePair<string, string>(Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }

    private static (string? System, string Code) Token(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (null, value) : (bar == 0 ? null : value[..bar], value[(bar + 1)..]);
    }

    private static string Join(string? existing, string value) => existing is null ? value : existing + " " + value;
}

/// <summary>
/// A parsed FHIR search on <c>Organization</c> (structures): <c>identifier</c> (token; systems
/// <see cref="FhirSystems.Finess"/>, <see cref="FhirSystems.IdNatSt"/>, <see cref="FhirSystems.Siret"/>, or none
/// for any), <c>mailbox-mss</c> (default starts-with, <c>:exact</c>, <c>:contains</c>), <c>mailbox-mss-type</c>
/// (ORG, APP), <c>_count</c>, <c>_offset</c>, <c>_total</c>; <c>_format</c> and <c>_pretty</c> are ignored.
/// </summary>
public sealed record FhirOrganizationSearchRequest(
    StructureQuery Query,
    FhirTotalMode Total,
    IReadOnlyList<KeyValuePair<string, string>> Canonical,
    IReadOnlyList<string> Errors)
{
    public static FhirOrganizationSearchRequest Parse(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var query = new StructureQuery { Count = FhirSearchRequest.DefaultCount };
        var total = FhirTotalMode.Accurate;
        var canonical = new List<KeyValuePair<string, string>>();
        var errors = new List<string>();
        foreach (var (rawName, rawValue) in parameters)
        {
            var value = rawValue?.Trim() ?? string.Empty;
            var colon = rawName.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? rawName : rawName[..colon];
            var modifier = colon < 0 ? null : rawName[(colon + 1)..];
            if (value.Length == 0 && name is not ("_format" or "_pretty"))
            {
                errors.Add($"parameter '{rawName}' has no value");
                continue;
            }

            if (value.Contains(',', StringComparison.Ordinal) && !name.StartsWith('_'))
            {
                errors.Add($"parameter '{rawName}': value lists (',' = OR) are not supported");
                continue;
            }

            var keep = true;
            switch (name)
            {
                case "identifier" when modifier is null:
                    var bar = value.IndexOf('|', StringComparison.Ordinal);
                    var system = bar <= 0 ? null : value[..bar];
                    var code = bar < 0 ? value : value[(bar + 1)..];
                    StructureIdentifierKind? kind = system switch
                    {
                        null => StructureIdentifierKind.Any,
                        FhirSystems.Finess => StructureIdentifierKind.Finess,
                        FhirSystems.IdNatSt => StructureIdentifierKind.IdNatSt,
                        FhirSystems.Siret => StructureIdentifierKind.Siret,
                        _ => null,
                    };
                    if (kind is null)
                    {
                        errors.Add($"identifier system '{system}' is not supported (use {FhirSystems.Finess}, {FhirSystems.IdNatSt} or {FhirSystems.Siret})");
                    }
                    else
                    {
                        query = query with { Identifier = code, IdentifierKind = kind.Value };
                    }

                    break;
                case "mailbox-mss" when modifier is null or "exact" or "contains":
                    query = query with
                    {
                        Mailbox = value,
                        MailboxMatch = modifier switch { "exact" => MailboxMatch.Exact, "contains" => MailboxMatch.Contains, _ => MailboxMatch.StartsWith },
                    };
                    break;
                case "mailbox-mss-type" when modifier is null:
                    var bar2 = value.IndexOf('|', StringComparison.Ordinal);
                    var type = FhirMailboxPatch.ParseType(bar2 < 0 ? value : value[(bar2 + 1)..]);
                    if (type is null)
                    {
                        errors.Add($"mailbox-mss-type '{value}' is not PER, ORG, APP or CAB");
                    }

                    query = query with { MailboxType = type };
                    break;
                case "_count" when modifier is null:
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= DirectoryQuery.MaxCount)
                    {
                        query = query with { Count = count };
                    }
                    else
                    {
                        errors.Add($"_count must be an integer between 0 and {DirectoryQuery.MaxCount}");
                    }

                    keep = false;
                    break;
                case "_offset" or "_getpagesoffset" when modifier is null:
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                    {
                        query = query with { Offset = offset };
                    }
                    else
                    {
                        errors.Add($"{name} must be a non-negative integer");
                    }

                    keep = false;
                    break;
                case "_total" when modifier is null:
                    total = value switch
                    {
                        "accurate" => FhirTotalMode.Accurate,
                        "estimate" => FhirTotalMode.Estimate,
                        "none" => FhirTotalMode.None,
                        _ => total,
                    };
                    if (value is not ("accurate" or "estimate" or "none"))
                    {
                        errors.Add("_total must be none, estimate or accurate");
                    }

                    break;
                case "_format" or "_pretty":
                    keep = false;
                    break;
                default:
                    errors.Add($"search parameter '{rawName}' is not supported on Organization");
                    keep = false;
                    break;
            }

            if (keep)
            {
                canonical.Add(new KeyValuePair<string, string>(rawName, value));
            }
        }

        return new FhirOrganizationSearchRequest(query, total, canonical, errors);
    }
}
