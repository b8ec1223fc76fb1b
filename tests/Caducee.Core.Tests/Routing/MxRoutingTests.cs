// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Sockets;
using Caducee.Core.Routing;
using Caducee.Core.Routing.Dns;

namespace Caducee.Core.Tests.Routing;

/// <summary>A clock moved by hand (cache expiry).</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// Issue 5 point 5: MX routing through the in-house DNS client, against a real DNS server (dnsmasq on 127.0.0.1):
/// preference order, addresses of the exchanges, implicit MX, NXDOMAIN, TTL caching, TCP fallback on truncation,
/// timeouts and failover, SERVFAIL.
/// </summary>
public sealed class MxRoutingTests : IAsyncLifetime
{
    private Dnsmasq _dns = null!;

    public async Task InitializeAsync() => _dns = await Dnsmasq.StartAsync(
    [
        "--mx-host=cabinet.mssante.test,mx2.cabinet.mssante.test,20",
        "--mx-host=cabinet.mssante.test,mx1.cabinet.mssante.test,10",
        "--host-record=mx1.cabinet.mssante.test,127.0.0.1",
        "--host-record=mx2.cabinet.mssante.test,127.0.0.2,::1",
        "--host-record=implicite.mssante.test,127.0.0.3",
        "--mx-host=sans-adresse.mssante.test,mx.ailleurs.mssante.test,10",
        "--mx-host=nul.mssante.test,.,0",
        .. Enumerable.Range(0, 30).Select(i => $"--mx-host=grand.mssante.test,serveur-de-messagerie-numero-{i:D2}.grand.mssante.test,{i}"),
        "--host-record=serveur-de-messagerie-numero-00.grand.mssante.test,127.0.0.9",
    ], ttl: 60);

    public Task DisposeAsync()
    {
        _dns.Dispose();
        return Task.CompletedTask;
    }

    private DnsClient Client(params IPEndPoint[] servers) =>
        new(new DnsClientOptions(servers.Length == 0 ? [_dns.Endpoint] : servers, TimeSpan.FromMilliseconds(500), 2));

    [Fact]
    public async Task MX_records_give_routes_in_preference_order_with_the_addresses_of_each_exchange_and_its_name_for_TLS()
    {
        var resolver = new MxRouteResolver(Client(), 2525);
        var lookup = await resolver.ResolveAsync("Cabinet.MSSante.test.", default);
        Assert.Equal(RouteFailure.None, lookup.Failure);
        Assert.Equal(
            [new Route("127.0.0.1", 2525, "mx1.cabinet.mssante.test"), new Route("::1", 2525, "mx2.cabinet.mssante.test"), new Route("127.0.0.2", 2525, "mx2.cabinet.mssante.test")],
            lookup.Routes);

        var v4only = await new MxRouteResolver(Client(), 25, ipv6: false).ResolveAsync("cabinet.mssante.test", default);
        Assert.DoesNotContain(v4only.Routes, r => r.Host == "::1");
    }

    [Fact]
    public async Task A_domain_without_MX_uses_its_own_address_implicit_MX_RFC5321_section_5_1()
    {
        var lookup = await new MxRouteResolver(Client(), 25).ResolveAsync("implicite.mssante.test", default);
        Assert.Equal([new Route("127.0.0.3", 25, "implicite.mssante.test")], lookup.Routes);
    }

