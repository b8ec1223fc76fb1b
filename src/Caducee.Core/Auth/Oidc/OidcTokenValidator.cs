// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Caducee.Core.Auth.Oidc;

/// <summary>The verdict on an access token.</summary>
public enum TokenVerdict
{
    Valid,
    /// <summary>Signature, issuer, audience, lifetime or claims are wrong: RFC 6750 <c>invalid_token</c>.</summary>
    Invalid,
    /// <summary>Valid but without the required scope: RFC 6750 <c>insufficient_scope</c>.</summary>
    InsufficientScope,
    /// <summary>The issuer's keys cannot be fetched: try again later.</summary>
    Unavailable,
}

/// <summary>A token check: the verdict, a reason safe to show and log (never the token), and on success the professional's RPPS.</summary>
public sealed record TokenCheck(TokenVerdict Verdict, string Reason, string? Rpps = null)
{
    public static TokenCheck Invalid(string reason) => new(TokenVerdict.Invalid, reason);
}

/// <summary>
/// Validates an OAuth 2.0 access token that is a signed JWT from the configured OpenID Connect issuer
/// (REQ-13): signature with a key of the issuer's JWKS (RS256, ES256 or PS256 only; <c>none</c> and HS*
/// refused, so no algorithm confusion), <c>iss</c>, <c>aud</c>, <c>exp</c> (required) and <c>nbf</c> with a
/// small skew, the required scope, and the national-identifier claim mapped to an RPPS. Signature and
/// claim checks are Microsoft.IdentityModel's; key discovery, caching, time and mapping are ours. Tokens
/// are neither stored nor logged.
/// </summary>
public sealed class OidcTokenValidator : IDisposable
{
    private static readonly string[] s_algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSsaPssSha256];
    private readonly JsonWebTokenHandler _handler;
    private readonly TimeProvider _clock;

    public OidcTokenValidator(OidcOptions options, IOidcDocumentSource source, TimeProvider? clock = null)
    {
        Options = options;
        _clock = clock ?? TimeProvider.System;
        Keys = new OidcKeyCache(options, source, _clock);
        _handler = new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = options.MaxTokenLength };
    }

    public OidcOptions Options { get; }

    internal OidcKeyCache Keys { get; }

    public void Dispose() => Keys.Dispose();

    public async Task<TokenCheck> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > Options.MaxTokenLength)
        {
            return TokenCheck.Invalid($"token longer than {Options.MaxTokenLength} characters");
        }

        if (token.Count(c => c == '.') != 2)
        {
            return TokenCheck.Invalid("not a signed JWT (JWS compact serialization expected)");
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return TokenCheck.Invalid("malformed JWT");
        }

        if (!s_algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return TokenCheck.Invalid($"signature algorithm '{jwt.Alg}' is not accepted (RS256, ES256 or PS256 only)");
        }

        var kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
        var lookup = await Keys.FindAsync(kid, cancellationToken).ConfigureAwait(false);
        if (lookup.Status == KeyLookupStatus.Unavailable)
        {
            return new TokenCheck(TokenVerdict.Unavailable, "the token issuer's keys cannot be fetched: " + lookup.Error);
        }

        if (lookup.Status == KeyLookupStatus.UnknownKey)
        {
            return TokenCheck.Invalid("token signed with a key the issuer does not publish");
        }

        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = Options.Issuer,
            ValidateAudience = true,
            RequireAudience = true,
            ValidAudience = Options.Audience,
            ValidAlgorithms = s_algorithms,
            IssuerSigningKeys = lookup.Keys,
            TryAllIssuerSigningKeys = kid is null,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false, // the keys come from the pinned issuer's JWKS
            ValidateLifetime = false, // checked below against our clock
            ValidateTokenReplay = false,
            LogValidationExceptions = false,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return TokenCheck.Invalid(Describe(result.Exception));
        }

        var now = _clock.GetUtcNow().UtcDateTime;
        if (jwt.ValidTo == DateTime.MinValue)
        {
            return TokenCheck.Invalid("token has no expiry (exp)");
        }

        if (now > jwt.ValidTo + Options.ClockSkew)
        {
            return TokenCheck.Invalid("token expired at " + jwt.ValidTo.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        if (jwt.ValidFrom != DateTime.MinValue && now + Options.ClockSkew < jwt.ValidFrom)
        {
            return TokenCheck.Invalid("token not valid yet (nbf)");
        }

        if (Options.Scope.Length > 0 && !Scopes(jwt).Contains(Options.Scope, StringComparer.Ordinal))
        {
            return new TokenCheck(TokenVerdict.InsufficientScope, $"token lacks the scope '{Options.Scope}'");
        }

        var id = jwt.TryGetPayloadValue<string>(Options.RppsClaim, out var value) ? value : null;
        if (!CertificateIdentity.TryReadRpps(id, out var rpps))
        {
            return TokenCheck.Invalid($"token claim '{Options.RppsClaim}' does not hold a professional's RPPS");
        }

        return new TokenCheck(TokenVerdict.Valid, "valid", rpps);
    }

    /// <summary>Space-separated <c>scope</c> (RFC 8693 §4.2) or <c>scp</c> (string or array).</summary>
    private static IEnumerable<string> Scopes(JsonWebToken jwt) =>
        jwt.Claims.Where(c => c.Type is "scope" or "scp").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => $"token audience is not '{Options.Audience}'",
        SecurityTokenInvalidIssuerException => $"token issuer is not '{Options.Issuer}'",
        SecurityTokenInvalidAlgorithmException => "signature algorithm not accepted",
        SecurityTokenInvalidSignatureException => "token signature invalid",
        SecurityTokenMalformedException => "malformed JWT",
        _ => "token invalid",
    };
}
