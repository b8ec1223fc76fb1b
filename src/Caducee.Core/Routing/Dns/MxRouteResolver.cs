// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Caducee.Core.Routing.Dns;

/// <summary>
/// Routes by DNS MX (RFC 5321 §5.1): the MX records of the domain in preference order (equal preferences in
/// random order), then the A and AAAA addresses of each exchange; no MX at all means the implicit MX (the domain
/// itself); a single MX "." is a null MX (RFC 7505). The TLS name checked is the exchange's name. NXDOMAIN (or
/// exchanges that have no address) is permanent; a server that cannot answer is temporary. Answers are cached for
/// their TTL, negative ones for the SOA minimum (RFC 2308); failures are not cached.
/// </summary>
public sealed class MxRouteResolver(DnsClient dns, int port, TimeProvider? clock = null, bool ipv6 = true) : IRouteResolver
{
    /// <summary>Longest a cached answer is kept, whatever its TTL.</summary>
    public static readonly TimeSpan MaxCacheTime = TimeSpan.FromHours(6);

    private const int MaxCacheEntries = 10_000;
    private const int MaxCnameHops = 8;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<(string Name, DnsRecordType Type), (Answer Answer, DateTimeOffset Expires)> _cache = [];
    private readonly Lock _lock = new();

    private enum AnswerKind
    {
        Records,
        NoData,
        NxDomain,
    }

    /// <summary>The DNS client asked.</summary>
    public DnsClient Client => dns;

    public async ValueTask<RouteLookup> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        string name;
        try
        {
            name = DnsMessage.Normalize(domain);
        }
        catch (ArgumentException ex)
        {
            return RouteLookup.Failed(RouteFailure.NotFound, ex.Message);
        }

        Answer mx;
        try
        {
            mx = await LookupAsync(name, DnsRecordType.Mx, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsException ex)
        {
            return RouteLookup.Failed(RouteFailure.Temporary, ex.Message);
        }

        if (mx.Kind == AnswerKind.NxDomain)
        {
            return RouteLookup.Failed(RouteFailure.NotFound, $"the domain {name} does not exist (DNS NXDOMAIN)");
        }

        var records = mx.Records.Select(r => (MxData)r.Data!).ToList();
        if (records.Count == 1 && records[0].Exchange.Length == 0)
        {
            return RouteLookup.Failed(RouteFailure.NullMx, $"{name} publishes a null MX");
        }

        var implicitMx = records.Count == 0;
        var exchanges = implicitMx
            ? [name]
            : records.Where(r => r.Exchange.Length > 0)
                .GroupBy(r => r.Preference)
                .OrderBy(g => g.Key)
                .SelectMany(g => g.Select(r => r.Exchange).Distinct(StringComparer.Ordinal).OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)))
                .ToList();

        var routes = new List<Route>();
        var temporary = new List<string>();
        foreach (var exchange in exchanges)
        {
            foreach (var type in ipv6 ? new[] { DnsRecordType.Aaaa, DnsRecordType.A } : [DnsRecordType.A])
            {
                try
                {
                    var addresses = await LookupAsync(exchange, type, cancellationToken).ConfigureAwait(false);
                    foreach (var r in addresses.Records)
                    {
                        var ip = (IPAddress)r.Data!;
                        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
                        {
                            continue;
                        }

                        var route = new Route(ip.ToString(), port, exchange);
                        if (!routes.Contains(route))
                        {
                            routes.Add(route);
                        }
                    }
                }
                catch (DnsException ex)
                {
                    temporary.Add(ex.Message);
                }
            }
        }

        if (routes.Count > 0)
        {
            return RouteLookup.Found(routes);
        }

        if (temporary.Count > 0)
        {
            return RouteLookup.Failed(RouteFailure.Temporary, temporary[0]);
        }

        return RouteLookup.Failed(RouteFailure.NotFound, implicitMx
            ? $"{name} has neither MX nor address records"
            : $"the mail servers of {name} ({string.Join(", ", exchanges)}) have no address");
    }

    /// <summary>Records of <paramref name="type"/> for <paramref name="name"/>, following CNAMEs, from the cache or the DNS.</summary>
    private async Task<Answer> LookupAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (_cache.TryGetValue((name, type), out var cached) && cached.Expires > now)
            {
                return cached.Answer;
            }
        }

        var current = name;
        Answer? answer = null;
        uint chainTtl = uint.MaxValue;
        for (var hop = 0; hop <= MaxCnameHops && answer is null; hop++)
        {
            var response = await dns.QueryAsync(current, type, cancellationToken).ConfigureAwait(false);
            if (response.Code == DnsResponseCode.NameError)
            {
                answer = new Answer(AnswerKind.NxDomain, [], NegativeTtl(response));
                break;
            }

            // Follow the CNAME chain the server gave in this answer (RFC 1034 §3.6.2).
            var owner = current;
            for (var i = 0; i <= MaxCnameHops; i++)
            {
                var cname = response.Answers.FirstOrDefault(r => r.Type == DnsRecordType.Cname && r.Name == owner && r.Data is string);
                if (cname is null)
                {
                    break;
                }

                chainTtl = Math.Min(chainTtl, cname.Ttl);
                owner = (string)cname.Data!;
            }

            var records = response.Answers.Where(r => r.Type == type && r.Name == owner && r.Data is not null).ToList();
            if (records.Count > 0)
            {
                answer = new Answer(AnswerKind.Records, records, Math.Min(chainTtl, records.Min(r => r.Ttl)));
            }
            else if (owner != current)
            {
                current = owner; // the server gave the CNAME only: ask for its target
            }
            else
            {
                answer = new Answer(AnswerKind.NoData, [], Math.Min(chainTtl, NegativeTtl(response)));
            }
        }

        if (answer is null)
        {
            throw new DnsException($"CNAME chain of {name} longer than {MaxCnameHops}");
        }

        var ttl = TimeSpan.FromSeconds(answer.Ttl);
        if (ttl > TimeSpan.Zero)
        {
            lock (_lock)
            {
                if (_cache.Count >= MaxCacheEntries)
                {
                    foreach (var key in _cache.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
                    {
                        _cache.Remove(key);
                    }

                    if (_cache.Count >= MaxCacheEntries)
                    {
                        _cache.Clear();
                    }
                }

                _cache[(name, type)] = (answer, now + (ttl < MaxCacheTime ? ttl : MaxCacheTime));
            }
        }

        return answer;
    }

    /// <summary>RFC 2308 §5: min(TTL of the SOA, its MINIMUM); no SOA: not cached.</summary>
    private static uint NegativeTtl(DnsResponse response) =>
        response.Authority.FirstOrDefault(r => r.Type == DnsRecordType.Soa && r.Data is SoaData) is { } soa
            ? Math.Min(soa.Ttl, ((SoaData)soa.Data!).Minimum)
            : 0;

    private sealed record Answer(AnswerKind Kind, IReadOnlyList<DnsRecord> Records, uint Ttl);
}
