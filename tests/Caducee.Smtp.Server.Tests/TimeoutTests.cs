// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>Issue 5 point 1: RFC 5321 §4.5.3.2 timeouts per phase, configured short for the test.</summary>
public sealed class TimeoutTests : IAsyncLifetime
{
    private SmtpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await SmtpTestServer.StartAsync(
        o => o with
        {
            Timeouts = new SmtpTimeouts
            {
                Command = TimeSpan.FromSeconds(4),
                DataBlock = TimeSpan.FromSeconds(1),
                Mail = TimeSpan.FromMilliseconds(500),
                Rcpt = TimeSpan.FromMilliseconds(500),
                DataTermination = TimeSpan.FromMilliseconds(500),
            },
        },
        [new SlowHook()]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A hook that takes too long for the senders and recipients named "slow" (a stand-in for a directory that hangs).</summary>
    private sealed class SlowHook : ISmtpPolicy
    {
        public async ValueTask<PolicyVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
        {
            if (context.Sender?.LocalPart == "slow")
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return PolicyVerdict.Continue;
        }

        public async ValueTask<PolicyVerdict> OnEndOfDataAsync(SmtpPolicyContext context, ReceivedMessage message, CancellationToken cancellationToken)
        {
            if (System.Text.Encoding.ASCII.GetString(message.Content.Span).Contains("Subject: slow", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return PolicyVerdict.Continue;
        }
    }

    [Fact]
    public async Task An_idle_client_gets_421_4_4_2_after_the_command_timeout()
    {
        await using var smtp = await _server.ConnectAsync(Listener.Mx);
        var watch = Stopwatch.StartNew();
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(421, reply.Code);
        Assert.Equal("4.4.2", reply.Enhanced);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(15));
        Assert.True(await smtp.IsClosedAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_silent_in_the_middle_of_DATA_or_a_chunk_gets_421_after_the_data_block_timeout(bool bdat)
    {
        await using var smtp = await _server.ReadyAsync(Listener.Submission);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        if (bdat)
        {
            await smtp.WriteAsync("BDAT 100 LAST\r\nonly a part");
        }
        else
        {
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            await smtp.WriteAsync("Subject: x\r\n\r\nand then nothing");
        }

        var watch = Stopwatch.StartNew();
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal((421, "4.4.2"), (reply.Code, reply.Enhanced));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3.5)); // the data block timeout (1 s), not the command one (4 s)
    }

    [Fact]
    public async Task MAIL_processing_past_its_budget_is_answered_451_and_the_session_goes_on()
    {
        await using var smtp = await _server.ReadyAsync(Listener.Mx);
        var watch = Stopwatch.StartNew();
        var reply = await smtp.CommandAsync($"MAIL FROM:<slow@{TestPki.PeerDomain}>");
        Assert.Equal((451, "4.3.0"), (reply.Code, reply.Enhanced));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.PeerSender}>")).Code);
        Assert.Contains(_server.Logs.Events, e => e.EventId == 1201);
    }

    [Fact]
    public async Task End_of_data_processing_past_its_budget_is_answered_451_and_nothing_is_stored()
    {
        var marker = "SLOW-" + Guid.NewGuid().ToString("N")[..8];
        await using var smtp = await _server.ReadyAsync(Listener.Submission);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        var reply = await smtp.CommandAsync($"Subject: slow\r\n\r\n{marker}\r\n.");
        Assert.Equal((451, "4.3.0"), (reply.Code, reply.Enhanced));
        Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
        Assert.DoesNotContain(await _server.InboxAsync(SmtpTestServer.Recipient), m => System.Text.Encoding.ASCII.GetString(m).Contains(marker, StringComparison.Ordinal));
    }
}
