// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Text;
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>
/// Issue 5 point 7: Postfix (Debian's, a private instance) as another operator's MTA. It sends to Caducée and
/// receives from Caducée, both ways over mutual TLS with demo-CA certificates checked on both sides, and the
/// messages arrive intact (bytes, X-MSS-* headers, trace headers with the TLS facts); refusals come back as DSNs
/// both ways, and a NOTIFY=SUCCESS passed on to Postfix brings its "delivered" report back through Caducée's MX.
/// swaks submits over implicit TLS (465).
/// </summary>
public sealed class PostfixInteropTests(PostfixTrustSpace space) : IClassFixture<PostfixTrustSpace>
{
    private static string Marker() => "PFX" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A message with the national X-MSS headers, 8-bit UTF-8 text and a line starting with a dot.</summary>
    private static string Message(string from, string to, string marker) =>
        $"From: <{from}>\r\nTo: <{to}>\r\nSubject: {marker}\r\nDate: Fri, 27 Nov 2026 10:00:00 +0100\r\nMessage-ID: <{marker}@interop.test>\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n" +
        $"X-MSS-NIL: {marker}\r\nX-MSS-Lecture:  oui ;   espacé\r\n\r\n" +
        $"Résultats d'analyse de l'hémoglobine — {marker}\r\n.point en début de ligne\r\nFin.\r\n";

