// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Ports;
using Caducee.MsSante.Whitelist;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Caducee.Web;

/// <summary>HTTP endpoints of an operator node (the webmail and REST API come with later issues).</summary>
public static class OperatorApi
{
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder app, string domain, WhitelistStore whitelist, IQueueStore queue, TimeProvider clock)
    {
        app.MapGet("/health", async (CancellationToken ct) =>
        {
            var held = whitelist.Held;
            var usable = whitelist.Current is not null;
            var body = new
            {
                status = usable ? "ok" : "degraded",
                domain,
                whitelist = new
                {
                    usable,
                    domains = held?.Document.Domains.Count,
                    ageSeconds = held is null ? (double?)null : Math.Round((clock.GetUtcNow() - held.ObtainedAt).TotalSeconds),
                    sha256 = held?.Checksum,
                    lastError = whitelist.LastError,
                },
                queue = new { pending = await queue.CountPendingAsync(ct).ConfigureAwait(false) },
            };
            return usable ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
