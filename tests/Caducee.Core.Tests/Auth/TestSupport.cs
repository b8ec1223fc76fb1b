// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Security;
using Caducee.Pki;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Caducee.Core.Tests.Auth;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// An issuer's documents served from memory: the test decides what discovery and JWKS say, counts fetches,
/// and can make the issuer unreachable. (The HTTPS fetcher itself is tested against a real server.)
/// </summary>
internal sealed class MemoryIssuer : IOidcDocumentSource
{
    public const string IssuerUrl = "https://psc.test/auth/realms/esante-wallet";
    public const string JwksUrl = "https://psc.test/auth/realms/esante-wallet/protocol/openid-connect/certs";

    public string DiscoveryIssuer { get; set; } = IssuerUrl;

    public List<SigningKey> Published { get; } = [];

    public bool Down { get; set; }

    public int Gets { get; private set; }

    public Task<byte[]> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        Gets++;
        if (Down)
        {
            throw new OidcUnavailableException($"cannot fetch {url}: connection refused");
        }

        var body = url.ToString() switch
        {
            IssuerUrl + "/.well-known/openid-configuration" => JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = DiscoveryIssuer, ["jwks_uri"] = JwksUrl }),
            JwksUrl => JsonSerializer.Serialize(new { keys = Published.Select(k => k.Jwk()).ToArray() }),
            _ => throw new OidcUnavailableException($"{url} answered HTTP 404"),
        };
        return Task.FromResult(Encoding.UTF8.GetBytes(body));
    }
}

/// <summary>A signing key of the test issuer (RSA for RS256/PS256, P-256 for ES256) and the tokens it signs.</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private SigningKey(AsymmetricAlgorithm key, string kid, string algorithm)
    {
        _key = key;
        Kid = kid;
        Algorithm = algorithm;
    }

    public string Kid { get; }

    public string Algorithm { get; }

    public static SigningKey Rsa(string kid, string algorithm = SecurityAlgorithms.RsaSha256, int bits = 2048) => new(RSA.Create(bits), kid, algorithm);

    public static SigningKey Ec(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), kid, SecurityAlgorithms.EcdsaSha256);

    public SecurityKey SecurityKey => _key switch
    {
        RSA rsa => new RsaSecurityKey(rsa) { KeyId = Kid },
        ECDsa ec => new ECDsaSecurityKey(ec) { KeyId = Kid },
        _ => throw new InvalidOperationException(),
    };

    public Dictionary<string, string> Jwk()
    {
        if (_key is RSA rsa)
        {
            var p = rsa.ExportParameters(false);
            return new() { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = Kid, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
        }

        var q = ((ECDsa)_key).ExportParameters(false);
        return new() { ["kty"] = "EC", ["use"] = "sig", ["kid"] = Kid, ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(q.Q.X), ["y"] = Base64UrlEncoder.Encode(q.Q.Y) };
    }

    /// <summary>Signs a PSC-like access token; every field can be overridden to make a bad one.</summary>
    public string Token(
        DateTimeOffset now,
        string rpps = Tokens.Rpps,
        string issuer = MemoryIssuer.IssuerUrl,
        string audience = Tokens.Audience,
        string scope = "openid scope_all",
        TimeSpan? lifetime = null,
        DateTimeOffset? notBefore = null,
        string rppsClaim = "SubjectNameID")
    {
        var claims = new Dictionary<string, object> { ["sub"] = "f:technical-id", ["scope"] = scope };
        if (rppsClaim.Length > 0)
        {
            claims[rppsClaim] = "8" + rpps;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = (notBefore ?? now).UtcDateTime,
            Expires = (now + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SecurityKey, Algorithm),
        });
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>Hand-made JWTs, for what a token library would refuse to produce.</summary>
internal static class Tokens
{
    public const string Rpps = "10101234567";
    public const string Audience = "caducee-mssante";

    public static OidcOptions Options() => new() { Issuer = MemoryIssuer.IssuerUrl, Audience = Audience, Scope = "scope_all", RppsClaim = "SubjectNameID" };

    public static string B64(string json) => Base64UrlEncoder.Encode(json);

    public static string Payload(DateTimeOffset now, string rpps = Rpps) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["iss"] = MemoryIssuer.IssuerUrl,
        ["aud"] = Audience,
        ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["scope"] = "scope_all",
        ["SubjectNameID"] = "8" + rpps,
    });

    /// <summary>An unsecured JWT (RFC 7519 §6): alg none, empty signature.</summary>
    public static string Unsigned(DateTimeOffset now) => B64("""{"alg":"none","typ":"JWT"}""") + "." + B64(Payload(now)) + ".";

    /// <summary>The classic algorithm confusion: HS256 with the issuer's public key bytes as the HMAC secret.</summary>
    public static string HmacWithPublicKey(DateTimeOffset now, SigningKey key)
    {
        var input = B64($$"""{"alg":"HS256","typ":"JWT","kid":"{{key.Kid}}"}""") + "." + B64(Payload(now));
        var secret = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(key.Jwk()));
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }
}

/// <summary>A test IGC-Santé generated per test class: anchors, CPS-like and organisation certificates.</summary>
internal sealed class TestPki : IDisposable
{
    public TestPki()
    {
        Root = CertificateAuthority.CreateRoot(NationalNames.Root());
        Organisations = Root.CreateIntermediate(NationalNames.Organisations());
        Trust = new CertificateTrust([Root.Certificate], [Organisations.Certificate]);
    }

    public CertificateAuthority Root { get; }

    public CertificateAuthority Organisations { get; }

    public CertificateTrust Trust { get; }

    public X509Certificate2 Personal(string rpps, string first = "Jean", string last = "Dupont") =>
        Organisations.Issue(NationalNames.Professional(first, last, rpps, "312345678900018", "CENTRE HOSPITALIER NORD"), CertificateProfile.PersonalClient);

    public static X500DistinguishedName AppSubject(string cn = "dpi.hopital-nord.mssante.test") =>
        NationalNames.Organisation(cn, "312345678900018", "CENTRE HOSPITALIER NORD", "Nord (59)");

    public X509Certificate2 Organisation(string cn = "dpi.hopital-nord.mssante.test", DateTimeOffset? notAfter = null) =>
        Organisations.Issue(AppSubject(cn), CertificateProfile.OrganisationClient, notBefore: notAfter?.AddDays(-30), notAfter: notAfter);

    /// <summary>A certificate for TLS servers only (no clientAuth usage).</summary>
    public X509Certificate2 ServerOnly(string rpps)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(NationalNames.Professional("Jean", "Dupont", rpps, "312345678900018", "CH NORD"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Organisations.Certificate, true, false));
        using var issued = request.Create(Organisations.Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        Organisations.Dispose();
        Root.Dispose();
    }
}