    [Fact]
    public async Task Postfix_relays_to_Caducee_over_mutual_TLS_and_the_message_arrives_byte_for_byte()
    {
        var marker = Marker();
        var original = Message("alice@" + PostfixTrustSpace.PostfixDomain, PostfixTrustSpace.User.ToString(), marker);
        await InjectIntoPostfixAsync("alice@" + PostfixTrustSpace.PostfixDomain, PostfixTrustSpace.User.ToString(), original);

        var stored = await space.WaitForInboxAsync(marker);
        // What Postfix received is kept exactly: its own trace header and ours come before it.
        Assert.EndsWith(original, stored, StringComparison.Ordinal);
        Assert.StartsWith("Received: from mx." + PostfixTrustSpace.PostfixDomain, stored, StringComparison.Ordinal);
        var ours = stored[..stored.IndexOf("\r\nReceived: ", StringComparison.Ordinal)];
        Assert.Contains("by mx." + PostfixTrustSpace.Domain + " (Caducée) with ESMTPS", ours, StringComparison.Ordinal);
        Assert.Contains("version=Tls13", ours, StringComparison.Ordinal);
        Assert.Contains($"client-dn=\"CN=mx.{PostfixTrustSpace.PostfixDomain}, OU=312345678900018, O=CH POSTFIX", ours, StringComparison.Ordinal);
        Assert.Contains("by mx." + PostfixTrustSpace.PostfixDomain + " (Postfix) with ESMTP", stored, StringComparison.Ordinal);
        Assert.Contains("X-MSS-Lecture:  oui ;   espacé\r\n", stored, StringComparison.Ordinal);

        // Postfix checked our certificate (level secure, demo CA, MX name) and showed its own (mutual TLS).
        Assert.Contains($"Verified TLS connection established to 127.0.0.1[127.0.0.1]:{space.MxPort}", space.Postfix.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caducee_relays_to_Postfix_over_mutual_TLS_and_Postfix_reports_the_delivery_back_through_Caducee()
    {
        var marker = Marker();
        var to = "alice@" + PostfixTrustSpace.PostfixDomain;
        var original = Message(PostfixTrustSpace.User.ToString(), to, marker);
        await using (var smtp = await SubmitAsync())
        {
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{PostfixTrustSpace.User}> BODY=8BITMIME ENVID={marker} RET=HDRS")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{to}> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;{to}")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            Assert.Equal(250, (await smtp.CommandAsync(original.Replace("\r\n.point", "\r\n..point", StringComparison.Ordinal) + ".")).Code);
        }

        var delivered = Encoding.UTF8.GetString(await space.Postfix.WaitForMessageAsync("alice", marker, TimeSpan.FromSeconds(60)));
        Assert.EndsWith(original, delivered.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("\r\r\n", "\r\n", StringComparison.Ordinal), StringComparison.Ordinal);
        // Postfix's trace header: TLS facts and our operator certificate, verified against the demo CA.
        Assert.Matches("Received: from mx\\.cabinet\\.mssante\\.test \\([^)]*\\[127\\.0\\.0\\.1\\]\\)\\s+\\(using TLSv1\\.[23] with cipher \\S+", delivered);
        Assert.Contains("(Client CN \"mx." + PostfixTrustSpace.Domain + "\", Issuer", delivered, StringComparison.Ordinal);
        Assert.Contains("(verified OK))", delivered, StringComparison.Ordinal);
        Assert.Contains("by mx." + PostfixTrustSpace.Domain + " (Caducée) with ESMTPSA", delivered, StringComparison.Ordinal);
        Assert.Contains("X-MSS-NIL: " + marker, delivered, StringComparison.Ordinal);

        // NOTIFY and ENVID were passed on: Postfix's "delivered" report comes back through our MX (null sender, mutual TLS).
        var report = await space.WaitForInboxAsync("Original-Envelope-Id: " + marker);
        Assert.Contains("Reporting-MTA: dns; mx." + PostfixTrustSpace.PostfixDomain, report, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822; " + to, report, StringComparison.Ordinal);
        Assert.Contains("Action: delivered", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Action: relayed", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_Postfix_refuses_bounces_to_the_Caducee_sender_with_Postfix_reply()
    {
        var marker = Marker();
        await using (var smtp = await SubmitAsync())
        {
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{PostfixTrustSpace.User}> ENVID={marker}")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<inconnu@{PostfixTrustSpace.PostfixDomain}>")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            Assert.Equal(250, (await smtp.CommandAsync(Message(PostfixTrustSpace.User.ToString(), "inconnu@" + PostfixTrustSpace.PostfixDomain, marker) + ".")).Code);
        }

        var bounce = await space.WaitForInboxAsync("Original-Envelope-Id: " + marker);
        Assert.Contains("Action: failed", bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822; inconnu@" + PostfixTrustSpace.PostfixDomain, bounce, StringComparison.Ordinal);
        Assert.Contains("Remote-MTA: dns; mx." + PostfixTrustSpace.PostfixDomain, bounce, StringComparison.Ordinal);
        Assert.Contains("User unknown in virtual mailbox table", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_Caducee_refuses_bounces_to_the_Postfix_sender()
    {
        var marker = Marker();
        await InjectIntoPostfixAsync("bob@" + PostfixTrustSpace.PostfixDomain, "personne@" + PostfixTrustSpace.Domain, Message("bob@" + PostfixTrustSpace.PostfixDomain, "personne@" + PostfixTrustSpace.Domain, marker));

        var bounce = Encoding.UTF8.GetString(await space.Postfix.WaitForMessageAsync("bob", "Subject: " + marker, TimeSpan.FromSeconds(60)));
        Assert.Contains("Final-Recipient: rfc822; personne@" + PostfixTrustSpace.Domain, bounce, StringComparison.Ordinal);
        Assert.Contains("Status: 5.1.1", bounce, StringComparison.Ordinal);
        Assert.Contains("Diagnostic-Code: smtp; 550 5.1.1 Recipient personne@" + PostfixTrustSpace.Domain, bounce, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/report; report-type=delivery-status;", bounce, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swaks_submits_over_implicit_TLS_465_and_the_message_reaches_Postfix()
    {
        var marker = Marker();
        var (host, port) = (space.Submissions.Split(':')[0], space.Submissions.Split(':')[1]);
        var (code, output) = await RunAsync("swaks", "--server", host, "--port", port, "--tls-on-connect", "--tls-verify", "--tls-ca-path", space.Pki.BundlePem,
            "--auth", "PLAIN", "--auth-user", PostfixTrustSpace.User.ToString(), "--auth-password", PostfixTrustSpace.Password,
            "--from", PostfixTrustSpace.User.ToString(), "--to", "bob@" + PostfixTrustSpace.PostfixDomain, "--header", "Subject: " + marker, "--header", "X-MSS-NIL: swaks");
        Assert.True(code == 0, output);
        Assert.Contains("=== TLS started with cipher", output, StringComparison.Ordinal);
        Assert.Contains("235 2.7.0 Authentication successful", output, StringComparison.Ordinal);
        var delivered = Encoding.UTF8.GetString(await space.Postfix.WaitForMessageAsync("bob", "Subject: " + marker, TimeSpan.FromSeconds(60)));
        Assert.Contains("X-MSS-NIL: swaks", delivered, StringComparison.Ordinal);
    }

    private async Task<LineClient> SubmitAsync()
    {
        var smtp = await LineClient.ConnectAsync(space.Submission);
        Assert.Equal(220, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO client.test")).Code);
        Assert.Equal(220, (await smtp.CommandAsync("STARTTLS")).Code);
        await smtp.StartTlsAsync(space.Pki.BundlePem);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO client.test")).Code);
        Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{PostfixTrustSpace.User}\0{PostfixTrustSpace.Password}")))).Code);
        return smtp;
    }

    /// <summary>Hands a message to Postfix on its plain injection listener (from 127.0.0.1, in mynetworks), as a local client would.</summary>
    private async Task InjectIntoPostfixAsync(string from, string to, string message)
    {
        await using var smtp = await LineClient.ConnectAsync($"127.0.0.1:{space.Postfix.InjectionPort}");
        Assert.Equal(220, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO injecteur.test")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{from}> BODY=8BITMIME")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{to}>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        var reply = await smtp.CommandAsync(message.Replace("\r\n.point", "\r\n..point", StringComparison.Ordinal) + ".");
        Assert.True(reply.Code == 250, reply.Text);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
