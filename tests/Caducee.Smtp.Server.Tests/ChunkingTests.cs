// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>Issue 5 point 1: CHUNKING/BDAT (RFC 3030) and DATA over a real session, whatever the size of the writes.</summary>
public sealed class ChunkingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SmtpTestServer Server => fixture.Server;

    private static string Marker() => "CHUNK-" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [InlineData(Listener.Mx)]
    [InlineData(Listener.Submission)]
    [InlineData(Listener.Submissions)]
    public async Task A_BDAT_message_is_stored_as_sent_binary_octets_included(Listener listener)
    {
        var marker = Marker();
        var first = Encoding.UTF8.GetBytes($"Message-ID: <{marker}@test>\r\nDate: Mon, 1 Dec 2025 10:00:00 +0100\r\nSubject: {marker}\r\n\r\n");
        var second = new byte[] { (byte)'.', 13, 10, 0, 0xC3, 0xA9, 13, 10, (byte)'.', 13, 10 }; // ".\r\n", NUL, "é", ".\r\n"
        await using var smtp = await Server.ReadyAsync(listener);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.SenderFor(listener)}> BODY=8BITMIME")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        await smtp.WriteAsync([.. Encoding.ASCII.GetBytes($"BDAT {first.Length}\r\n"), .. first]);
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        await smtp.WriteAsync([.. Encoding.ASCII.GetBytes($"BDAT {second.Length} LAST\r\n"), .. second]);
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(250, reply.Code);
        Assert.Equal("2.0.0", reply.Enhanced);

        var stored = await Server.FindStoredAsync(marker);
        Assert.Equal([.. first, .. second], stored[^(first.Length + second.Length)..]);
        Assert.StartsWith("Received: from client.example", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_transaction_written_one_octet_at_a_time_is_received_whole(bool bdat)
    {
        var marker = Marker();
        var body = $"Message-ID: <{marker}@test>\r\nSubject: {marker}\r\n\r\n.dot\r\nline\r\n";
        var wire = bdat
            ? $"MAIL FROM:<{SmtpTestServer.User}>\r\nRCPT TO:<{SmtpTestServer.Recipient}>\r\nBDAT {Encoding.ASCII.GetByteCount(body)} LAST\r\n{body}NOOP\r\n"
            : $"MAIL FROM:<{SmtpTestServer.User}>\r\nRCPT TO:<{SmtpTestServer.Recipient}>\r\nDATA\r\n{body.Replace("\r\n.", "\r\n..", StringComparison.Ordinal)}.\r\nNOOP\r\n";
        await using var smtp = await Server.ReadyAsync(Listener.Submission);
        foreach (var octet in Encoding.ASCII.GetBytes(wire))
        {
            await smtp.WriteAsync([octet]);
        }

        var codes = new List<int>();
        for (var i = 0; i < (bdat ? 4 : 5); i++)
        {
            codes.Add((await smtp.ReadReplyAsync()).Code);
        }

        Assert.Equal(bdat ? [250, 250, 250, 250] : [250, 250, 354, 250, 250], codes);
        var stored = Encoding.UTF8.GetString(await Server.FindStoredAsync(marker));
        Assert.EndsWith(body, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunks_of_a_transfer_abandoned_by_EHLO_are_not_kept_in_the_next_message()
    {
        var marker = Marker();
        await using var smtp = await Server.ReadyAsync(Listener.Submission);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        await smtp.WriteAsync("BDAT 9\r\nSTALE-ONE");
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO client.example")).Code); // RFC 5321 §4.1.4: resets the transaction
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        var body = $"Subject: {marker}\r\n\r\nfresh\r\n";
        await smtp.WriteAsync($"BDAT {body.Length} LAST\r\n{body}");
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        var stored = System.Text.Encoding.ASCII.GetString(await Server.FindStoredAsync(marker));
        Assert.DoesNotContain("STALE-ONE", stored, StringComparison.Ordinal);
        Assert.EndsWith("\r\n" + body, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_after_a_refused_chunk_are_read_where_the_client_put_them()
    {
        // The chunk holds what looks like commands; they must stay data.
        await using var smtp = await Server.ReadyAsync(Listener.Submission);
        const string chunk = "MAIL FROM:<evil@example.com>\r\nRCPT TO:<x>\r\n";
        await smtp.WriteAsync($"BDAT {chunk.Length}\r\n{chunk}NOOP\r\n");
        var refused = await smtp.ReadReplyAsync();
        Assert.Equal(503, refused.Code);
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code); // the NOOP after the chunk
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
    }
}

/// <summary>Issue 5 point 1 and "bad input": limits enforced while reading, drained and answered, never a crash or a hang.</summary>
public sealed class LimitTests : IAsyncLifetime
{
    private SmtpTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await SmtpTestServer.StartAsync(o => o with { MaxMessageSize = 10_000, DrainLimit = 200_000, MaxErrors = 10 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<SmtpWire> TransactionAsync(Listener listener = Listener.Submission)
    {
        var smtp = await _server.ReadyAsync(listener);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.SenderFor(listener)}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        return smtp;
    }

    [Fact]
    public async Task The_EHLO_SIZE_is_the_limit_enforced()
    {
        await using var smtp = await _server.ConnectAsync(Listener.Mx);
        Assert.Contains("250-SIZE 10000", (await smtp.CommandAsync("EHLO a.example")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BDAT_message_past_the_limit_is_drained_refused_552_and_the_session_goes_on()
    {
        await using var smtp = await TransactionAsync();
        var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('k', 98) + "\r\n", 60)));
        await smtp.WriteAsync([.. "BDAT 6000\r\n"u8.ToArray(), .. lines]);
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        // 6000 + 6000 > 10000, no SIZE= was declared: refused once the chunk is read, never buffered.
        await smtp.WriteAsync([.. "BDAT 6000 LAST\r\n"u8.ToArray(), .. lines]);
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(552, reply.Code);
        Assert.Equal("5.3.4", reply.Enhanced);
        Assert.Contains("exceeds the limit of 10000 octets", reply.Text, StringComparison.Ordinal);
        Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
    }

    [Fact]
    public async Task A_BDAT_line_over_1000_octets_fails_the_transaction_554_5_6_0()
    {
        await using var smtp = await TransactionAsync(Listener.Mx);
        var chunk = "Subject: x\r\n\r\n" + new string('q', 1500) + "\r\n";
        await smtp.WriteAsync($"BDAT {chunk.Length}\r\n{chunk}");
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal((554, "5.6.0"), (reply.Code, reply.Enhanced));
        Assert.Contains("a line is longer than 1000 octets", reply.Text, StringComparison.Ordinal);
        Assert.Equal(503, (await smtp.CommandAsync("BDAT 0 LAST")).Code);
    }

    [Fact]
    public async Task A_failed_BDAT_transaction_refuses_the_chunks_pipelined_after_it()
    {
        await using var smtp = await TransactionAsync();
        await smtp.WriteAsync([.. "BDAT 12000\r\n"u8.ToArray(), .. new byte[12000], .. "BDAT 3 LAST\r\nabcNOOP\r\n"u8.ToArray()]);
        Assert.Equal(552, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(503, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
    }

    [Fact]
    public async Task A_BDAT_announcing_a_huge_size_is_refused_at_once_and_the_connection_closed()
    {
        await using var smtp = await TransactionAsync();
        await smtp.WriteLineAsync("BDAT 999999999999999 LAST");
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(552, reply.Code);
        Assert.Equal("5.3.4", reply.Enhanced);
        Assert.Contains("BDAT chunk of 999999999999999 octets exceeds the message size limit of 10000 octets; closing connection", reply.Text, StringComparison.Ordinal);
        Assert.True(await smtp.IsClosedAsync());
    }

    [Fact]
    public async Task A_DATA_message_past_the_limit_is_drained_to_the_terminator_then_refused_552()
    {
        await using var smtp = await TransactionAsync(Listener.Mx);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        var line = new string('x', 100) + "\r\n";
        await smtp.WriteAsync(string.Concat(Enumerable.Repeat(line, 500)) + ".\r\n");
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(552, reply.Code);
        Assert.Equal("5.3.4", reply.Enhanced);
        Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task Endless_DATA_is_cut_at_the_drain_limit_with_552_and_the_connection_closed()
    {
        await using var smtp = await TransactionAsync();
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('y', 98) + "\r\n", 100)));
        try
        {
            // 300 KB, past the limit and the drain allowance (10,000 + 200,000 octets), and no terminator.
            for (var i = 0; i < 30; i++)
            {
                await smtp.WriteAsync(block);
            }
        }
        catch (IOException)
        {
            // The server may close while we are still writing.
        }

        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(552, reply.Code);
        Assert.Contains("closing connection", reply.Text, StringComparison.Ordinal);
        Assert.True(await smtp.IsClosedAsync());
    }

    [Fact]
    public async Task A_10_MB_command_line_is_drained_and_answered_500()
    {
        var server = await SmtpTestServer.StartAsync(); // default drain limit: 50 MB
        await using (server)
        {
            await using var smtp = await server.ReadyAsync(Listener.Mx);
            await smtp.WriteAsync("NOOP " + new string('z', 10 * 1024 * 1024) + "\r\n");
            var reply = await smtp.ReadReplyAsync();
            Assert.Equal(500, reply.Code);
            Assert.Equal("5.5.2", reply.Enhanced);
            Assert.Contains("Line too long (limit 4096 octets", reply.Text, StringComparison.Ordinal);
            Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
        }
    }

    [Fact]
    public async Task A_10_MB_line_in_DATA_is_drained_and_the_message_refused_554_5_6_0()
    {
        var server = await SmtpTestServer.StartAsync();
        await using (server)
        {
            await using var smtp = await server.ReadyAsync(Listener.Submission);
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            await smtp.WriteAsync("Subject: long\r\n\r\n" + new string('w', 10 * 1024 * 1024) + "\r\n.\r\n");
            var reply = await smtp.ReadReplyAsync();
            Assert.Equal(554, reply.Code);
            Assert.Equal("5.6.0", reply.Enhanced);
            Assert.Contains("a line is longer than 1000 octets", reply.Text, StringComparison.Ordinal);
            Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
        }
    }

    [Fact]
    public async Task A_line_of_998_octets_plus_CRLF_is_accepted_in_DATA()
    {
        var marker = "LONG-" + Guid.NewGuid().ToString("N")[..8];
        await using var smtp = await TransactionAsync();
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        var line = marker + new string('v', 998 - marker.Length);
        await smtp.WriteAsync($"Subject: ok\r\n\r\n{line}\r\n.\r\n");
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        Assert.Contains(line + "\r\n", Encoding.ASCII.GetString(await _server.FindStoredAsync(marker)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_gets_500s_then_421_and_the_connection_closed_never_a_crash()
    {
        await using var smtp = await _server.ReadyAsync(Listener.Mx);
        var random = new Random(5);
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        for (var i = 0; i < garbage.Length; i += 97)
        {
            garbage[i] = (byte)'\n';
        }

        await smtp.WriteAsync(garbage);
        var codes = new List<int>();
        while (true)
        {
            WireReply reply;
            try
            {
                reply = await smtp.ReadReplyAsync();
            }
            catch (IOException)
            {
                break;
            }

            codes.Add(reply.Code);
            if (reply.Code == 421)
            {
                Assert.Contains("too many errors", reply.Text, StringComparison.Ordinal);
                break;
            }
        }

        Assert.Equal(421, codes[^1]);
        Assert.All(codes[..^1], c => Assert.InRange(c, 500, 554));
        Assert.True(await smtp.IsClosedAsync());
        Assert.DoesNotContain(_server.Logs.Events, e => e.EventId == 1009); // SessionFailed: no internal error
    }
}
