// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Routing;

/// <summary>Where to connect to deliver to a domain, and the name its certificate must carry.</summary>
public sealed record Route(string Host, int Port, string TlsServerName);

/// <summary>Why a domain has no route.</summary>
public enum RouteFailure
{
    /// <summary>Routes were found.</summary>
    None,

    /// <summary>No static route and no DNS configured: deferred (the configuration may be completed).</summary>
    NoRoute,

    /// <summary>The DNS could not be consulted (timeout, SERVFAIL, unreachable server): deferred.</summary>
    Temporary,

    /// <summary>The domain does not exist (NXDOMAIN), or neither MX nor address records exist: bounced.</summary>
    NotFound,

    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail; bounced.</summary>
    NullMx,
}

/// <summary>
/// The result of resolving a domain: the candidate routes in the order to try them (MX preference, then
/// the addresses of each exchange), or why there is none.
/// </summary>
public sealed record RouteLookup(IReadOnlyList<Route> Routes, RouteFailure Failure, string? Detail)
{
    public static RouteLookup Found(IReadOnlyList<Route> routes) => new(routes, RouteFailure.None, null);

    public static RouteLookup Failed(RouteFailure failure, string detail) => new([], failure, detail);
}

/// <summary>Resolves a destination domain to its routes (static table for tests and the demo, DNS MX in production).</summary>
public interface IRouteResolver
{
    /// <summary>The routes to <paramref name="domain"/>, best first, or why there is none; never throws for a lookup failure.</summary>
    ValueTask<RouteLookup> ResolveAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>A fixed route table from configuration (<c>Routes:&lt;domain&gt;</c>).</summary>
public sealed class StaticRouteResolver(IReadOnlyDictionary<string, Route> routes) : IRouteResolver
{
    public ValueTask<RouteLookup> ResolveAsync(string domain, CancellationToken cancellationToken) =>
        ValueTask.FromResult(routes.TryGetValue(domain.ToLowerInvariant(), out var route)
            ? RouteLookup.Found([route])
            : RouteLookup.Failed(RouteFailure.NoRoute, $"no route configured for {domain}"));
}

/// <summary>
/// The route table of an operator: the static routes first (a configured domain never goes to the DNS),
/// then, for every other domain, the resolver given (DNS MX), when there is one.
/// </summary>
public sealed class RouteTable(IReadOnlyDictionary<string, Route> routes, IRouteResolver? fallback) : IRouteResolver
{
    private readonly StaticRouteResolver _static = new(routes);

    public async ValueTask<RouteLookup> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var lookup = await _static.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (lookup.Failure == RouteFailure.None || fallback is null)
        {
            return lookup;
        }

        return await fallback.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
    }
}
