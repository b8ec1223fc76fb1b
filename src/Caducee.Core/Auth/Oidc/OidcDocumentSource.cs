// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Security;

namespace Caducee.Core.Auth.Oidc;

/// <summary>The issuer cannot be reached or answered nonsense; the text says which (never a token).</summary>
public sealed class OidcUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Fetches the issuer's documents (discovery, JWKS). A port, so tests can count and script fetches.</summary>
public interface IOidcDocumentSource
{
    /// <exception cref="OidcUnavailableException">The document could not be fetched.</exception>
    Task<byte[]> GetAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>
/// HTTPS only, with the trust bundle pinned (the OS store is not consulted: the test PSC chains to the test
/// IGC-Santé, the real one to its own CA, configured by <c>Auth:Oidc:TrustBundle</c>), TLS ≥ 1.2, bounded
/// size and time.
/// </summary>
public sealed class HttpsDocumentSource : IOidcDocumentSource, IDisposable
{
    /// <summary>Largest discovery or JWKS document accepted.</summary>
    public const int MaxDocumentSize = 256 * 1024;

    private readonly HttpClient _http;

    public HttpsDocumentSource(CertificateTrust pinnedTrust, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new TlsPolicy().ClientOptions("issuer", pinnedTrust, clientCertificate: null),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
        };
        handler.SslOptions.TargetHost = null; // taken from each request URI
        _http = new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(15), MaxResponseContentBufferSize = MaxDocumentSize };
    }

    public async Task<byte[]> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw new OidcUnavailableException($"{url} is not an https URL; issuer documents are fetched over TLS only");
        }

        try
        {
            using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new OidcUnavailableException($"{url} answered HTTP {(int)response.StatusCode}");
            }

            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new OidcUnavailableException($"cannot fetch {url}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _http.Dispose();
}
