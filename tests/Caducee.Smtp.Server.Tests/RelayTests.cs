// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Primitives;
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>
/// Issue 5 point 5 between two Caducée nodes: the queue of one operator relays to the real MX of the other
/// (mutual TLS, trust policy, durable delivery), several messages in one session; and NOTIFY honoured for local
/// deliveries (a "delivered" report for SUCCESS, no failure report when NOTIFY excludes FAILURE).
/// </summary>
public sealed class RelayTests : IAsyncLifetime
{
    private SmtpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_queue_relays_several_messages_to_a_Caducee_MX_in_one_mutual_TLS_session_and_they_arrive_intact()
    {
        var mx = _server.Endpoints[Listener.Mx];
        await using var node = await OutboundHarness.StartAsync(_server.Pki, new StaticRouteResolver(new Dictionary<string, Route>
        {
            [TestPki.LocalDomain] = new("127.0.0.1", mx.Port, "mx." + TestPki.LocalDomain),
        }));
        var markers = Enumerable.Range(0, 4).Select(_ => "R" + Guid.NewGuid().ToString("N")[..10]).ToList();
        var recipient = MailAddress.Parse(SmtpTestServer.Recipient);
        foreach (var m in markers)
        {
            await node.EnqueueAsync(OutboundHarness.Message(m), [new OutboundRecipient(recipient, NotifyOn.Success, null)], envelopeId: m);
        }

        var sessionsBefore = MxSessions();
        Assert.Equal(4, await node.RunOnceAsync());
        Assert.Equal(0, await node.PendingAsync());

        foreach (var m in markers)
        {
            var stored = Encoding.UTF8.GetString(await _server.FindStoredAsync(m));
            // The bytes as queued, after the receiving MX's trace header (RFC 5321 §4.4), with the TLS facts and the peer DN.
            Assert.EndsWith(Encoding.UTF8.GetString(OutboundHarness.Message(m)), stored, StringComparison.Ordinal);
            Assert.StartsWith("Received: from mx." + TestPki.PeerDomain, stored, StringComparison.Ordinal);
            Assert.Contains("client-dn=\"", stored, StringComparison.Ordinal);
            Assert.Contains("X-MSS-NIL: " + m, stored, StringComparison.Ordinal);
        }

        Assert.Equal(sessionsBefore + 1, MxSessions());
        Assert.Equal(1, node.Runner.Connections.Opened);

        // The receiving MX offers DSN: NOTIFY=SUCCESS was passed on, so it reports "delivered" (to the sender's
        // operator, through its own queue) and the sending node makes no "relayed" report.
        Assert.Empty(await node.SenderInboxAsync());
        Assert.Equal(4, await _server.Storage.Store.CountPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_peer_chain_is_built_once_per_session_but_a_CRL_published_during_the_session_refuses_the_next_MAIL_REQ09()
    {
        await using var mx = await _server.ReadyAsync(Listener.Mx);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(250, (await mx.CommandAsync($"MAIL FROM:<{SmtpTestServer.PeerSender}>")).Code);
            Assert.Equal(250, (await mx.CommandAsync("RSET")).Code);
        }

        // The peer's operator certificate is revoked and the CRL arrives while the session is open.
        var now = DateTimeOffset.UtcNow;
        var crl = _server.Pki.Organisations.BuildCrl([(_server.Pki.PeerClient.SerialNumber, now.AddMinutes(-1))], 2, now.AddDays(7));
        Assert.Null(_server.Crls.TryApply(crl, "test"));
        var refused = await mx.CommandAsync($"MAIL FROM:<{SmtpTestServer.PeerSender}>");
        Assert.Equal(550, refused.Code);
        Assert.Contains("revoked", refused.Text, StringComparison.Ordinal);
    }

    private int MxSessions() => _server.Logs.Events.Count(e => e.EventId == 1001 && e.Text.Contains(" on Mx ", StringComparison.Ordinal));

    [Fact]
    public async Task A_local_recipient_who_asked_NOTIFY_SUCCESS_gets_the_sender_a_delivered_report_RFC3461()
    {
        var marker = "S" + Guid.NewGuid().ToString("N")[..10];
        await using (var smtp = await _server.ReadyAsync(Listener.Submission))
        {
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}> ENVID={marker} RET=FULL")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;{SmtpTestServer.Recipient}")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"Subject: {marker}\r\n\r\nCorps {marker}\r\n.")).Code);
        }

        Assert.Contains("Corps " + marker, Encoding.UTF8.GetString(await _server.FindStoredAsync(marker)), StringComparison.Ordinal);
        var report = Encoding.UTF8.GetString(await _server.FindStoredAsync("Original-Envelope-Id: " + marker, SmtpTestServer.User));
        Assert.Contains("Action: delivered", report, StringComparison.Ordinal);
        Assert.Contains("Status: 2.0.0", report, StringComparison.Ordinal);
        Assert.Contains($"Original-Recipient: rfc822;{SmtpTestServer.Recipient}", report, StringComparison.Ordinal);
        Assert.Contains($"Final-Recipient: rfc822; {SmtpTestServer.Recipient}", report, StringComparison.Ordinal);
        Assert.Contains("text/rfc822-headers", report, StringComparison.Ordinal); // a success report carries the header only
        Assert.DoesNotContain("Corps " + marker, report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_NOTIFY_SUCCESS_a_local_delivery_makes_no_report_and_NOTIFY_NEVER_suppresses_the_failure_report()
    {
        var marker = "N" + Guid.NewGuid().ToString("N")[..10];
        var recipientBox = (await _server.Storage.Store.FindMailboxAsync(MailAddress.Parse(SmtpTestServer.Recipient), CancellationToken.None))!;
        await using (var smtp = await _server.ReadyAsync(Listener.Submission))
        {
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}> ENVID={marker}")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"Subject: {marker}\r\n\r\nun\r\n.")).Code);

            // The recipient is now full; the sender (also local) takes the message, the full one is refused silently.
            await _server.Storage.Store.SetQuotaAsync(recipientBox.Id, new QuotaLimits(null, 1), CancellationToken.None);
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}> ENVID={marker}-2")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}> NOTIFY=NEVER")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.User}>")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"Subject: {marker} deux\r\n\r\ndeux\r\n.")).Code);
        }

        var userInbox = (await _server.InboxAsync(SmtpTestServer.User)).Select(Encoding.UTF8.GetString).ToList();
        Assert.Single(userInbox, m => m.Contains($"Subject: {marker} deux", StringComparison.Ordinal));
        Assert.DoesNotContain(userInbox, m => m.Contains("Original-Envelope-Id", StringComparison.Ordinal));
        Assert.Single(await _server.InboxAsync(SmtpTestServer.Recipient), m => Encoding.UTF8.GetString(m).Contains(marker, StringComparison.Ordinal));
    }
}
