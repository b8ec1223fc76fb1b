// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Mime;
using Caducee.Smtp.Server.Outbound;
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>
/// Issue 5 point 5, the outbound queue against a scripted peer over real sockets and mutual TLS: connections
/// reused per destination (RSET between transactions, PIPELINING), DSN parameters passed on, NOTIFY honoured for
/// every outcome (relayed, delayed once, failed, never), retries with backoff up to the lifetime.
/// </summary>
public sealed class QueueTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-queue-");
    private TestPki _pki = null!;
    private FakePeerMx _peer = null!;
    private OutboundHarness _node = null!;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(_dir.FullName);
        _peer = _pki.StartPeer();
        _node = await StartNodeAsync();
    }

    private Task<OutboundHarness> StartNodeAsync(Func<QueueOptions, QueueOptions>? configure = null) =>
        OutboundHarness.StartAsync(_pki, new StaticRouteResolver(new Dictionary<string, Route>
        {
            [TestPki.LocalDomain] = new("127.0.0.1", _peer.Endpoint.Port, "mx." + TestPki.LocalDomain),
        }), configure);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _peer.DisposeAsync();
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    private static string Marker() => "Q" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Several_messages_for_one_domain_go_through_one_mutual_TLS_session_pipelined_with_RSET_between_transactions()
    {
        var markers = Enumerable.Range(0, 5).Select(_ => Marker()).ToList();
        foreach (var m in markers)
        {
            await _node.EnqueueAsync(OutboundHarness.Message(m), [OutboundHarness.To("a"), OutboundHarness.To("b")]);
        }

        Assert.Equal(5, await _node.RunOnceAsync());
        Assert.Equal(0, await _node.PendingAsync());

        // One connection carried the five messages, each with both recipients in one transaction.
        var connection = Assert.Single(_peer.Connections);
        Assert.Equal(DistinguishedNameOf(TestPki.PeerDn), connection.ClientSubject);
        var commands = connection.Commands.ToList();
        Assert.Equal(["EHLO", "STARTTLS", "EHLO"], commands.Take(3).Select(Verb));
        var transactions = commands.Skip(3).Select(Verb).ToList();
        Assert.Equal(
            ["MAIL", "RCPT", "RCPT", "DATA", .. Enumerable.Repeat<string[]>(["RSET", "MAIL", "RCPT", "RCPT", "DATA"], 4).SelectMany(x => x)],
            transactions);
        Assert.True(connection.PipelinedGroups >= 5 * 3, $"commands were not pipelined ({connection.PipelinedGroups})");

        // Bytes intact (dot-stuffing undone by the peer), in order.
        Assert.Equal(markers.Select(m => OutboundHarness.Message(m)), connection.Messages.Select(b => b));
        Assert.False(connection.Quit); // kept open for the next message
        Assert.Equal(1, _node.Runner.Connections.IdleCount);
    }

    [Fact]
    public async Task The_next_pass_reuses_the_idle_session_and_the_idle_timeout_closes_it_with_QUIT()
    {
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("a")]);
        await _node.RunOnceAsync();
        _node.Clock.Advance(TimeSpan.FromSeconds(10));
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("b")]);
        await _node.RunOnceAsync();

        var connection = Assert.Single(_peer.Connections);
        Assert.Equal(2, connection.Messages.Count);
        Assert.Equal((1, 1), (_node.Runner.Connections.Opened, _node.Runner.Connections.Reused));
        Assert.Contains("RSET", connection.Commands);

        // Idle for less than the timeout (30 s): kept; past it: QUIT.
        _node.Clock.Advance(TimeSpan.FromSeconds(29));
        await _node.Runner.Connections.SweepAsync();
        Assert.False(connection.Quit);
        _node.Clock.Advance(TimeSpan.FromSeconds(2));
        await _node.Runner.Connections.SweepAsync();
        await WaitUntilAsync(() => connection.Quit);
        Assert.Equal(0, _node.Runner.Connections.IdleCount);
    }

    [Fact]
    public async Task A_session_the_peer_closed_while_idle_is_replaced_and_the_message_is_delivered_once()
    {
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("a")]);
        await _node.RunOnceAsync();
        _peer.DropConnections();
        await WaitUntilAsync(() => _peer.Connections.All(c => c.Closed));

        var second = Marker();
        await _node.EnqueueAsync(OutboundHarness.Message(second), [OutboundHarness.To("b")]);
        await _node.RunOnceAsync();

        Assert.Equal(0, await _node.PendingAsync());
        Assert.Equal(2, _peer.Connections.Count);
        Assert.Single(_peer.AllMessages, m => Encoding.UTF8.GetString(m).Contains(second, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_PIPELINING_the_client_waits_for_each_reply_and_still_reuses_the_session()
    {
        _peer.Extensions = ["SIZE 52428800", "8BITMIME", "DSN", "ENHANCEDSTATUSCODES"];
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("a"), OutboundHarness.To("b")]);
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("c")]);
        await _node.RunOnceAsync();

        var connection = Assert.Single(_peer.Connections);
        Assert.Equal(0, connection.PipelinedGroups);
        Assert.Equal(2, connection.Messages.Count);
        Assert.Equal(["MAIL", "RCPT", "RCPT", "DATA", "RSET", "MAIL", "RCPT", "DATA"], connection.Commands.Skip(3).Select(Verb));
    }

    [Fact]
    public async Task DSN_parameters_are_passed_on_to_a_peer_that_offers_DSN_and_no_report_is_made_here_RFC3461()
    {
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("a", NotifyOn.Success | NotifyOn.Delay, "rfc822;Alias+Dr@cabinet-sud.mssante.test")], envelopeId: "ENV-42", returnFull: false);
        await _node.RunOnceAsync();

        var commands = Assert.Single(_peer.Connections).Commands.ToList();
        var mail = commands.Single(c => c.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.Contains(" RET=HDRS", mail, StringComparison.Ordinal);
        Assert.Contains(" ENVID=ENV-42", mail, StringComparison.Ordinal);
        var rcpt = commands.Single(c => c.StartsWith("RCPT", StringComparison.Ordinal));
        Assert.Contains(" NOTIFY=SUCCESS,DELAY", rcpt, StringComparison.Ordinal);
        Assert.Contains(" ORCPT=rfc822;Alias+2BDr@cabinet-sud.mssante.test", rcpt, StringComparison.Ordinal); // xtext (RFC 3461 §4)

        // The peer reports success itself: nothing from us.
        Assert.Empty(await _node.SenderInboxAsync());
    }

    [Fact]
    public async Task A_peer_without_DSN_gets_no_DSN_parameters_and_the_sender_who_asked_SUCCESS_gets_a_relayed_report()
    {
        _peer.Extensions = ["PIPELINING", "SIZE 52428800", "8BITMIME", "ENHANCEDSTATUSCODES"];
        var marker = Marker();
        await _node.EnqueueAsync(OutboundHarness.Message(marker), [OutboundHarness.To("a", NotifyOn.Success | NotifyOn.Failure), OutboundHarness.To("b")], envelopeId: "ENV-" + marker);
        await _node.RunOnceAsync();

        var commands = Assert.Single(_peer.Connections).Commands.ToList();
        Assert.DoesNotContain(commands, c => c.Contains("NOTIFY=", StringComparison.Ordinal) || c.Contains("RET=", StringComparison.Ordinal) || c.Contains("ENVID=", StringComparison.Ordinal));

        var report = Assert.Single(await _node.SenderInboxAsync());
        var parsed = MimeParser.Parse(Encoding.UTF8.GetBytes(report));
        Assert.Equal("multipart/report", parsed.Root.ContentType.MimeType);
        Assert.Contains("Original-Envelope-Id: ENV-" + marker, report, StringComparison.Ordinal);
        Assert.Contains($"Final-Recipient: rfc822; a@{TestPki.LocalDomain}", report, StringComparison.Ordinal);
        Assert.DoesNotContain($"b@{TestPki.LocalDomain}", report, StringComparison.Ordinal); // NOTIFY absent: no success report
        Assert.Contains("Action: relayed", report, StringComparison.Ordinal);
        Assert.Contains("Status: 2.0.0", report, StringComparison.Ordinal);
        Assert.Contains("Remote-MTA: dns; mx." + TestPki.LocalDomain, report, StringComparison.Ordinal);
        // A success report returns the header only, whatever RET says.
        Assert.Contains("text/rfc822-headers", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Corps " + marker, report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_recipient_bounces_with_the_peer_reply_and_RET_decides_whether_the_message_comes_back()
    {
        _peer.RcptReply = a => a.StartsWith("inconnu", StringComparison.Ordinal) ? "550 5.1.1 No such user" : "250 2.1.5 Ok";
        var full = Marker();
        var headers = Marker();
        await _node.EnqueueAsync(OutboundHarness.Message(full), [OutboundHarness.To("inconnu"), OutboundHarness.To("a")], envelopeId: full, returnFull: true);
        await _node.EnqueueAsync(OutboundHarness.Message(headers), [OutboundHarness.To("inconnu2")], envelopeId: headers, returnFull: false);
        await _node.RunOnceAsync();

        Assert.Equal(0, await _node.PendingAsync());
        Assert.Single(_peer.AllMessages); // the second message had no valid recipient: no DATA
        var reports = await _node.SenderInboxAsync();
        var withFull = Assert.Single(reports, r => r.Contains("Original-Envelope-Id: " + full, StringComparison.Ordinal));
        Assert.Contains("Action: failed", withFull, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.1", withFull, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: smtp; 550 5.1.1 No such user", withFull, StringComparison.Ordinal);
        Assert.Contains("message/rfc822", withFull, StringComparison.Ordinal);
        Assert.Contains("Corps " + full, withFull, StringComparison.Ordinal);
        Assert.DoesNotContain($"Final-Recipient: rfc822; a@", withFull, StringComparison.Ordinal);
        var withHeaders = Assert.Single(reports, r => r.Contains("Original-Envelope-Id: " + headers, StringComparison.Ordinal));
        Assert.Contains("text/rfc822-headers", withHeaders, StringComparison.Ordinal);
        Assert.Contains("Subject: " + headers, withHeaders, StringComparison.Ordinal);
        Assert.DoesNotContain("Corps " + headers, withHeaders, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deferred_recipient_is_retried_with_backoff_gets_one_delay_notice_after_four_hours_then_bounces_at_the_lifetime()
    {
        var busy = true;
        _peer.RcptReply = a => busy ? "451 4.3.2 Try again later" : "250 2.1.5 Ok";
        var marker = Marker();
        await _node.EnqueueAsync(OutboundHarness.Message(marker), [OutboundHarness.To("a"), OutboundHarness.To("f", NotifyOn.Failure), OutboundHarness.To("n", NotifyOn.Never), OutboundHarness.To("d", NotifyOn.Delay)], envelopeId: marker);
        var start = _node.Clock.Now;

        // Backoff: 1 min, 2, 4, … up to 30 min (the harness's MaxRetryDelay): nothing is due in between.
        var attemptTimes = new List<TimeSpan>();
        while (_node.Clock.Now - start < TimeSpan.FromHours(5))
        {
            if (await _node.RunOnceAsync() > 0)
            {
                attemptTimes.Add(_node.Clock.Now - start);
            }

            _node.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(TimeSpan.Zero, attemptTimes[0]);
        var gaps = attemptTimes.Zip(attemptTimes.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 30], gaps.Take(6).Select(g => (int)Math.Round(g.TotalMinutes)));
        Assert.All(gaps.Skip(5), g => Assert.InRange(g.TotalMinutes, 29.9, 30.6));

        // One delay notice, after 4 hours, for the recipients whose NOTIFY allows it (absent or DELAY).
        var notice = Assert.Single(await _node.SenderInboxAsync());
        Assert.Contains("Message retardé", MimeParser.Parse(Encoding.UTF8.GetBytes(notice)).Subject, StringComparison.Ordinal);
        Assert.Contains("Action: delayed", notice, StringComparison.Ordinal);
        Assert.Contains("Status: 4.3.2", notice, StringComparison.Ordinal);
        Assert.Contains("Will-Retry-Until: ", notice, StringComparison.Ordinal);
        Assert.Contains($"Final-Recipient: rfc822; a@{TestPki.LocalDomain}", notice, StringComparison.Ordinal);
        Assert.Contains($"Final-Recipient: rfc822; d@{TestPki.LocalDomain}", notice, StringComparison.Ordinal);
        Assert.DoesNotContain($"f@{TestPki.LocalDomain}", notice, StringComparison.Ordinal);
        Assert.DoesNotContain($"n@{TestPki.LocalDomain}", notice, StringComparison.Ordinal);
        Assert.Contains("text/rfc822-headers", notice, StringComparison.Ordinal);
        Assert.Equal(4, await _node.PendingAsync());

        // Past the lifetime (5 days): one failure report for those whose NOTIFY allows it, nothing left in the queue.
        _node.Clock.Now = start + TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1);
        await _node.RunOnceAsync();
        Assert.Equal(0, await _node.PendingAsync());
        var reports = await _node.SenderInboxAsync();
        Assert.Equal(2, reports.Count);
        var bounce = Assert.Single(reports, r => r.Contains("Action: failed", StringComparison.Ordinal));
        Assert.Contains("Status: 5.4.7", bounce, StringComparison.Ordinal);
        Assert.Contains("Delivery time expired; last error: 451 4.3.2", bounce, StringComparison.Ordinal);
        Assert.Contains($"Final-Recipient: rfc822; a@{TestPki.LocalDomain}", bounce, StringComparison.Ordinal);
        Assert.Contains($"Final-Recipient: rfc822; f@{TestPki.LocalDomain}", bounce, StringComparison.Ordinal);
        Assert.DoesNotContain($"n@{TestPki.LocalDomain}", bounce, StringComparison.Ordinal);
        Assert.DoesNotContain($"d@{TestPki.LocalDomain}", bounce, StringComparison.Ordinal); // NOTIFY=DELAY only
        Assert.Empty(_peer.AllMessages);
        busy = false;
    }

    [Fact]
    public async Task A_recipient_delivered_before_the_delay_notice_time_gets_no_notice_and_the_notice_can_be_switched_off()
    {
        var busy = true;
        _peer.RcptReply = _ => busy ? "421 4.3.2 Service busy" : "250 2.1.5 Ok";
        await _node.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("a")]);
        await _node.RunOnceAsync();
        _node.Clock.Advance(TimeSpan.FromHours(3));
        busy = false;
        await _node.RunOnceAsync();
        Assert.Equal(0, await _node.PendingAsync());
        Assert.Empty(await _node.SenderInboxAsync());
        Assert.Single(_peer.AllMessages);

        await using var quiet = await StartNodeAsync(o => o with { DelayNotice = TimeSpan.Zero });
        busy = true;
        await quiet.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("b")]);
        for (var i = 0; i < 20; i++)
        {
            await quiet.RunOnceAsync();
            quiet.Clock.Advance(TimeSpan.FromMinutes(30));
        }

        Assert.Equal(1, await quiet.PendingAsync());
        Assert.Empty(await quiet.SenderInboxAsync());
    }

    [Fact]
    public async Task An_unreachable_peer_defers_a_whitelisted_domain_without_route_defers_and_one_outside_the_whitelist_bounces()
    {
        await using var nowhere = await OutboundHarness.StartAsync(
            _pki,
            new StaticRouteResolver(new Dictionary<string, Route> { [TestPki.LocalDomain] = new("127.0.0.1", ClosedPort(), "mx." + TestPki.LocalDomain) }),
            extraWhitelisted: ["clinique.mssante.test"]);
        await nowhere.EnqueueAsync(OutboundHarness.Message(Marker()), [OutboundHarness.To("a"), OutboundHarness.To("b")]);
        await nowhere.EnqueueAsync(OutboundHarness.Message(Marker()), [new OutboundRecipient(Caducee.Primitives.MailAddress.Parse("x@clinique.mssante.test"), NotifyOn.Default, null)]);
        await nowhere.EnqueueAsync(OutboundHarness.Message(Marker()), [new OutboundRecipient(Caducee.Primitives.MailAddress.Parse("x@horsliste.mssante.test"), NotifyOn.Default, null)]);
        await nowhere.RunOnceAsync();

        Assert.Equal(3, await nowhere.PendingAsync());
        var log = nowhere.Logs.AllText;
        Assert.Contains("Deferred for 2 recipient(s): 451 4.4.1 Connection to 127.0.0.1:", log, StringComparison.Ordinal);
        Assert.Contains("to clinique.mssante.test: Deferred for 1 recipient(s): 451 4.4.4 No route known to clinique.mssante.test", log, StringComparison.Ordinal);
        var bounce = Assert.Single(await nowhere.SenderInboxAsync());
        Assert.Contains("Final-Recipient: rfc822; x@horsliste.mssante.test", bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.7.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: smtp; 550 5.7.1 Domain horsliste.mssante.test is not in the", bounce, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string Verb(string command) => command.Split(' ')[0].ToUpperInvariant();

    private static string DistinguishedNameOf(System.Security.Cryptography.X509Certificates.X500DistinguishedName dn) => dn.Name;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

/// <summary>Issue 5 point 5: the queue routes by DNS MX (a real dnsmasq): delivered through the MX found, NXDOMAIN bounces, a DNS that cannot answer defers.</summary>
public sealed class QueueDnsRoutingTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-queue-dns-");
    private TestPki _pki = null!;
    private FakePeerMx _peer = null!;
    private Caducee.Core.Tests.Routing.Dnsmasq _dns = null!;

    public async Task InitializeAsync()
    {
        _pki = TestPki.Create(_dir.FullName);
        _peer = _pki.StartPeer();
        _dns = await Caducee.Core.Tests.Routing.Dnsmasq.StartAsync(
        [
            $"--mx-host={TestPki.LocalDomain},mx.{TestPki.LocalDomain},10",
            $"--host-record=mx.{TestPki.LocalDomain},127.0.0.1",
        ]);
    }

    public async Task DisposeAsync()
    {
        _dns.Dispose();
        await _peer.DisposeAsync();
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Mail_goes_to_the_MX_the_DNS_gives_NXDOMAIN_bounces_and_an_unanswerable_DNS_defers()
    {
        var dns = new Caducee.Core.Routing.Dns.DnsClient(new([_dns.Endpoint], TimeSpan.FromMilliseconds(500), 1));
        await using var node = await OutboundHarness.StartAsync(
            _pki,
            new RouteTable(new Dictionary<string, Route>(), new Caducee.Core.Routing.Dns.MxRouteResolver(dns, _peer.Endpoint.Port)),
            extraWhitelisted: ["inexistant.mssante.test", "clinique.sante.test"]);
        var marker = "D" + Guid.NewGuid().ToString("N")[..10];
        await node.EnqueueAsync(OutboundHarness.Message(marker), [OutboundHarness.To("a")]);
        await node.EnqueueAsync(OutboundHarness.Message(marker + "nx"), [new OutboundRecipient(Caducee.Primitives.MailAddress.Parse("x@inexistant.mssante.test"), NotifyOn.Default, null)]);
        await node.EnqueueAsync(OutboundHarness.Message(marker + "tmp"), [new OutboundRecipient(Caducee.Primitives.MailAddress.Parse("x@clinique.sante.test"), NotifyOn.Default, null)]);
        await node.RunOnceAsync();

        // Through the MX found (its name checked in the peer's certificate, mutual TLS).
        var connection = Assert.Single(_peer.Connections);
        Assert.NotNull(connection.ClientSubject);
        Assert.Contains("Corps " + marker + "\r\n", Encoding.UTF8.GetString(Assert.Single(connection.Messages)), StringComparison.Ordinal);

        // NXDOMAIN: a bounce now. No answer for clinique.sante.test (dnsmasq has no upstream): deferred.
        var bounce = Assert.Single(await node.SenderInboxAsync());
        Assert.Contains("Final-Recipient: rfc822; x@inexistant.mssante.test", bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.2", bounce, StringComparison.Ordinal);
        Assert.Contains("NXDOMAIN", bounce, StringComparison.Ordinal);
        Assert.Equal(1, await node.PendingAsync());
        Assert.Contains("to clinique.sante.test: Deferred for 1 recipient(s): 451 4.4.3 Cannot resolve the mail servers of clinique.sante.test now", node.Logs.AllText, StringComparison.Ordinal);
    }
}
