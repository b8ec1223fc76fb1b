// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Caducee.Annuaire.Export;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Store;
using Caducee.Core.Security;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Caducee.Web;

/// <summary>
/// Operators' publications on the authority (issue 7, point 6; REQ-26): FHIR conditional PATCH of the
/// MSSanté telecoms of a Practitioner (PER, CAB) or an Organization (ORG, APP), by an operator
/// authenticated by its TLS client certificate. The publications are rows of the directory database
/// (<see cref="DirectoryStore.PublishAsync"/>), so they survive restarts and re-imports.
/// </summary>
internal static partial class AnnuairePublication
{
    /// <summary>
    /// <c>PATCH /fhir/Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|RPPS</c> or
    /// <c>PATCH /fhir/Organization?identifier=https://finess.esante.gouv.fr|FINESS</c> (any search
    /// parameters select): 401/403 without a whitelisted operator certificate, 404 when none matches, 412
    /// when several do, else the operations are applied and the updated resource is returned.
    /// </summary>
    public static async Task<IResult> PatchAsync(HttpContext context, DirectoryStore store, PublicationCarrier carrier, CertificateTrust trust, Func<WhitelistDocument> whitelist)
    {
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Caducee.Annuaire.Publication") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        string? operatorDn = null;
        try
        {
            var certificate = context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(context.RequestAborted).ConfigureAwait(false);
            var publisher = Authorize(certificate, trust, whitelist());
            operatorDn = publisher.OperatorDn;
            if (context.Request.ContentType?.Split(';')[0].Trim() is not ("application/fhir+json" or "application/json"))
            {
                throw new PatchException(415, "not-supported", "the body must be application/fhir+json");
            }

            var query = context.Request.Query.SelectMany(kv => kv.Value.Select(v => KeyValuePair.Create(kv.Key, v ?? string.Empty))).ToList();
            string owner;
            if (carrier == PublicationCarrier.Practitioner)
            {
                var request = FhirSearchRequest.Parse(query);
                Condition(request.Errors, request.Canonical.Count, "identifier=urn:oid:1.2.250.1.71.4.2.1|<RPPS>");
                var matches = store.Search(request.Query with { Offset = 0, Count = 2 });
                Cardinality(matches.Total, "Practitioner");
                owner = matches.Items[0].IdNat;
            }
            else
            {
                var request = FhirOrganizationSearchRequest.Parse(query);
                Condition(request.Errors, request.Canonical.Count, "identifier=https://finess.esante.gouv.fr|<FINESS> or urn:oid:1.2.250.1.71.4.2.2|<national structure id>");
                var matches = store.SearchStructures(request.Query with { Offset = 0, Count = 2 });
                Cardinality(matches.Total, "Organization");
                owner = matches.Items[0].Id;
            }

            JsonElement body;
            try
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                body = doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new PatchException(400, "invalid", "the body is not JSON: " + ex.Message);
            }

            var operations = FhirMailboxPatch.Parse(body, carrier);
            var result = await store.PublishAsync(carrier, owner, operations, publisher, context.RequestAborted).ConfigureAwait(false);
            LogPublished(logger, publisher.OperatorDn, carrier, owner, result.Published.Count, result.Withdrawn.Count, result.Version);
            return AnnuaireApi.FhirResult(200, carrier == PublicationCarrier.Practitioner
                ? FhirRenderer.Practitioner(result.Practitioner!)
                : FhirRenderer.Organization(result.Structure!));
        }
        catch (PatchException ex)
        {
            LogRefused(logger, operatorDn ?? "(no operator certificate)", carrier, ex.Status, ex.Message);
            return AnnuaireApi.FhirResult(ex.Status, AnnuaireApi.Outcome(ex.Code, ex.Message));
        }
        catch (PublicationException ex)
        {
            var (status, code) = Map(ex.Kind);
            LogRefused(logger, operatorDn ?? "(no operator certificate)", carrier, status, ex.Message);
            return AnnuaireApi.FhirResult(status, AnnuaireApi.Outcome(code, ex.Message));
        }
    }

    /// <summary>
    /// Checks the operator's TLS client certificate: chained to the trust bundle, and its DN on the whitelist
    /// (REQ-04). The operator may publish the domains the whitelist assigns to that DN, and no other.
    /// </summary>
    internal static PublicationContext Authorize(X509Certificate2? certificate, CertificateTrust trust, WhitelistDocument whitelist)
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

        var domains = whitelist.Domains
            .Where(d => DistinguishedName.Parse(d.DnCertificatOperateur).Equals(dn))
            .Select(d => d.Nom)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new PublicationContext(dn.ToString(), domains.Contains);
    }

    private static void Condition(IReadOnlyList<string> errors, int criteria, string example)
    {
        if (errors.Count > 0)
        {
            throw new PatchException(400, "invalid", string.Join("; ", errors));
        }

        if (criteria == 0)
        {
            throw new PatchException(400, "invalid", "a conditional PATCH needs search parameters, e.g. " + example);
        }
    }

    private static void Cardinality(int total, string resource)
    {
        if (total == 0)
        {
            throw new PatchException(404, "not-found", $"no {resource} matches the condition");
        }

        if (total > 1)
        {
            throw new PatchException(412, "multiple-matches", $"{total} {resource}s match the condition; it must select one");
        }
    }

    private static (int Status, string Code) Map(PublicationErrorKind kind) => kind switch
    {
        PublicationErrorKind.Invalid => (400, "invalid"),
        PublicationErrorKind.NotSupported => (422, "not-supported"),
        PublicationErrorKind.UnknownMailbox => (422, "not-found"),
        PublicationErrorKind.Duplicate => (422, "duplicate"),
        PublicationErrorKind.Immutable => (422, "business-rule"),
        PublicationErrorKind.Conflict => (409, "conflict"),
        _ => (403, "forbidden"),
    };

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Annuaire publication by {OperatorDn} on {Carrier}/{Owner}: {Published} published, {Withdrawn} withdrawn (version {Version})")]
    private static partial void LogPublished(ILogger logger, string operatorDn, PublicationCarrier carrier, string owner, int published, int withdrawn, long version);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Annuaire publication by {OperatorDn} on {Carrier} refused with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string operatorDn, PublicationCarrier carrier, int status, string reason);
}

/// <summary>A refused PATCH: the HTTP status and the OperationOutcome issue code.</summary>
internal sealed class PatchException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>
/// The public <c>Extraction_Correspondance_MSSante</c> served by the authority (REQ-29): a ZIP rebuilt
/// when the directory changed since the last one (an import or a publication), kept in a folder.
/// </summary>
public sealed class ExtractionCache(DirectoryStore store, string directory) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (long ChangeCount, ExtractionReport Report)? _current;

    /// <summary>The current export, writing a new one first when the directory changed.</summary>
    public async Task<ExtractionReport> GetAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var changes = store.ChangeCount;
            if (_current is { } c && c.ChangeCount == changes && File.Exists(c.Report.Path))
            {
                return c.Report;
            }

            var report = await store.ExportCorrespondanceAsync(directory, DateTime.UtcNow, cancellationToken).ConfigureAwait(false);
            if (_current is { } previous && previous.Report.Path != report.Path && File.Exists(previous.Report.Path))
            {
                File.Delete(previous.Report.Path!); // a download in progress keeps reading the unlinked file
            }

            _current = (changes, report);
            return report;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
