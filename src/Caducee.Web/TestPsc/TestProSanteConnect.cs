// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Caducee.Core.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Caducee.Web.TestPsc;

/// <summary>The test PSC's settings; production operators point at the real Pro Santé Connect instead.</summary>
public sealed record TestPscOptions
{
    /// <summary>The <c>aud</c> of issued tokens: what operators configure as <c>Auth:Oidc:Audience</c>.</summary>
    public string Audience { get; init; } = "caducee-mssante";

    /// <summary>The one registered client (a test mail client or script).</summary>
    public string ClientId { get; init; } = "caducee-test-client";

    public required string ClientSecret { get; init; }

    /// <summary>Access tokens are short-lived.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Scopes the provider grants; a request asks for some of them (default: all).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "scope_all"];
}

/// <summary>A professional known to the test provider (password is test-only: the real PSC uses CPS or e-CPS).</summary>
internal sealed record TestProfessional(string Rpps, string GivenName, string FamilyName, string PasswordHash);

/// <summary>
/// A small test Pro Santé Connect (MISSION §2 item 10): an OpenID Connect provider on the authority that
/// publishes discovery and a JWKS, and issues short-lived RS256 access tokens for the test professionals
/// through a password grant, so XOAUTH2/OAUTHBEARER run against a real issuer. Its signing key is generated
/// once and kept in the authority's data folder (<c>psc/signing-key.pem</c>, 0600). Tokens carry the
/// national identifier as Pro Santé Connect does: <c>SubjectNameID</c> and <c>preferred_username</c> =
/// idNatPS ("8" + RPPS); <c>sub</c> is a technical identifier. Not for production.
/// </summary>
public sealed class TestProSanteConnect : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private static readonly string s_dummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());
    private readonly RSA _key;
    private readonly RsaSecurityKey _signingKey;
    private readonly string _usersFile;
    private readonly ConcurrentDictionary<string, TestProfessional> _professionals;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly object _saveLock = new();
    private string? _issuer;

    private TestProSanteConnect(TestPscOptions options, RSA key, string usersFile, ConcurrentDictionary<string, TestProfessional> professionals, TimeProvider clock)
    {
        Options = options;
        Clock = clock;
        _key = key;
        _usersFile = usersFile;
        _professionals = professionals;
        KeyId = Base64UrlEncoder.Encode(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 12).ToArray());
        _signingKey = new RsaSecurityKey(key) { KeyId = KeyId };
    }

    public TestPscOptions Options { get; }

    public TimeProvider Clock { get; }

    /// <summary>The signing key's id (<c>kid</c>): a hash of its public key.</summary>
    public string KeyId { get; }

    /// <summary>The issuer identifier, e.g. https://127.0.0.1:8443/psc; known once the authority listens.</summary>
    public string Issuer => _issuer ?? throw new InvalidOperationException("the test PSC's issuer is not set yet");

    /// <summary>Opens (creating the signing key on first use) the provider whose files are in <paramref name="folder"/>.</summary>
    public static TestProSanteConnect Open(string folder, TestPscOptions options, TimeProvider? clock = null)
    {
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "signing-key.pem");
        var key = RSA.Create();
        try
        {
            if (File.Exists(keyFile))
            {
                key.ImportFromPem(File.ReadAllText(keyFile));
            }
            else
            {
                key.KeySize = 2048;
                WritePrivate(keyFile, key.ExportPkcs8PrivateKeyPem());
            }
        }
        catch
        {
            key.Dispose();
            throw;
        }

        var usersFile = Path.Combine(folder, "professionals.json");
        var professionals = new ConcurrentDictionary<string, TestProfessional>(StringComparer.Ordinal);
        if (File.Exists(usersFile))
        {
            foreach (var p in JsonSerializer.Deserialize<List<TestProfessional>>(File.ReadAllText(usersFile)) ?? [])
            {
                professionals[p.Rpps] = p;
            }
        }

        return new TestProSanteConnect(options, key, usersFile, professionals, clock ?? TimeProvider.System);
    }

    /// <summary>Sets the issuer identifier once the listener's address is known.</summary>
    public void SetIssuer(string issuer) => _issuer = issuer.TrimEnd('/');

    /// <summary>Adds or updates a test professional (kept in <c>psc/professionals.json</c>, 0600).</summary>
    public void RegisterProfessional(string rpps, string password, string givenName, string familyName)
    {
        if (!CertificateIdentity.TryReadRpps(rpps, out var id))
        {
            throw new ArgumentException($"'{rpps}' is not an RPPS (11 digits)", nameof(rpps));
        }

        if (_professionals.TryGetValue(id, out var known) && known.GivenName == givenName && known.FamilyName == familyName && PasswordHasher.Verify(password, known.PasswordHash))
        {
            return;
        }

        _professionals[id] = new TestProfessional(id, givenName, familyName, PasswordHasher.Hash(password));
        lock (_saveLock)
        {
            WritePrivate(_usersFile, JsonSerializer.Serialize(_professionals.Values.OrderBy(p => p.Rpps, StringComparer.Ordinal).ToList(), s_json));
        }
    }

    /// <summary>The professional whose RPPS (or idNatPS) and password match, or null.</summary>
    internal TestProfessional? Authenticate(string userName, string password)
    {
        if (!CertificateIdentity.TryReadRpps(userName, out var rpps) || !_professionals.TryGetValue(rpps, out var p))
        {
            PasswordHasher.Verify(password, s_dummyHash); // same cost whether the user exists or not
            return null;
        }

        return PasswordHasher.Verify(password, p.PasswordHash) ? p : null;
    }

    /// <summary>
    /// Signs an access token for a registered professional. Tests use <paramref name="issuedAt"/> and
    /// <paramref name="lifetime"/> to make expired tokens with the real key.
    /// </summary>
    public string IssueAccessToken(string rpps, string scope, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, string? audience = null)
    {
        if (!CertificateIdentity.TryReadRpps(rpps, out var id) || !_professionals.TryGetValue(id, out var p))
        {
            throw new ArgumentException($"RPPS {rpps} is not a registered test professional", nameof(rpps));
        }

        var now = issuedAt ?? Clock.GetUtcNow();
        var idNat = "8" + p.Rpps;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience ?? Options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + (lifetime ?? Options.TokenLifetime)).UtcDateTime,
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.RsaSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", "psc-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(idNat)).AsSpan(0, 10))),
                new Claim("SubjectNameID", idNat),
                new Claim("preferred_username", idNat),
                new Claim("given_name", p.GivenName),
                new Claim("family_name", p.FamilyName),
                new Claim("scope", scope),
                new Claim("azp", Options.ClientId),
                new Claim("jti", Guid.NewGuid().ToString("N")),
            ]),
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>OpenID Connect Discovery 1.0 §3 metadata.</summary>
    public Dictionary<string, object> Discovery() => new()
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = Issuer + "/jwks",
        ["token_endpoint"] = Issuer + "/token",
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["grant_types_supported"] = new[] { "password" },
        ["response_types_supported"] = new[] { "token" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
        ["scopes_supported"] = Options.Scopes,
        ["claims_supported"] = new[] { "sub", "SubjectNameID", "preferred_username", "given_name", "family_name" },
    };

    /// <summary>The public signing key as a JWK Set (RFC 7517 §5).</summary>
    public Dictionary<string, object> Jwks()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = SecurityAlgorithms.RsaSha256,
                    ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                },
            },
        };
    }

    public void Dispose() => _key.Dispose();

    private static void WritePrivate(string path, string content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
        }

        File.Move(temp, path, overwrite: true);
    }
}
