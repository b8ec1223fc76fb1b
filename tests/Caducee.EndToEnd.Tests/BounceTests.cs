// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Mime;
using Caducee.Primitives;

namespace Caducee.EndToEnd.Tests;

/// <summary>A refused recipient (at the peer operator, or a local one over quota) comes back to the sender as an RFC 3464 report (REQ-33, REQ-38).</summary>
public sealed class BounceTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    [Fact]
    public async Task A_recipient_unknown_at_the_peer_operator_bounces_to_the_sender_with_the_reason()
    {
        var sender = demo.Hospital.Mailboxes[0];
        var marker = "BOUNCE-" + Guid.NewGuid().ToString("N")[..10];
        await using (var smtp = await demo.SmtpOverTlsAsync(demo.Hospital.Submission, null))
        {
            Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{sender.Address}\0{sender.Password}")))).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{sender.Address}> ENVID={marker}")).Code);
            Assert.Equal(250, (await smtp.CommandAsync("RCPT TO:<personne@cabinet-sud.mssante.test> NOTIFY=FAILURE")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            await smtp.WriteAsync($"From: <{sender.Address}>\r\nTo: <personne@cabinet-sud.mssante.test>\r\nSubject: {marker}\r\n\r\nCorps {marker}\r\n.\r\n");
            Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        }

        // The bounce lands in the sender's INBOX; it quotes the original (RET default: full message).
        var bounce = await demo.WaitForMessageAsync(demo.Hospital, sender, "Original-Envelope-Id: " + marker);
        var parsed = MimeParser.Parse(bounce);
        Assert.Equal("multipart/report", parsed.Root.ContentType.MimeType);
        Assert.Contains("Message non distribué", parsed.Subject, StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(bounce);
        Assert.Contains("Final-Recipient: rfc822; personne@cabinet-sud.mssante.test", text, StringComparison.Ordinal);
        Assert.Contains("Action: failed", text, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.1", text, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: smtp; 550 5.1.1", text, StringComparison.Ordinal);
        Assert.Contains("Remote-MTA: dns; mx.cabinet-sud.mssante.test", text, StringComparison.Ordinal);
        Assert.Contains("Corps " + marker, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_recipient_over_quota_is_reported_to_the_sender_while_the_others_get_the_message_issue4()
    {
        var store = demo.Demo.Operators[0].Store;
        var sender = demo.Hospital.Mailboxes[0];
        var team = demo.Hospital.Mailboxes[1];
        var full = demo.Hospital.Mailboxes[2];
        var fullBox = (await store.FindMailboxAsync(MailAddress.Parse(full.Address), default))!;
        await store.SetQuotaAsync(fullBox.Id, new QuotaLimits(1, null), default);
        try
        {
            var marker = "QUOTA-" + Guid.NewGuid().ToString("N")[..10];
            await using (var smtp = await demo.SmtpOverTlsAsync(demo.Hospital.Submission, null))
            {
                Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{sender.Address}\0{sender.Password}")))).Code);

                // Both local: one takes it, the other is full → 250, and a report for the full one.
                Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{sender.Address}> ENVID={marker}")).Code);
                Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{team.Address}>")).Code);
                Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{full.Address}>")).Code);
                Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
                await smtp.WriteAsync($"From: <{sender.Address}>\r\nSubject: {marker}\r\n\r\nCorps {marker}\r\n.\r\n");
                Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);

                // Only the full one: nothing is taken, the client is told at once (452 4.2.2) and keeps the message.
                Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{sender.Address}>")).Code);
                Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{full.Address}>")).Code);
                Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
                await smtp.WriteAsync($"Subject: {marker} seul\r\n\r\nx\r\n.\r\n");
                var refused = await smtp.ReadReplyAsync();
                Assert.Equal(452, refused.Code);
                Assert.Contains("452 4.2.2", refused.Text, StringComparison.Ordinal);
            }

            Assert.Contains("Corps " + marker, Encoding.UTF8.GetString(await demo.WaitForMessageAsync(demo.Hospital, team, marker)), StringComparison.Ordinal);
            var report = Encoding.UTF8.GetString(await demo.WaitForMessageAsync(demo.Hospital, sender, "Original-Envelope-Id: " + marker));
            Assert.Contains($"Final-Recipient: rfc822; {full.Address}", report, StringComparison.Ordinal);
            Assert.Contains("Status: 5.2.2", report, StringComparison.Ordinal);
            Assert.DoesNotContain($"Final-Recipient: rfc822; {team.Address}", report, StringComparison.Ordinal);
            Assert.Equal(0, (await store.GetQuotaAsync(fullBox.Id, default)).Messages);
        }
        finally
        {
            await store.SetQuotaAsync(fullBox.Id, QuotaLimits.None, default);
        }
    }
}
