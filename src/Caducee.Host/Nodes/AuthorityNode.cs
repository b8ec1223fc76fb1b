// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;
using Caducee.Annuaire.Store;
using Caducee.Core.Security;
using Caducee.Hosting.Configuration;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Web;
using Caducee.Web.TestPsc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Caducee.Host.Nodes;

/// <summary>The trust-space authority: publishes the whitelist, the CA bundle and CRLs over HTTPS.</summary>
public sealed class AuthorityNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthorityNode(WebApplication app, NodeEndpoints endpoints, AuthorityContent content, DirectoryStore? directory, TestProSanteConnect? psc)
    {
        _app = app;
        Annuaire = directory;
        Endpoints = endpoints;
        Content = content;
        Psc = psc;
    }

    public NodeEndpoints Endpoints { get; }

    public AuthorityContent Content { get; }

    /// <summary>The Annuaire Santé served at /fhir and /api/annuaire, when configured.</summary>
    public DirectoryStore? Annuaire { get; }

    /// <summary>The test Pro Santé Connect served at /psc, when configured (<c>Psc:Enabled</c>).</summary>
    public TestProSanteConnect? Psc { get; }

    public static async Task<AuthorityNode> StartAsync(AuthoritySettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var trust = CertificateTrust.FromPemFile(settings.CaBundle);
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(settings.CaBundle);
        var content = new AuthorityContent
        {
            CaBundlePemPath = settings.CaBundle,
            CaBundleP7b = PemFiles.ToP7b(bundle),
            Crls = new CrlFiles(settings.CrlFiles),
        };
        try
        {
            content.PublishWhitelist(WhitelistXml.Parse(await File.ReadAllBytesAsync(settings.WhitelistFile, cancellationToken).ConfigureAwait(false)));
        }
        catch (WhitelistFormatException ex)
        {
            throw new ConfigurationException("Authority:WhitelistFile", ex.Message, "a whitelist XML in the national format");
        }

        var directory = settings.DirectoryDatabase is null ? null : DirectoryStore.Open(settings.DirectoryDatabase);
        TestProSanteConnect? psc = null;
        try
        {
            if (settings.Psc is { } p)
            {
                psc = TestProSanteConnect.Open(Path.Combine(settings.DataDir, "psc"), new TestPscOptions
                {
                    Audience = p.Audience,
                    ClientId = p.ClientId,
                    ClientSecret = p.ClientSecret,
                    TokenLifetime = p.TokenLifetime,
                    Scopes = p.Scopes ?? ["openid", "scope_all"],
                });
            }

            var endpoints = new NodeEndpoints();
            var builder = KestrelFactory.CreateBuilder(loggerFactory);
            var certificate = PemFiles.Load(settings.Tls.Certificate, settings.Tls.Key);
            builder.WebHost.ConfigureKestrel(k => KestrelFactory.Https(endpoints, k, settings.Https, certificate, trust.Intermediates));
            var app = builder.Build();
            app.MapAuthorityApi(content, directory, trust, Path.Combine(settings.DataDir, "extraction"));
            if (psc is not null)
            {
                app.MapTestPsc(psc);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (psc is not null)
            {
                var bound = endpoints["https"]!;
                var host = bound.Address.Equals(System.Net.IPAddress.Any) ? "localhost" : bound.Address.ToString();
                psc.SetIssuer(settings.Psc!.Issuer ?? $"https://{host}:{bound.Port}/psc");
            }

            return new AuthorityNode(app, endpoints, content, directory, psc);
        }
        catch
        {
            directory?.Dispose();
            psc?.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Graceful for a few seconds, then Kestrel aborts the sessions left (they answer 421 / BYE).
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        Annuaire?.Dispose();
        Psc?.Dispose();
    }
}
