// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Caducee.Core.Auth.Oidc;

/// <summary>What the key cache found for a token's <c>kid</c>.</summary>
internal enum KeyLookupStatus
{
    Found,
    /// <summary>Keys are known but none has this kid, even after a refresh (or a refresh was refused as too soon).</summary>
    UnknownKey,
    /// <summary>No keys could ever be fetched.</summary>
    Unavailable,
}

internal readonly record struct KeyLookup(KeyLookupStatus Status, IReadOnlyList<JsonWebKey> Keys, string? Error);

/// <summary>
/// The issuer's signing keys: discovery (<c>/.well-known/openid-configuration</c>, whose <c>issuer</c> must be
/// the configured one), then <c>jwks_uri</c>. Cached; fetched again when older than
/// <see cref="OidcOptions.KeysMaxAge"/> or when a token names an unknown <c>kid</c> (key rotation), but at
/// most once per <see cref="OidcOptions.MinRefreshInterval"/>, one fetch at a time. When a fetch fails the
/// last good keys stay in use.
/// </summary>
internal sealed class OidcKeyCache(OidcOptions options, IOidcDocumentSource source, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile KeySet? _current;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private string? _lastError;

    /// <summary>How many times the documents were fetched (discovery + JWKS count as one).</summary>
    public int Fetches { get; private set; }

    public async Task<KeyLookup> FindAsync(string? kid, CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && IsFresh(current) && Has(current, kid))
        {
            return Found(current, kid);
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is null || !IsFresh(current) || !Has(current, kid))
            {
                var now = clock.GetUtcNow();
                if (now - _lastAttempt >= options.MinRefreshInterval)
                {
                    _lastAttempt = now;
                    try
                    {
                        Fetches++;
                        current = _current = await FetchAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OidcUnavailableException ex)
                    {
                        _lastError = ex.Message;
                    }
                }
            }
        }
        finally
        {
            _refresh.Release();
        }

        if (current is null)
        {
            return new KeyLookup(KeyLookupStatus.Unavailable, [], _lastError ?? "the issuer's keys have not been fetched yet");
        }

        return Has(current, kid) ? Found(current, kid) : new KeyLookup(KeyLookupStatus.UnknownKey, [], null);
    }

    public void Dispose() => _refresh.Dispose();

    private bool IsFresh(KeySet set) => clock.GetUtcNow() - set.FetchedAt < options.KeysMaxAge;

    private static bool Has(KeySet set, string? kid) =>
        kid is null ? set.Keys.Count > 0 : set.Keys.Any(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));

    private static KeyLookup Found(KeySet set, string? kid) =>
        new(KeyLookupStatus.Found, kid is null ? set.Keys : [.. set.Keys.Where(k => string.Equals(k.Kid, kid, StringComparison.Ordinal))], null);

    private async Task<KeySet> FetchAsync(CancellationToken cancellationToken)
    {
        var discovery = await source.GetAsync(options.DiscoveryUrl, cancellationToken).ConfigureAwait(false);
        Uri jwksUri;
        try
        {
            using var doc = JsonDocument.Parse(discovery);
            var root = doc.RootElement;
            var issuer = root.TryGetProperty("issuer", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            if (!string.Equals(issuer, options.Issuer, StringComparison.Ordinal))
            {
                // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one configured.
                throw new OidcUnavailableException($"the discovery document names issuer '{issuer}', not '{options.Issuer}'");
            }

            if (!root.TryGetProperty("jwks_uri", out var j) || j.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(j.GetString(), UriKind.Absolute, out jwksUri!) || jwksUri.Scheme != Uri.UriSchemeHttps)
            {
                throw new OidcUnavailableException("the discovery document has no https jwks_uri");
            }
        }
        catch (JsonException ex)
        {
            throw new OidcUnavailableException("the discovery document is not JSON: " + ex.Message, ex);
        }

        var jwks = await source.GetAsync(jwksUri, cancellationToken).ConfigureAwait(false);
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(jwks));
        }
        catch (ArgumentException ex)
        {
            throw new OidcUnavailableException("the JWKS is not a JSON Web Key Set: " + ex.Message, ex);
        }

        var keys = set.Keys.Where(IsUsableSigningKey).ToList();
        if (keys.Count == 0)
        {
            throw new OidcUnavailableException("the JWKS holds no RSA (2048 bits or more) or P-256 signing key");
        }

        return new KeySet(keys, clock.GetUtcNow());
    }

    private static bool IsUsableSigningKey(JsonWebKey key)
    {
        if (key.Use is not (null or "" or "sig"))
        {
            return false;
        }

        return key.Kty switch
        {
            "RSA" => key.N is not null && Base64UrlEncoder.DecodeBytes(key.N).Length >= 256,
            "EC" => key.Crv == "P-256" && key.X is not null && key.Y is not null,
            _ => false,
        };
    }

    private sealed record KeySet(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt);
}
