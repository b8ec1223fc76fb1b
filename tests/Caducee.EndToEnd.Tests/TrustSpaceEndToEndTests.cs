// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Pki;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 2, point 5: one message crosses the trust space, A → mTLS → B → IMAP, on the real demo.</summary>
public sealed class TrustSpaceEndToEndTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    private static string Marker() => "E2E-" + Guid.NewGuid().ToString("N")[..12];

    private static byte[] Message(string from, string to, string marker, string body) => Encoding.UTF8.GetBytes(
        $"From: <{from}>\r\nTo: <{to}>\r\nSubject: Lettre de liaison {marker}\r\nMIME-Version: 1.0\r\n" +
        $"Content-Type: text/plain; charset=utf-8\r\nX-MSS-NIL: TEST-123\r\n\r\n{body}");

    /// <summary>Submits with STARTTLS + AUTH PLAIN over a raw socket, as a mail client would.</summary>
    private async Task<(int Code, string Text)> SubmitAsync(string from, string password, string to, byte[] message)
    {
        await using var smtp = await demo.SmtpOverTlsAsync(demo.Hospital.Submission, null);
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{from}\0{password}"));
        Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + plain)).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{from}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{to}>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        var stuffed = Encoding.UTF8.GetString(message).Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        await smtp.WriteAsync(stuffed + (stuffed.EndsWith("\r\n", StringComparison.Ordinal) ? ".\r\n" : "\r\n.\r\n"));
        var reply = await smtp.ReadReplyAsync();
        await smtp.CommandAsync("QUIT");
        return reply;
    }

    [Fact]
    public async Task A_message_submitted_at_A_is_relayed_over_mutual_TLS_and_read_over_IMAP_at_B()
    {
        var sender = demo.Hospital.Mailboxes[0];
        var recipient = demo.Practice.Mailboxes[0];
        var marker = Marker();
        var body = $"Chère consœur,\r\n.ligne avec un point\r\nRésultat {marker}\r\n";
        var message = Message(sender.Address, recipient.Address, marker, body);

        var reply = await SubmitAsync(sender.Address, sender.Password, recipient.Address, message);
        Assert.Equal(250, reply.Code);
        Assert.Contains("2.0.0", reply.Text, StringComparison.Ordinal);

        var fetched = await demo.WaitForMessageAsync(demo.Practice, recipient, marker);
        var text = Encoding.UTF8.GetString(fetched);
        // The body fetched equals the body submitted, plus the trace headers prepended on the way.
        Assert.EndsWith(Encoding.UTF8.GetString(message), text, StringComparison.Ordinal);
        var prefix = text[..^message.Length];
        Assert.Equal(2, prefix.Split("Received: ").Length - 1);
        Assert.Contains("by mx.cabinet-sud.mssante.test (Caducée) with ESMTPS", prefix, StringComparison.Ordinal);
        Assert.Contains("client-dn=\"CN=mx.hopital-nord.mssante.test", prefix, StringComparison.Ordinal);
        Assert.Contains("by mx.hopital-nord.mssante.test (Caducée) with ESMTPSA", prefix, StringComparison.Ordinal);
        Assert.Contains("Message-ID: <", prefix, StringComparison.Ordinal); // added at submission (none was given)
        Assert.Contains("X-MSS-NIL: TEST-123\r\n", text, StringComparison.Ordinal); // REQ-30: kept byte for byte
    }

    [Fact]
    public async Task Submission_over_implicit_TLS_465_with_BDAT_crosses_the_trust_space_issue5()
    {
        var sender = demo.Hospital.Mailboxes[0];
        var recipient = demo.Practice.Mailboxes[0];
        var marker = Marker();
        var message = Message(sender.Address, recipient.Address, marker, $"Envoyé sur le port 465 {marker}\r\n");
        Assert.NotNull(demo.Hospital.Submissions);

        await using (var smtp = await LineClient.ConnectAsync(demo.Hospital.Submissions!))
        {
            await smtp.StartTlsAsync(demo.Json.Ca); // implicit TLS (RFC 8314): the handshake comes first
            Assert.Equal(220, (await smtp.ReadReplyAsync()).Code);
            var ehlo = await smtp.CommandAsync("EHLO client.localhost");
            Assert.Contains("CHUNKING", ehlo.Text, StringComparison.Ordinal);
            Assert.Contains("AUTH PLAIN", ehlo.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("STARTTLS", ehlo.Text, StringComparison.Ordinal);
            Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{sender.Address}\0{sender.Password}")))).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{sender.Address}> BODY=8BITMIME SIZE={message.Length}")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{recipient.Address}>")).Code);
            await smtp.WriteAsync($"BDAT {message.Length} LAST\r\n");
            await smtp.WriteAsync(Encoding.UTF8.GetString(message));
            var reply = await smtp.ReadReplyAsync();
            Assert.Equal(250, reply.Code);
        }

        // Relayed by the hospital's queue to the practice's MX, which checked the CRL of the demo authority (REQ-09).
        var fetched = Encoding.UTF8.GetString(await demo.WaitForMessageAsync(demo.Practice, recipient, marker));
        Assert.EndsWith(Encoding.UTF8.GetString(message), fetched, StringComparison.Ordinal);
        Assert.Contains("by mx.cabinet-sud.mssante.test (Caducée) with ESMTPS", fetched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_MX_refuses_a_peer_without_a_client_certificate_REQ05()
    {
        await using var smtp = await demo.SmtpOverTlsAsync(demo.Practice.Mx, clientCertificate: null);
        var (code, text) = await smtp.CommandAsync($"MAIL FROM:<{demo.Hospital.Mailboxes[0].Address}>");
        Assert.Equal(550, code);
        Assert.Contains("5.7.1 Client certificate required", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_MX_refuses_a_certificate_that_does_not_chain_to_the_demo_CA()
    {
        using var rogueRoot = CertificateAuthority.CreateRoot(NationalNames.Root("ROGUE"));
        using var sameDnOtherCa = rogueRoot.Issue(
            NationalNames.Organisation("mx.hopital-nord.mssante.test", "312345678900018", "CENTRE HOSPITALIER NORD", "Nord (59)"),
            CertificateProfile.OrganisationClient);
        await using var smtp = await demo.SmtpOverTlsAsync(demo.Practice.Mx, sameDnOtherCa);
        var (code, text) = await smtp.CommandAsync($"MAIL FROM:<{demo.Hospital.Mailboxes[0].Address}>");
        Assert.Equal(550, code);
        Assert.Contains("not issued by a trusted authority", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_MX_accepts_the_listed_operator_and_checks_each_recipient()
    {
        using var cert = DemoFixture.Load(demo.Hospital.ClientCert);
        await using var smtp = await demo.SmtpOverTlsAsync(demo.Practice.Mx, cert);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{demo.Hospital.Mailboxes[0].Address}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{demo.Practice.Mailboxes[0].Address}>")).Code);
        var unknown = await smtp.CommandAsync("RCPT TO:<nobody@cabinet-sud.mssante.test>");
        Assert.Equal(550, unknown.Code);
        Assert.Contains("5.1.1", unknown.Text, StringComparison.Ordinal);
        var relay = await smtp.CommandAsync("RCPT TO:<someone@hopital-nord.mssante.test>");
        Assert.Equal(550, relay.Code);
        Assert.Contains("5.7.1 Relaying denied", relay.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_certificate_of_another_operator_cannot_send_for_hopital_nord()
    {
        // cabinet-sud's own certificate is valid, but it is not the one listed for hopital-nord.
        using var cert = DemoFixture.Load(demo.Practice.ClientCert);
        await using var smtp = await demo.SmtpOverTlsAsync(demo.Practice.Mx, cert);
        var (code, text) = await smtp.CommandAsync($"MAIL FROM:<{demo.Hospital.Mailboxes[0].Address}>");
        Assert.Equal(550, code);
        Assert.Contains("is not the operator certificate listed for hopital-nord.mssante.test", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task No_MAIL_and_no_AUTH_before_STARTTLS_on_either_listener_REQ12(bool mx)
    {
        await using var smtp = await LineClient.ConnectAsync(mx ? demo.Practice.Mx : demo.Hospital.Submission);
        await smtp.ReadReplyAsync();
        var ehlo = await smtp.CommandAsync("EHLO test.localhost");
        Assert.Contains("STARTTLS", ehlo.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", ehlo.Text, StringComparison.Ordinal);
        var mail = await smtp.CommandAsync("MAIL FROM:<a@hopital-nord.mssante.test>");
        Assert.Equal(530, mail.Code);
        Assert.Contains("5.7.0", mail.Text, StringComparison.Ordinal);
        var auth = await smtp.CommandAsync("AUTH PLAIN AGEAYg==");
        Assert.True(auth.Code is 538 or 503, auth.Text);
    }

    [Fact]
    public async Task Submission_refuses_bad_passwords_foreign_senders_and_addresses_outside_the_trust_space()
    {
        var me = demo.Hospital.Mailboxes[0];
        await using var smtp = await demo.SmtpOverTlsAsync(demo.Hospital.Submission, null);
        Assert.Contains("AUTH PLAIN", (await smtp.CommandAsync("EHLO again.localhost")).Text, StringComparison.Ordinal);
        var bad = await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{me.Address}\0wrong-password")));
        Assert.Equal(535, bad.Code);
        Assert.Contains("5.7.8", bad.Text, StringComparison.Ordinal);
        Assert.Equal(530, (await smtp.CommandAsync($"MAIL FROM:<{me.Address}>")).Code);
        Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{me.Address}\0{me.Password}")))).Code);
        var foreign = await smtp.CommandAsync($"MAIL FROM:<{demo.Hospital.Mailboxes[1].Address}>");
        Assert.Equal(550, foreign.Code);
        Assert.Contains("5.7.1", foreign.Text, StringComparison.Ordinal);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{me.Address}>")).Code);
        var outside = await smtp.CommandAsync("RCPT TO:<someone@gmail.com>");
        Assert.Equal(550, outside.Code);
        Assert.Contains("not in the MSSanté whitelist", outside.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_pipelined_after_STARTTLS_are_refused_and_the_connection_closed()
    {
        await using var smtp = await LineClient.ConnectAsync(demo.Practice.Mx);
        await smtp.ReadReplyAsync();
        await smtp.CommandAsync("EHLO test.localhost");
        await smtp.WriteAsync("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n");
        var (code, text) = await smtp.ReadReplyAsync();
        Assert.Equal(554, code);
        Assert.Contains("pipelined after STARTTLS", text, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => smtp.ReadLineAsync());
    }

    [Fact]
    public async Task IMAP_refuses_LOGIN_before_STARTTLS_REQ12()
    {
        await using var imap = await LineClient.ConnectAsync(demo.Practice.Imap);
        var greeting = await imap.ReadLineAsync();
        Assert.Contains("STARTTLS", greeting, StringComparison.Ordinal);
        Assert.Contains("LOGINDISABLED", greeting, StringComparison.Ordinal);
        var mailbox = demo.Practice.Mailboxes[0];
        await imap.WriteLineAsync($"a LOGIN \"{mailbox.Address}\" \"{mailbox.Password}\"");
        Assert.Equal("a NO [PRIVACYREQUIRED] LOGIN is disabled before STARTTLS", (await imap.ReadUntilTaggedAsync("a"))[^1]);
    }

    [Fact]
    public async Task Every_session_is_logged_with_its_id_and_no_secret_or_content_is_ever_logged()
    {
        var sender = demo.Hospital.Mailboxes[0];
        var recipient = demo.Practice.Mailboxes[0];
        var marker = Marker();
        var subjectSecret = "Diagnostic confidentiel " + marker;
        var message = Encoding.UTF8.GetBytes($"From: <{sender.Address}>\r\nTo: <{recipient.Address}>\r\nSubject: {subjectSecret}\r\n\r\nCorps médical {marker}-BODY\r\n");
        Assert.Equal(250, (await SubmitAsync(sender.Address, sender.Password, recipient.Address, message)).Code);
        await demo.WaitForMessageAsync(demo.Practice, recipient, marker);

        var logs = demo.Logs.AllText;
        Assert.Contains("SessionId:", logs, StringComparison.Ordinal);
        Assert.Contains("accepted message", logs, StringComparison.Ordinal);
        var secrets = demo.Json.Operators.SelectMany(o => o.Mailboxes).Select(m => m.Password)
            .Append(marker)
            .Append("Diagnostic confidentiel")
            .Append(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{sender.Address}\0{sender.Password}")));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}
