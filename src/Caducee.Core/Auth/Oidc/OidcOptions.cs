// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Oidc;

/// <summary>
/// The OpenID Connect issuer whose access tokens XOAUTH2 and OAUTHBEARER accept (REQ-13): Pro Santé
/// Connect in production, the authority's test PSC in the demo. Configuration keys <c>Auth:Oidc:*</c>.
/// </summary>
public sealed record OidcOptions
{
    /// <summary>The issuer identifier, exactly as in the tokens' <c>iss</c> and the discovery document (<c>Auth:Oidc:Issuer</c>).</summary>
    public required string Issuer { get; init; }

    /// <summary>The audience tokens must name in <c>aud</c> (<c>Auth:Oidc:Audience</c>).</summary>
    public required string Audience { get; init; }

    /// <summary>A scope the token must carry in <c>scope</c> or <c>scp</c>; empty means none required (<c>Auth:Oidc:Scope</c>).</summary>
    public string Scope { get; init; } = "scope_all";

    /// <summary>
    /// The claim holding the professional's national identifier (<c>Auth:Oidc:RppsClaim</c>): Pro Santé Connect
    /// names it <c>SubjectNameID</c> (idNatPS, "8" + RPPS); an 11-digit RPPS is accepted too.
    /// </summary>
    public string RppsClaim { get; init; } = "SubjectNameID";

    /// <summary>Tolerance on <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Keys older than this are fetched again before use.</summary>
    public TimeSpan KeysMaxAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>At most one fetch per this interval, even when tokens name unknown keys (bounds what a client can make us fetch).</summary>
    public TimeSpan MinRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest token accepted, in characters.</summary>
    public int MaxTokenLength { get; init; } = 12 * 1024;

    /// <summary>OpenID Connect Discovery 1.0 §4: the issuer followed by /.well-known/openid-configuration.</summary>
    public Uri DiscoveryUrl => new(Issuer.TrimEnd('/') + "/.well-known/openid-configuration");
}
