// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Auth.Oidc;
using Caducee.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Caducee.Core.Tests.Auth;

/// <summary>The issuer's documents are fetched over real HTTPS with the trust bundle pinned (REQ-13; the OS store is never used).</summary>
public sealed class HttpsDocumentSourceTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private WebApplication? _app;
    private string _base = string.Empty;

    public async Task InitializeAsync()
    {
        var server = _pki.Organisations.Issue(NationalNames.Organisation("psc.test", "100000000000000", "PSC TEST", null), CertificateProfile.Server, ["localhost"], [IPAddress.Loopback]);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(server)));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Text("""{"issuer":"x"}""", "application/json"));
        _app.MapGet("/big", () => Results.Text(new string('x', HttpsDocumentSource.MaxDocumentSize + 1)));
        _app.MapGet("/missing", () => Results.NotFound());
        await _app.StartAsync();
        var port = new Uri(_app.Urls.First()).Port;
        _base = $"https://127.0.0.1:{port}";
    }

    public async Task DisposeAsync() => await _app!.DisposeAsync();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task A_server_chaining_to_the_pinned_bundle_is_read()
    {
        using var source = new HttpsDocumentSource(_pki.Trust);
        var body = await source.GetAsync(new Uri(_base + "/.well-known/openid-configuration"), default);
        Assert.Equal("""{"issuer":"x"}""", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_server_of_another_PKI_is_refused()
    {
        using var other = new TestPki();
        using var source = new HttpsDocumentSource(other.Trust);
        var ex = await Assert.ThrowsAsync<OidcUnavailableException>(() => source.GetAsync(new Uri(_base + "/.well-known/openid-configuration"), default));
        Assert.Contains("cannot fetch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_errors_and_oversized_documents_are_refused()
    {
        using var source = new HttpsDocumentSource(_pki.Trust);
        await Assert.ThrowsAsync<OidcUnavailableException>(() => source.GetAsync(new Uri(_base.Replace("https", "http", StringComparison.Ordinal) + "/x"), default));
        Assert.Contains("HTTP 404", (await Assert.ThrowsAsync<OidcUnavailableException>(() => source.GetAsync(new Uri(_base + "/missing"), default))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OidcUnavailableException>(() => source.GetAsync(new Uri(_base + "/big"), default));
    }
}
