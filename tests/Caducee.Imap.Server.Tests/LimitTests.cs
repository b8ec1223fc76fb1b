// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Imap.Server.Tests.Infrastructure;

namespace Caducee.Imap.Server.Tests;

/// <summary>A server with small limits and short timeouts, so each limit can be reached quickly.</summary>
public sealed class LimitedServerFixture : IAsyncLifetime
{
    public ImapTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ImapTestServer.StartAsync(o => o with
    {
        PreAuthTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(1),
        IdleTimeout = TimeSpan.FromSeconds(3),
        MaxErrors = 5,
        MaxConnectionsPerUser = 2,
        MaxLineLength = 2048,
        MaxLiteralSize = 4 * 1024 * 1024,
        SpoolThreshold = 64 * 1024,
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Issue 6 point 5: bounded lines and literals, command and idle timeouts, a maximum of connections per user,
/// a maximum of errors; garbage, a 2 GB literal or silence cost bounded memory and one connection, and every
/// refusal is a protocol-correct answer.
/// </summary>
public sealed class LimitTests(LimitedServerFixture fixture) : IClassFixture<LimitedServerFixture>
{
    private ImapTestServer Server => fixture.Server;

    private Task<ImapClient> ConnectAsync() => ImapClient.ConnectAsync(Server.Endpoint, Server.Pki);

    [Fact]
    public async Task A_client_that_says_nothing_is_closed_after_the_pre_auth_timeout()
    {
        await using var client = await ConnectAsync();
        Assert.StartsWith("* OK", client.Greeting, StringComparison.Ordinal);
        Assert.Equal("* BYE Autologout; idle for too long", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_command_left_unfinished_is_closed_after_the_command_timeout()
    {
        await using var client = await ConnectAsync();
        await client.WriteAsync("a LOGIN {10}\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.WriteAsync("half");
        Assert.Equal("* BYE Timeout: the command was not completed in time", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_authenticated_client_silent_between_commands_or_in_IDLE_is_logged_out()
    {
        var user = await Server.CreateUserAsync("idle");
        await using (var quiet = await Server.LoginAsync(user))
        {
            Assert.Equal("* BYE Autologout; idle for too long", await quiet.ReadLineAsync());
            Assert.True(await quiet.IsClosedAsync(TimeSpan.FromSeconds(5)));
        }

        await using var idling = await Server.LoginAsync(user);
        Assert.True((await idling.CommandAsync("SELECT INBOX")).IsOk);
        await idling.WriteLineAsync("i IDLE");
        Assert.Equal("+ idling", await idling.ReadLineAsync());
        Assert.Equal("* BYE Autologout; idle for too long", await idling.ReadLineAsync());
        Assert.True(await idling.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Garbage_costs_one_BAD_per_line_and_too_many_errors_end_with_BYE()
    {
        await using var client = await ConnectAsync();
        var junk = new byte[200_000];
        new Random(42).NextBytes(junk);
        for (var i = 0; i < junk.Length; i++)
        {
            junk[i] = junk[i] is (byte)'\n' or (byte)'\r' or (byte)' ' ? (byte)'x' : junk[i];
        }

        // 200 KB without a line end: the receiver keeps at most the limit and a small tail (not the 200 KB).
        // Before login the limit is the SASL response line's.
        await client.WriteAsync(junk);
        await client.WriteAsync("\r\n");
        Assert.StartsWith("* BAD command line too long (limit 16384 octets)", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.True((await client.CommandAsync("NOOP")).IsOk);
        for (var i = 0; i < 3; i++)
        {
            await client.WriteLineAsync($"x{i} NONSENSE");
            Assert.StartsWith($"x{i} BAD unknown command", await client.ReadLineAsync(), StringComparison.Ordinal);
        }

        await client.WriteLineAsync("x9 NONSENSE");
        Assert.StartsWith("x9 BAD", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("* BYE Too many errors; closing the connection", await client.ReadLineAsync());
        Assert.True(await client.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_2GB_literal_announcement_is_refused_before_its_data_and_the_session_goes_on()
    {
        var user = await Server.CreateUserAsync("big");
        await using var client = await Server.LoginAsync(user);
        await client.WriteLineAsync("a APPEND INBOX {2147483648}");
        Assert.Equal("a NO [TOOBIG] message of 2147483648 octets exceeds the limit of 4194304 octets", await client.ReadLineAsync());
        await client.WriteLineAsync("b LOGIN {2147483648}");
        Assert.StartsWith("b BAD", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.WriteLineAsync("c SEARCH SUBJECT {99999999999999999999}");
        Assert.StartsWith("c BAD [TOOBIG]", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.True((await client.CommandAsync("NOOP")).IsOk);
    }

    [Fact]
    public async Task Lines_and_non_APPEND_literals_are_held_to_the_line_limit()
    {
        await using var client = await Server.LoginAsync(await Server.CreateUserAsync("lines"));
        await client.WriteLineAsync("a1 NOOP " + new string('x', 5000));
        Assert.StartsWith("a1 BAD command line too long", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.WriteLineAsync("a2 LOGIN {5000}");
        Assert.StartsWith("a2 BAD [TOOBIG] literal of 5000 octets exceeds the limit", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.True((await client.CommandAsync("NOOP")).IsOk);
    }

    [Fact]
    public async Task A_user_gets_NO_LIMIT_beyond_the_maximum_of_connections_and_may_log_in_again_after_closing_one()
    {
        var user = await Server.CreateUserAsync("many");
        var first = await Server.LoginAsync(user);
        await using var second = await Server.LoginAsync(user);
        await using var third = await ConnectAsync();
        await third.StartTlsAsync();
        var refused = await third.CommandAsync($"LOGIN \"{user.Address}\" \"{user.Password}\"");
        Assert.StartsWith(refused.Tagged.Split(' ')[0] + " NO [LIMIT] Too many connections for this mailbox (at most 2)", refused.Tagged, StringComparison.Ordinal);
        Assert.Equal("BAD", (await third.CommandAsync("SELECT INBOX")).Status);

        Assert.True((await first.CommandAsync("LOGOUT")).IsOk);
        await first.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        ImapResponse retry;
        do
        {
            retry = await third.CommandAsync($"LOGIN \"{user.Address}\" \"{user.Password}\"");
        }
        while (!retry.IsOk && DateTime.UtcNow < deadline);
        Assert.True(retry.IsOk, retry.ToString());
        Assert.Contains(Server.Logs.Events, e => e.EventId == 2008);
    }

    [Fact]
    public async Task A_large_APPEND_is_spooled_encrypted_and_stored_exactly()
    {
        var user = await Server.CreateUserAsync("spool");
        await using var client = await Server.LoginAsync(user);
        var marker = "CONFIDENTIEL-" + Guid.NewGuid().ToString("N");
        var body = new StringBuilder($"From: <a@hopital-nord.mssante.test>\r\nSubject: {marker}\r\n\r\n");
        while (body.Length < 1_500_000)
        {
            body.Append(marker).Append(" compte rendu detaille du patient\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(body.ToString());
        await client.WriteLineAsync($"a APPEND INBOX {{{bytes.Length}}}");
        Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.WriteAsync(bytes.AsMemory(0, 800_000).ToArray());

        // Half of it is in: it waits in a spool file, encrypted (the marker is nowhere in clear).
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string[] files;
        while ((files = Directory.Exists(Server.SpoolDirectory) ? Directory.GetFiles(Server.SpoolDirectory) : []).Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var file = Assert.Single(files);
        await Task.Delay(200);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            var spooled = new byte[stream.Length];
            stream.ReadExactly(spooled);
            Assert.True(spooled.Length > 500_000);
            Assert.Equal(-1, spooled.AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker)));
        }

        await client.WriteAsync(bytes.AsMemory(800_000).ToArray());
        await client.WriteAsync("\r\n");
        var append = await client.ReadResponseAsync("a");
        Assert.True(append.IsOk, append.ToString());
        Assert.Empty(Directory.GetFiles(Server.SpoolDirectory));

        Assert.True((await client.CommandAsync("SELECT INBOX")).IsOk);
        var fetch = await client.CommandAsync("FETCH 1 (RFC822.SIZE BODY.PEEK[])");
        Assert.Equal(bytes, fetch.Literals[0]);
        Assert.Contains($"RFC822.SIZE {bytes.Length}", fetch.Untagged[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_large_APPEND_leaves_no_spool_file()
    {
        var user = await Server.CreateUserAsync("refused");
        await using var client = await Server.LoginAsync(user);
        var data = new byte[200_000];
        Array.Fill(data, (byte)'q');
        await client.WriteLineAsync($"a APPEND Nulle-Part {{{data.Length}+}}");
        await client.WriteAsync(data);
        await client.WriteAsync("\r\n");
        var response = await client.ReadResponseAsync("a");
        Assert.Contains("[TRYCREATE]", response.Tagged, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Server.SpoolDirectory) ? Directory.GetFiles(Server.SpoolDirectory) : []);
    }

    [Fact]
    public async Task Nothing_secret_reaches_the_log()
    {
        var user = await Server.CreateUserAsync("secret");
        var marker = "Diagnostic-" + Guid.NewGuid().ToString("N");
        await Server.DeliverAsync(user, $"From: <a@hopital-nord.mssante.test>\r\nSubject: {marker}\r\n\r\n{marker} corps\r\n");
        await using (var client = await Server.LoginAsync(user))
        {
            Assert.True((await client.CommandAsync("SELECT INBOX")).IsOk);
            Assert.Contains(marker, (await client.CommandAsync("FETCH 1 BODY[]")).Untagged[0], StringComparison.Ordinal);
            Assert.True((await client.CommandAsync($"SEARCH SUBJECT {marker}")).IsOk);
            Assert.True((await client.CommandAsync($"CREATE {marker}")).IsOk);
            await client.WriteLineAsync("a AUTHENTICATE PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user.Address}\0{user.Password}")));
            Assert.StartsWith("a BAD", (await client.ReadResponseAsync("a")).Tagged, StringComparison.Ordinal);
        }

        var logs = Server.Logs.AllText;
        Assert.Contains(user.Address, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(marker, logs, StringComparison.Ordinal);
    }
}

/// <summary>Memory is measured alone: no other test class runs meanwhile.</summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;

/// <summary>Issue 6 point 5, bad input: a flood costs bounded memory (measured in this process, which hosts the server).</summary>
[Collection(nameof(SerialCollection))]
public sealed class MemoryBoundTests
{
    [Fact]
    public async Task A_2GB_non_synchronizing_literal_is_drained_with_bounded_memory_then_refused()
    {
        await using var server = await ImapTestServer.StartAsync(o => o with { MaxLiteralSize = 4 * 1024 * 1024 });
        var user = await server.CreateUserAsync("flood");
        await using var client = await server.LoginAsync(user);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await client.WriteLineAsync("a APPEND INBOX {2147483648+}");
        var chunk = new byte[1024 * 1024];
        Array.Fill(chunk, (byte)'z');
        for (var i = 0; i < 48; i++)
        {
            await client.WriteAsync(chunk);
        }

        // 48 MB went in; nothing was kept (the receiver drains a refused literal) and nothing was answered yet.
        Assert.True(await client.IsSilentAsync(TimeSpan.FromMilliseconds(300)));
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(grown < 16 * 1024 * 1024, $"the server kept {grown} bytes while draining");

        // Another connection is served meanwhile: the flood costs one connection.
        await using var other = await server.LoginAsync(await server.CreateUserAsync("other"));
        Assert.True((await other.CommandAsync("NOOP")).IsOk);
    }

}
