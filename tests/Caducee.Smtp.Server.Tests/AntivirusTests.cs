// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Sockets;
using System.Text;
using Caducee.Core.Antivirus;
using Caducee.Smtp.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server.Tests;

/// <summary>Issue 5 point 6, REQ-44: the clamd INSTREAM hook against a real clamd.</summary>
public sealed class AntivirusTests(ClamdDaemon clamd) : IClassFixture<ClamdDaemon>
{
    private static string Marker() => "AV-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A message with the EICAR file as a base64 attachment: clamd must decode the MIME part to find it.</summary>
    private static byte[] InfectedMessage(string marker) => Encoding.ASCII.GetBytes(
        $"Subject: {marker} résultats\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
        $"--b\r\nContent-Type: text/plain\r\n\r\nBody {marker}\r\n" +
        $"--b\r\nContent-Type: application/octet-stream; name=\"cr.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"cr.pdf\"\r\n\r\n" +
        $"{Convert.ToBase64String(ClamdDaemon.Eicar)}\r\n--b--\r\n");

    private static async Task<SmtpTestServer> ServerAsync(IVirusScanner scanner, bool failOpen = false)
    {
        SmtpTestServer? server = null;
        var hook = new AntivirusPolicy(scanner, failOpen, new ForwardingLogger(() => server!.Logs));
        server = await SmtpTestServer.StartAsync(extraHooks: [hook]);
        return server;
    }

    private static async Task<WireReply> SendAsync(SmtpTestServer server, Listener listener, byte[] message)
    {
        await using var smtp = await server.ReadyAsync(listener);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.SenderFor(listener)}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        await smtp.WriteAsync([.. Encoding.ASCII.GetBytes($"BDAT {message.Length} LAST\r\n"), .. message]);
        return await smtp.ReadReplyAsync();
    }

    [Fact]
    public async Task The_INSTREAM_client_gets_OK_and_FOUND_from_clamd()
    {
        var client = new ClamdClient(ClamdEndpoint.UnixSocket(clamd.Socket), TimeSpan.FromSeconds(30));
        Assert.Equal(ScanResult.Clean, await client.ScanAsync("hello"u8.ToArray(), CancellationToken.None));
        var found = await client.ScanAsync(ClamdDaemon.Eicar, CancellationToken.None);
        Assert.Equal(ScanOutcome.Infected, found.Outcome);
        Assert.Equal(ClamdDaemon.Signature, found.Signature);
        // Larger than one INSTREAM chunk (64 KB): the length-prefixed chunks are reassembled by clamd.
        var big = new byte[200_000];
        ClamdDaemon.Eicar.CopyTo(big, 150_000);
        Assert.Equal(ScanOutcome.Infected, (await client.ScanAsync(big, CancellationToken.None)).Outcome);
    }

    [Theory]
    [InlineData(Listener.Mx)]
    [InlineData(Listener.Submission)]
    public async Task An_infected_message_is_refused_554_5_7_1_naming_the_signature_with_an_audit_event(Listener listener)
    {
        await using var server = await ServerAsync(new ClamdClient(ClamdEndpoint.UnixSocket(clamd.Socket), TimeSpan.FromSeconds(30)));
        var marker = Marker();
        var reply = await SendAsync(server, listener, InfectedMessage(marker));
        Assert.Equal(554, reply.Code);
        Assert.Equal("5.7.1", reply.Enhanced);
        Assert.Contains($"the antivirus found {ClamdDaemon.Signature}; it was not delivered", reply.Text, StringComparison.Ordinal);
        Assert.Empty(await server.InboxAsync(SmtpTestServer.Recipient));

        var audit = Assert.Single(server.Logs.Events, e => e.EventId == 5001);
        Assert.Contains(ClamdDaemon.Signature, audit.Text, StringComparison.Ordinal);
        Assert.Contains("Audit:", audit.Text, StringComparison.Ordinal);
        // No content in any log line: neither the subject, nor the body, nor the attachment.
        Assert.DoesNotContain(marker, server.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("EICAR-STANDARD", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_message_is_scanned_and_accepted()
    {
        await using var server = await ServerAsync(new ClamdClient(ClamdEndpoint.UnixSocket(clamd.Socket), TimeSpan.FromSeconds(30)));
        var marker = Marker();
        var reply = await SendAsync(server, Listener.Submission, Encoding.ASCII.GetBytes($"Subject: {marker}\r\n\r\nclean\r\n"));
        Assert.Equal(250, reply.Code);
        Assert.NotNull(await server.FindStoredAsync(marker));
    }

    [Fact]
    public async Task Clamd_unreachable_gives_451_4_7_0_and_nothing_is_stored()
    {
        var down = new ClamdClient(ClamdEndpoint.UnixSocket(Path.Combine(clamd.Directory.FullName, "no-such.sock")), TimeSpan.FromSeconds(5));
        await using var server = await ServerAsync(down);
        var reply = await SendAsync(server, Listener.Submission, Encoding.ASCII.GetBytes($"Subject: {Marker()}\r\n\r\nx\r\n"));
        Assert.Equal(451, reply.Code);
        Assert.Equal("4.7.0", reply.Enhanced);
        Assert.Contains("Antivirus scan unavailable", reply.Text, StringComparison.Ordinal);
        Assert.Empty(await server.InboxAsync(SmtpTestServer.Recipient));
        Assert.Contains(server.Logs.Events, e => e.EventId == 5002 && e.Text.Contains("unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Clamd_that_does_not_answer_times_out_into_451()
    {
        // A socket that accepts and never answers, as a hung clamd would.
        var path = Path.Combine(clamd.Directory.FullName, "hung.sock");
        using var hung = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        hung.Bind(new UnixDomainSocketEndPoint(path));
        hung.Listen();
        var client = new ClamdClient(ClamdEndpoint.UnixSocket(path), TimeSpan.FromSeconds(1));
        var result = await client.ScanAsync("x"u8.ToArray(), CancellationToken.None);
        Assert.Equal(ScanOutcome.Failed, result.Outcome);
        Assert.Contains("did not answer within 1 s", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_open_lets_mail_through_when_clamd_is_down_and_says_so_in_the_log()
    {
        var down = new ClamdClient(ClamdEndpoint.UnixSocket(Path.Combine(clamd.Directory.FullName, "no-such.sock")), TimeSpan.FromSeconds(5));
        await using var server = await ServerAsync(down, failOpen: true);
        Assert.Equal(250, (await SendAsync(server, Listener.Submission, Encoding.ASCII.GetBytes($"Subject: {Marker()}\r\n\r\nx\r\n"))).Code);
        Assert.Contains(server.Logs.Events, e => e.EventId == 5002 && e.Text.Contains("fail-open True", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stream: OK", ScanOutcome.Clean, null)]
    [InlineData("stream: Win.Test.EICAR_HDB-1 FOUND", ScanOutcome.Infected, "Win.Test.EICAR_HDB-1")]
    [InlineData("INSTREAM size limit exceeded. ERROR", ScanOutcome.Failed, null)]
    [InlineData("", ScanOutcome.Failed, null)]
    public void Clamd_replies_are_read_strictly(string reply, ScanOutcome outcome, string? signature)
    {
        var result = ClamdClient.Interpret(reply);
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(signature, result.Signature);
    }

    /// <summary>Sends the hook's events to the server's capturing provider (created after the hook).</summary>
    private sealed class ForwardingLogger(Func<CapturingLogs> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs().CreateLogger("Caducee.Antivirus").Log(logLevel, eventId, state, exception, formatter);
    }
}
