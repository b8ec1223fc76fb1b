// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json.Serialization;

namespace Caducee.Host.Demo;

/// <summary>
/// The demo's public interface, <c>DIR/demo.json</c> (issue 2): tests, scripts and users drive the demo
/// through it. Keys are stable; add others freely, never rename.
/// </summary>
public sealed record DemoJson(
    [property: JsonPropertyName("ca")] string Ca,
    [property: JsonPropertyName("authority")] DemoAuthorityJson Authority,
    [property: JsonPropertyName("operators")] IReadOnlyList<DemoOperatorJson> Operators);

public sealed record DemoAuthorityJson(
    [property: JsonPropertyName("https")] string Https,
    [property: JsonPropertyName("whitelist")] string Whitelist,
    [property: JsonPropertyName("fhir")] string Fhir,
    [property: JsonPropertyName("directory")] string Directory,
    [property: JsonPropertyName("directoryFiles")] string DirectoryFiles,
    [property: JsonPropertyName("psc"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DemoPscJson? Psc = null);

/// <summary>
/// The authority's test Pro Santé Connect: what a script needs to get an access token (password grant:
/// client id and secret, username = a PER mailbox's <c>rpps</c>, password = its <c>pscPassword</c>).
/// </summary>
public sealed record DemoPscJson(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("discovery")] string Discovery,
    [property: JsonPropertyName("tokenEndpoint")] string TokenEndpoint,
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("clientSecret")] string ClientSecret,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("audience")] string Audience);

public sealed record DemoOperatorJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("mx")] string Mx,
    [property: JsonPropertyName("submission")] string Submission,
    [property: JsonPropertyName("imap")] string Imap,
    [property: JsonPropertyName("https")] string Https,
    [property: JsonPropertyName("clientCert")] DemoCertJson ClientCert,
    [property: JsonPropertyName("mailboxes")] IReadOnlyList<DemoMailboxJson> Mailboxes,
    [property: JsonPropertyName("submissions")] string? Submissions = null,
    [property: JsonPropertyName("imaps")] string? Imaps = null);

public sealed record DemoCertJson(
    [property: JsonPropertyName("cert")] string Cert,
    [property: JsonPropertyName("key")] string Key);

public sealed record DemoMailboxJson(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("password")] string Password,
    [property: JsonPropertyName("displayName")] string DisplayName,
    [property: JsonPropertyName("cert"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cert,
    [property: JsonPropertyName("key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
    [property: JsonPropertyName("rpps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rpps,
    [property: JsonPropertyName("structureId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StructureId = null,
    [property: JsonPropertyName("pscPassword"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PscPassword = null);
