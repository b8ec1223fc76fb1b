// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Caducee.Web.TestPsc;

/// <summary>
/// The test PSC's HTTP endpoints under <c>/psc</c>: discovery, JWKS, and a token endpoint with the
/// resource-owner password grant (RFC 6749 §4.3) for test professionals and scripts; client authentication
/// by client_secret_basic or client_secret_post; errors per RFC 6749 §5.2.
/// </summary>
public static class TestPscApi
{
    /// <summary>Largest form accepted at the token endpoint.</summary>
    private const int MaxFormLength = 8 * 1024;

    public static IEndpointRouteBuilder MapTestPsc(this IEndpointRouteBuilder app, TestProSanteConnect psc)
    {
        app.MapGet("/psc/.well-known/openid-configuration", () => Results.Json(psc.Discovery()));
        app.MapGet("/psc/jwks", () => Results.Json(psc.Jwks(), contentType: "application/jwk-set+json"));
        app.MapPost("/psc/token", (Delegate)((HttpContext http) => TokenAsync(http, psc)));
        return app;
    }

    private static async Task<IResult> TokenAsync(HttpContext http, TestProSanteConnect psc)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (!http.Request.HasFormContentType || http.Request.ContentLength is null or > MaxFormLength)
        {
            return Error(400, "invalid_request", $"POST an application/x-www-form-urlencoded body of at most {MaxFormLength} octets");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var (clientId, clientSecret) = ClientCredentials(http.Request, form);
        if (clientId is null || !FixedEquals(clientId, psc.Options.ClientId) || clientSecret is null || !FixedEquals(clientSecret, psc.Options.ClientSecret))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"test-psc\"";
            return Error(401, "invalid_client", "unknown client or wrong client secret");
        }

        if (form["grant_type"] != "password")
        {
            return Error(400, "unsupported_grant_type", "this test provider supports grant_type=password only");
        }

        string? user = form["username"];
        string? password = form["password"];
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
        {
            return Error(400, "invalid_request", "username (the RPPS) and password are required");
        }

        var requested = ((string?)form["scope"] ?? string.Join(' ', psc.Options.Scopes)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var unknown = requested.Except(psc.Options.Scopes, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0 || requested.Length == 0)
        {
            return Error(400, "invalid_scope", $"scopes offered: {string.Join(' ', psc.Options.Scopes)}");
        }

        var professional = psc.Authenticate(user, password);
        if (professional is null)
        {
            return Error(400, "invalid_grant", "unknown professional or wrong password");
        }

        var scope = string.Join(' ', requested.Distinct(StringComparer.Ordinal));
        var token = psc.IssueAccessToken(professional.Rpps, scope);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)psc.Options.TokenLifetime.TotalSeconds,
            ["scope"] = scope,
        });
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? (null, null) : (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form["client_id"], form["client_secret"]);
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