    [Fact]
    public async Task NXDOMAIN_a_null_MX_and_exchanges_without_address_are_permanent_failures()
    {
        var resolver = new MxRouteResolver(Client(), 25);
        var nx = await resolver.ResolveAsync("inexistant.mssante.test", default);
        Assert.Equal(RouteFailure.NotFound, nx.Failure);
        Assert.Contains("NXDOMAIN", nx.Detail, StringComparison.Ordinal);

        var nul = await resolver.ResolveAsync("nul.mssante.test", default);
        Assert.Equal(RouteFailure.NullMx, nul.Failure);

        var orphan = await resolver.ResolveAsync("sans-adresse.mssante.test", default);
        Assert.Equal(RouteFailure.NotFound, orphan.Failure);
        Assert.Contains("mx.ailleurs.mssante.test", orphan.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_are_cached_for_their_TTL_then_asked_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var resolver = new MxRouteResolver(Client(), 25, clock);
        await resolver.ResolveAsync("cabinet.mssante.test", default);
        await resolver.ResolveAsync("cabinet.mssante.test", default);
        clock.Now += TimeSpan.FromSeconds(59);
        await resolver.ResolveAsync("cabinet.mssante.test", default);
        // Positive answers come from the cache; a NODATA without SOA (mx1 has no AAAA) is not cached (RFC 2308 §5).
        await WaitForLogAsync(() => _dns.QueriesFor("mx1.cabinet.mssante.test", "AAAA") == 3);
        Assert.Equal(1, _dns.QueriesFor("cabinet.mssante.test", "MX"));
        Assert.Equal(1, _dns.QueriesFor("mx1.cabinet.mssante.test", "A"));
        Assert.Equal(1, _dns.QueriesFor("mx2.cabinet.mssante.test", "AAAA"));
        Assert.Equal(7, resolver.Client.QueriesSent);

        clock.Now += TimeSpan.FromSeconds(2);
        var lookup = await resolver.ResolveAsync("cabinet.mssante.test", default);
        Assert.Equal(3, lookup.Routes.Count);
        Assert.Equal(12, resolver.Client.QueriesSent);
        await WaitForLogAsync(() => _dns.QueriesFor("cabinet.mssante.test", "MX") == 2);
    }

    /// <summary>dnsmasq's log reaches us through a pipe, a little after the answer.</summary>
    private static async Task WaitForLogAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "dnsmasq did not log the expected queries");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_truncated_UDP_answer_is_asked_again_over_TCP_and_gives_every_record()
    {
        var client = Client();
        var response = await client.QueryAsync("grand.mssante.test", DnsRecordType.Mx, default);
        Assert.False(response.Truncated);
        Assert.Equal(30, response.Answers.Count(r => r.Type == DnsRecordType.Mx));
        Assert.Equal(1, client.TcpFallbacks);

        var lookup = await new MxRouteResolver(client, 25).ResolveAsync("grand.mssante.test", default);
        Assert.Equal([new Route("127.0.0.9", 25, "serveur-de-messagerie-numero-00.grand.mssante.test")], lookup.Routes);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_temporary_failure_after_the_timeout_and_the_next_server_is_tried()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var silentEndpoint = (IPEndPoint)silent.Client.LocalEndPoint!;

        var started = DateTime.UtcNow;
        var lookup = await new MxRouteResolver(Client(silentEndpoint), 25).ResolveAsync("cabinet.mssante.test", default);
        var elapsed = DateTime.UtcNow - started;
        Assert.Equal(RouteFailure.Temporary, lookup.Failure);
        Assert.Contains("no answer within 0.5 s", lookup.Detail, StringComparison.Ordinal);
        Assert.InRange(elapsed.TotalSeconds, 0.9, 5); // 2 attempts of 500 ms

        var failover = await new MxRouteResolver(Client(silentEndpoint, _dns.Endpoint), 25).ResolveAsync("cabinet.mssante.test", default);
        Assert.Equal(RouteFailure.None, failover.Failure);
    }

    [Fact]
    public async Task SERVFAIL_or_REFUSED_from_every_server_is_temporary_never_a_bounce()
    {
        using var failing = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var answering = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult query;
                try
                {
                    query = await failing.ReceiveAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                // Echo the id and question, QR=1 RD=1 RA=1, RCODE=2 (SERVFAIL).
                var reply = query.Buffer.ToArray();
                reply[2] = 0x81;
                reply[3] = 0x82;
                await failing.SendAsync(reply, query.RemoteEndPoint);
            }
        });

        var lookup = await new MxRouteResolver(Client((IPEndPoint)failing.Client.LocalEndPoint!), 25).ResolveAsync("cabinet.mssante.test", default);
        Assert.Equal(RouteFailure.Temporary, lookup.Failure);
        Assert.Contains("ServerFailure", lookup.Detail, StringComparison.Ordinal);
        await stop.CancelAsync();
        await answering;
    }

    [Fact]
    public async Task The_route_table_prefers_a_static_route_and_asks_the_DNS_for_the_others()
    {
        var table = new RouteTable(
            new Dictionary<string, Route> { ["cabinet.mssante.test"] = new("127.0.0.50", 2526, "mx.statique.test") },
            new MxRouteResolver(Client(), 25));
        Assert.Equal([new Route("127.0.0.50", 2526, "mx.statique.test")], (await table.ResolveAsync("CABINET.mssante.test", default)).Routes);
        Assert.Equal([new Route("127.0.0.3", 25, "implicite.mssante.test")], (await table.ResolveAsync("implicite.mssante.test", default)).Routes);
        await WaitForLogAsync(() => _dns.QueriesFor("implicite.mssante.test", "MX") == 1);
        Assert.Equal(0, _dns.QueriesFor("cabinet.mssante.test", "MX"));
        Assert.Equal(RouteFailure.NoRoute, (await new RouteTable(new Dictionary<string, Route>(), null).ResolveAsync("x.test", default)).Failure);
    }
}
