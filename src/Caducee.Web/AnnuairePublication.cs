// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Model;
using Caducee.Core.Security;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;

namespace Caducee.Web;

/// <summary>
/// Operators' publications (issue 7, point 6; REQ-26): FHIR conditional PATCH of a Practitioner's
/// MSSanté telecoms. The national files stay the base; published mailbox lists are kept in memory per
/// practitioner and applied to every read and search result until the next restart or import.
/// </summary>
public sealed class AnnuairePublications
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<DirectoryMailbox>> _mailboxes = new(StringComparer.Ordinal);

    /// <summary>The practitioner as published: its mailboxes replaced by an operator's PATCH, if any.</summary>
    public DirectoryPractitioner Apply(DirectoryPractitioner practitioner) =>
        _mailboxes.TryGetValue(practitioner.IdNat, out var boxes) ? practitioner with { Mailboxes = boxes } : practitioner;

    internal void Publish(string idNat, IReadOnlyList<DirectoryMailbox> mailboxes) => _mailboxes[idNat] = mailboxes;
}

/// <summary>A refused PATCH: the HTTP status and the OperationOutcome issue code.</summary>
internal sealed class PatchException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>Applies a FHIR <c>Parameters</c> patch (operations add/insert, replace, delete on <c>Practitioner.telecom</c>).</summary>
internal static class TelecomPatch
{
    private const string TelecomPath = "Practitioner.telecom";

    /// <summary>Checks the operator's TLS client certificate: chained to the trust bundle, and its DN on the whitelist (REQ-04).</summary>
    public static void Authorize(X509Certificate2? certificate, CertificateTrust trust, WhitelistDocument whitelist)
    {
        if (certificate is null)
        {
            throw new PatchException(401, "login", "publication requires the operator's TLS client certificate");
        }

        var check = trust.Validate(certificate, X509KeyUsagePurpose.ClientAuth);
        if (!check.IsValid)
        {
            throw new PatchException(403, "security", "client certificate refused: " + check.Reason);
        }

        var dn = DistinguishedName.FromCertificate(certificate);
        if (!whitelist.HasOperator(dn))
        {
            throw new PatchException(403, "forbidden", $"the certificate DN {dn} is not an operator of the whitelist");
        }
    }

    public static List<DirectoryMailbox> Apply(IReadOnlyList<DirectoryMailbox> current, JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty("resourceType", out var type) || type.GetString() != "Parameters"
            || !parameters.TryGetProperty("parameter", out var operations) || operations.ValueKind != JsonValueKind.Array)
        {
            throw new PatchException(400, "invalid", "the body must be a FHIR Parameters resource with 'parameter' operations");
        }

        var boxes = current.ToList();
        foreach (var operation in operations.EnumerateArray())
        {
            if (Text(operation, "name") != "operation" || !operation.TryGetProperty("part", out var parts))
            {
                throw new PatchException(400, "invalid", "each parameter must be an 'operation' with parts");
            }

            var kind = Part(parts, "type", "valueCode");
            var path = Part(parts, "path", "valueString") ?? throw new PatchException(400, "invalid", "operation without a path");
            switch (kind)
            {
                case "add" or "insert":
                    if (path != TelecomPath)
                    {
                        throw new PatchException(422, "not-supported", $"only {TelecomPath} can be patched");
                    }

                    var added = Mailbox(parts);
                    if (boxes.Exists(b => string.Equals(b.Address, added.Address, StringComparison.OrdinalIgnoreCase)))
                    {
                        throw new PatchException(422, "duplicate", $"{added.Address} is already published for this practitioner");
                    }

                    boxes.Add(added with { Rank = boxes.Count + 1 });
                    break;
                case "replace":
                    var index = Target(boxes, path);
                    var replacement = Mailbox(parts);
                    if (!string.Equals(replacement.Address, boxes[index].Address, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new PatchException(422, "business-rule", "the address of a mailbox cannot change: delete it and insert the new one");
                    }

                    if (replacement.Type != boxes[index].Type)
                    {
                        throw new PatchException(422, "business-rule", "the type of a mailbox cannot change");
                    }

                    boxes[index] = replacement with { Address = boxes[index].Address, Rank = boxes[index].Rank };
                    break;
                case "delete":
                    boxes.RemoveAt(Target(boxes, path));
                    break;
                default:
                    throw new PatchException(400, "invalid", $"operation type '{kind}' is not add, insert, replace or delete");
            }
        }

        return boxes;
    }

    /// <summary>Finds the mailbox named by <c>Practitioner.telecom.where(value='…')</c>.</summary>
    private static int Target(List<DirectoryMailbox> boxes, string path)
    {
        const string Prefix = TelecomPath + ".where(value='";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith("')", StringComparison.Ordinal))
        {
            throw new PatchException(422, "not-supported", $"the path must be {Prefix}<address>')");
        }

        var address = path[Prefix.Length..^2];
        var index = boxes.FindIndex(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new PatchException(422, "not-found", $"{address} is not a published mailbox of this practitioner");
    }

    /// <summary>Reads the <c>valueContactPoint</c> of an operation (an as-mailbox-mss telecom).</summary>
    private static DirectoryMailbox Mailbox(JsonElement parts)
    {
        var value = parts.EnumerateArray().Where(p => Text(p, "name") == "value").Select(p => p.TryGetProperty("valueContactPoint", out var v) ? v : default).FirstOrDefault();
        if (value.ValueKind != JsonValueKind.Object || Text(value, "system") != "email" || Text(value, "value") is not { } address || !address.Contains('@', StringComparison.Ordinal))
        {
            throw new PatchException(400, "invalid", "the value must be a valueContactPoint with system 'email' and the mailbox address");
        }

        string? typeCode = null, description = null, service = null;
        if (value.TryGetProperty("extension", out var extensions))
        {
            foreach (var metadata in extensions.EnumerateArray().Where(e => Text(e, "url") == FhirSystems.MailboxMetadataExtension && e.TryGetProperty("extension", out _)))
            {
                foreach (var sub in metadata.GetProperty("extension").EnumerateArray())
                {
                    switch (Text(sub, "url"))
                    {
                        case "type" when sub.TryGetProperty("valueCodeableConcept", out var concept) && concept.TryGetProperty("coding", out var coding):
                            typeCode = coding.EnumerateArray().Select(c => Text(c, "code")).FirstOrDefault();
                            break;
                        case "description":
                            description = Text(sub, "valueString");
                            break;
                        case "service":
                            service = Text(sub, "valueString");
                            break;
                    }
                }
            }
        }

        var type = typeCode switch
        {
            "PER" or null => MailboxType.Per,
            _ => throw new PatchException(422, "business-rule", $"a Practitioner publishes PER mailboxes only, not '{typeCode}'"),
        };
        return new DirectoryMailbox(address.Trim(), type, 0, service, description, null);
    }

    private static string? Part(JsonElement parts, string name, string valueProperty) =>
        parts.EnumerateArray().Where(p => Text(p, "name") == name).Select(p => Text(p, valueProperty)).FirstOrDefault();

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
