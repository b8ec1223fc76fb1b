// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Authentication;
using System.Text;
using Caducee.Imap.Server.Tests.Infrastructure;

namespace Caducee.Imap.Server.Tests;

/// <summary>
/// Issue 6 point 2 (implicit TLS on 993, TLS floor), and the receiver as the server runs it: a session whose
/// every command arrives split at every byte gets exactly the answers of one sent in whole writes; COMPRESS
/// carries large responses.
/// </summary>
public sealed class TransportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ImapTestServer Server => fixture.Server;

    [Fact]
    public async Task Implicit_TLS_listener_greets_after_the_handshake_without_STARTTLS_and_allows_LOGIN()
    {
        var user = await Server.CreateUserAsync("tls");
        await using var client = await ImapClient.ConnectAsync(Server.TlsEndpoint, Server.Pki, implicitTls: true);
        Assert.True(client.IsTls);
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ ID ENABLE SASL-IR AUTH=PLAIN]", client.Greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", client.Greeting, StringComparison.Ordinal);
        Assert.Equal("BAD", (await client.CommandAsync("STARTTLS")).Status);
        Assert.True((await client.CommandAsync($"LOGIN \"{user.Address}\" \"{user.Password}\"")).IsOk);
        Assert.True((await client.CommandAsync("SELECT INBOX")).IsOk);
    }

    [Fact]
    public async Task Implicit_TLS_refuses_TLS_1_1_and_a_plaintext_client_gets_nothing()
    {
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.1 on purpose: it must be refused (REQ-10).
            await using var old = await ImapClient.ConnectAsync(Server.TlsEndpoint, Server.Pki, readGreeting: false);
            await old.HandshakeAsync(SslProtocols.Tls11);
#pragma warning restore SYSLIB0039, CA5397
        });

        await using var plain = await ImapClient.ConnectAsync(Server.TlsEndpoint, Server.Pki, readGreeting: false);
        await plain.WriteLineAsync("a LOGIN x y");
        Assert.True(await plain.IsClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_session_split_at_every_byte_gets_the_same_answers_as_whole_writes()
    {
        var user = await Server.CreateUserAsync("split");
        await Server.SeedAsync(user);
        string[] commands =
        [
            "a1 SELECT INBOX",
            "a2 FETCH 1:2 (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
            "a3 SEARCH CHARSET UTF-8 SUBJECT {10}\r\nrésultats",
            "a4 APPEND INBOX (\\Seen) {29+}\r\nSubject: octet par octet\r\n\r\nx",
            "a5 STORE 1:* +FLAGS.SILENT ($Lu)",
            "a6 UID FETCH 5 (FLAGS RFC822.SIZE)",
            "a7 LIST \"\" \"*\" RETURN (STATUS (MESSAGES))",
            "a8 LOGOUT",
        ];

        async Task<List<string>> RunAsync(bool split)
        {
            await using var client = await Server.LoginAsync(user);
            var lines = new List<string>();
            foreach (var command in commands)
            {
                var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
                var tag = command[..2];
                if (!split)
                {
                    await client.WriteAsync(bytes);
                }
                else
                {
                    for (var i = 0; i < bytes.Length; i++)
                    {
                        await client.WriteAsync(bytes.AsMemory(i, 1).ToArray());
                        // A synchronizing literal: the server asks for the data before it is sent.
                        if (bytes[i] == (byte)'\n' && i >= 2 && bytes[i - 2] == (byte)'}' && bytes[i - 3] != (byte)'+')
                        {
                            Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);
                        }
                    }
                }

                if (!split && command.Contains("{10}", StringComparison.Ordinal))
                {
                    // Whole writes: the continuation comes once the line with the literal is read.
                    Assert.StartsWith("+ ", await client.ReadLineAsync(), StringComparison.Ordinal);
                }

                var response = await client.ReadResponseAsync(tag);
                lines.AddRange(response.Untagged.Where(l => !l.Contains("UIDVALIDITY", StringComparison.Ordinal)));
                lines.Add(response.Tagged);
            }

            return lines;
        }

        var whole = await RunAsync(split: false);
        // Both runs change the mailbox the same way; the second starts where the first ended, so compare after resetting.
        Assert.Contains(whole, l => l.StartsWith("a4 OK [APPENDUID", StringComparison.Ordinal));
        var second = await Server.CreateUserAsync("split");
        await Server.SeedAsync(second);
        user = second;
        var split = await RunAsync(split: true);
        Assert.Equal(Normalize(whole), Normalize(split));
    }

    [Fact]
    public async Task COMPRESS_carries_a_large_FETCH_and_a_literal_upload()
    {
        var user = await Server.CreateUserAsync("deflate");
        await using var client = await Server.LoginAsync(user);
        Assert.True((await client.CommandAsync("COMPRESS DEFLATE")).IsOk);
        client.StartDeflate();
        var body = string.Concat(Enumerable.Repeat("Ligne de compte rendu, toujours la meme.\r\n", 20_000));
        var message = "Subject: gros\r\n\r\n" + body;
        await client.WriteLineAsync($"a APPEND INBOX {{{message.Length}+}}\r\n{message}");
        Assert.True((await client.ReadResponseAsync("a")).IsOk);
        Assert.True((await client.CommandAsync("SELECT INBOX")).IsOk);
        var fetch = await client.CommandAsync("FETCH 1 BODY.PEEK[TEXT]");
        Assert.Equal(body, Encoding.ASCII.GetString(fetch.Literals[0]));
        Assert.True((await client.CommandAsync("NOOP")).IsOk);
    }

    private static List<string> Normalize(List<string> lines) =>
        [.. lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"(APPENDUID|UIDVALIDITY|HIGHESTMODSEQ|MODSEQ) \(?\d+", "$1 N"))];
}
