// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Caducee.Host.Nodes;

/// <summary>One WebApplication per node: HTTP and the mail protocols share Kestrel (STYLE.md §3).</summary>
internal static class KestrelFactory
{
    public static WebApplicationBuilder CreateBuilder(ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "caducee" });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        return builder;
    }

    /// <summary>A raw TCP listener handled by a protocol connection handler (SMTP, IMAP).</summary>
    public static void Protocol(NodeEndpoints endpoints, Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string name, IPEndPoint? endpoint, Func<ConnectionContext, Task> handler)
    {
        if (endpoint is null)
        {
            return;
        }

        kestrel.Listen(endpoint, listen =>
        {
            listen.Run(handler);
            endpoints.Add(name, listen);
        });
    }

    /// <summary>An HTTPS listener with the TLS floor of the platform (REQ-10).</summary>
    public static void Https(NodeEndpoints endpoints, Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, IPEndPoint? endpoint, X509Certificate2 certificate, X509Certificate2Collection intermediates)
    {
        if (endpoint is null)
        {
            return;
        }

        kestrel.Listen(endpoint, listen =>
        {
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateChain = intermediates,
                ServerCertificate = certificate,
                SslProtocols = TlsPolicy.Protocols,
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = static (_, _, _) => true,
            });
            endpoints.Add("https", listen);
        });
    }
}
