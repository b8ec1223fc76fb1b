// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Routing;

/// <summary>Where to connect to deliver to a domain, and the name its certificate must carry.</summary>
public sealed record Route(string Host, int Port, string TlsServerName);

/// <summary>Resolves a destination domain to a route (static table for tests and the demo, DNS MX in production).</summary>
public interface IRouteResolver
{
    /// <summary>The route for <paramref name="domain"/>, or null when none is known.</summary>
    ValueTask<Route?> ResolveAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>A fixed route table from configuration.</summary>
public sealed class StaticRouteResolver(IReadOnlyDictionary<string, Route> routes) : IRouteResolver
{
    public ValueTask<Route?> ResolveAsync(string domain, CancellationToken cancellationToken) =>
        ValueTask.FromResult(routes.TryGetValue(domain.ToLowerInvariant(), out var route) ? route : null);
}
