// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Store;
using Caducee.Core.Security;
using Caducee.MsSante.Whitelist;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Caducee.Web;

/// <summary>What the trust-space authority publishes: the whitelist and the PKI's public material.</summary>
public sealed class AuthorityContent
{
    private volatile byte[] _whitelist = [];

    /// <summary>PEM bundle of the trust anchors and intermediates.</summary>
    public required string CaBundlePemPath { get; init; }

    /// <summary>The same bundle as PKCS#7 (.p7b), as IGC-Santé publishes it.</summary>
    public required byte[] CaBundleP7b { get; init; }

    /// <summary>CRLs by file name (e.g. "organisations.crl"), DER.</summary>
    public required IReadOnlyDictionary<string, byte[]> Crls { get; init; }

    /// <summary>The whitelist XML currently published.</summary>
    public byte[] Whitelist => _whitelist;

    public void PublishWhitelist(WhitelistDocument document) => _whitelist = WhitelistXml.Write(document);
}

/// <summary>HTTP endpoints of the authority (issue 7 deepens them: FHIR directory, publication).</summary>
public static class AuthorityApi
{
    private static readonly string[] s_fhirFormats = ["json"];

    /// <summary>Maps the authority's endpoints; with a <paramref name="directory"/>, also the Annuaire Santé (FHIR and REST).</summary>
    public static IEndpointRouteBuilder MapAuthorityApi(this IEndpointRouteBuilder app, AuthorityContent content, DirectoryStore? directory = null, CertificateTrust? operatorTrust = null, string? extractionFolder = null)
    {
        app.MapGet("/listeblanchemssante.xml", () => Results.Bytes(content.Whitelist, "application/xml; charset=utf-8"));
        app.MapGet("/checksum", () => Results.Text(WhitelistXml.Checksum(content.Whitelist) + "\n", "text/plain"));
        app.MapGet("/pki/ca.pem", () => Results.File(content.CaBundlePemPath, "application/x-pem-file", "ca.pem"));
        app.MapGet("/pki/ca.p7b", () => Results.Bytes(content.CaBundleP7b, "application/x-pkcs7-certificates", "Chaine_de_certification-IGC-Sante-test.p7b"));
        app.MapGet("/pki/crl/{name}", (string name) =>
            content.Crls.TryGetValue(name, out var crl)
                ? Results.Bytes(crl, "application/pkix-crl")
                : Results.Problem(statusCode: 404, title: "Unknown CRL", detail: $"No CRL named {name}; known: {string.Join(", ", content.Crls.Keys)}"));
        if (directory is not null)
        {
            app.MapAnnuaireApi(directory, operatorTrust, () => WhitelistXml.Parse(content.Whitelist), extractionFolder);
            return app;
        }

        app.MapGet("/fhir/metadata", () => Results.Json(
            new
            {
                resourceType = "CapabilityStatement",
                status = "draft",
                kind = "instance",
                fhirVersion = "4.0.1",
                format = s_fhirFormats,
                date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                software = new { name = "Caducée trust-space authority" },
            },
            contentType: "application/fhir+json"));
        return app;
    }
}
