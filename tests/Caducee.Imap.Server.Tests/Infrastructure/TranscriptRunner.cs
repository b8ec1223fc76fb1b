// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Caducee.Core.Model;

namespace Caducee.Imap.Server.Tests.Infrastructure;

/// <summary>
/// Runs a C:/S: transcript (STYLE.md §4.9, after James MPT) over real sockets against an <see cref="ImapTestServer"/>,
/// with a fresh mailbox per transcript. See tests/TestData/imap/README.md for the syntax:
/// <list type="bullet">
/// <item><c>C: text</c> sends the text and CRLF, <c>R: text</c> sends it raw; consecutive ones go out in one
/// write (pipelining). <c>S: regex</c> reads the next line (a literal it announces is read and appended)
/// and matches it from its start; <c>W: regex</c> skips lines until one matches. A digit after the letter
/// (<c>C2:</c>, <c>S2:</c>) talks on a second connection.</item>
/// <item><c>!starttls</c>, <c>!login</c> (STARTTLS and LOGIN as ${user}), <c>!login2</c>, <c>!deflate</c> (the client
/// switches to DEFLATE), <c>!closed</c>, <c>!deliver FILE</c> (a sample message to ${user}'s INBOX, the SMTP way).</item>
/// <item>First lines: <c>@seed</c> (the sample messages in ${user}'s INBOX), <c>@owner RIGHTS</c> (an ORG box
/// ${owner}, seeded, all its folders shared with ${user}), <c>@kind per</c>. Variables: ${user}, ${password},
/// ${owner}, ${domain}, and any named group of an earlier S: line (<c>(?&lt;uidvalidity&gt;\d+)</c>). Escapes: <c>\r \n \t \0 \\ \xHH</c>. <c>#</c> starts a comment.</item>
/// </list>
/// </summary>
public static partial class TranscriptRunner
{
    public static async Task RunAsync(ImapTestServer server, string file)
    {
        var lines = File.ReadAllLines(file);
        var kind = lines.Any(l => l.Trim() == "@kind per") ? MailboxKind.Per : MailboxKind.Org;
        var user = await server.CreateUserAsync("t", kind);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["user"] = user.Address,
            ["password"] = user.Password,
            ["domain"] = TestPki.Domain,
        };
        if (lines.Contains("@seed"))
        {
            await server.SeedAsync(user);
        }

        if (lines.FirstOrDefault(l => l.StartsWith("@owner ", StringComparison.Ordinal)) is { } ownerLine)
        {
            var owner = await server.CreateUserAsync("org");
            await server.SeedAsync(owner);
            await server.ShareAsync(owner, user, ownerLine["@owner ".Length..].Trim());
            variables["owner"] = owner.Address;
        }

        var connections = new Dictionary<int, ImapClient>();
        try
        {
            var pending = new Dictionary<int, List<byte>>();
            var number = 0;
            foreach (var raw in lines)
            {
                number++;
                var where = $"{Path.GetFileName(file)}:{number}";
                if (raw.Length == 0 || raw[0] is '#' or '@')
                {
                    continue;
                }

                var match = LinePattern().Match(raw);
                if (match.Success)
                {
                    var verb = match.Groups[1].Value[0];
                    var id = match.Groups[2].Length == 0 ? 1 : int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    var text = Expand(match.Groups[3].Value, variables);
                    var client = connections.TryGetValue(id, out var c) ? c : connections[id] = await ImapClient.ConnectAsync(server.Endpoint, server.Pki, readGreeting: false);
                    if (verb is 'C' or 'R')
                    {
                        var buffer = pending.TryGetValue(id, out var b) ? b : pending[id] = [];
                        buffer.AddRange(Unescape(text));
                        if (verb == 'C')
                        {
                            buffer.AddRange("\r\n"u8.ToArray());
                        }

                        continue;
                    }

                    await FlushAsync(connections, pending);
                    var found = await ExpectAsync(client, text, skip: verb == 'W', where);
                    foreach (var group in found.Groups.Values.Where(g => g.Success && !char.IsAsciiDigit(g.Name[0])))
                    {
                        // A named group captures a value for later lines: (?<uidvalidity>\d+) → ${uidvalidity}.
                        variables[group.Name] = group.Value;
                    }

                    continue;
                }

                await FlushAsync(connections, pending);
                var directive = raw.Split(' ', 2);
                var target = directive[0].Length > 1 && char.IsAsciiDigit(directive[0][^1]) ? int.Parse(directive[0][^1..], CultureInfo.InvariantCulture) : 1;
                var name = target == 1 && !char.IsAsciiDigit(directive[0][^1]) ? directive[0] : directive[0][..^1];
                if (!connections.TryGetValue(target, out var conn))
                {
                    conn = connections[target] = await ImapClient.ConnectAsync(server.Endpoint, server.Pki, readGreeting: false);
                }

                switch (name)
                {
                    case "!starttls":
                        await conn.StartTlsAsync();
                        break;
                    case "!login":
                        await conn.StartTlsAsync();
                        var login = await conn.CommandAsync($"LOGIN \"{user.Address}\" \"{user.Password}\"");
                        Assert.True(login.IsOk, $"{where}: {login}");
                        break;
                    case "!deflate":
                        conn.StartDeflate();
                        break;
                    case "!closed":
                        Assert.True(await conn.IsClosedAsync(), $"{where}: the server should have closed the connection");
                        break;
                    case "!deliver":
                        await server.DeliverAsync(user, File.ReadAllText(Path.Combine(TestPaths.Messages, directive[1].Trim())));
                        break;
                    default:
                        throw new InvalidOperationException($"{where}: unknown transcript line '{raw}'");
                }
            }

            await FlushAsync(connections, pending);
        }
        finally
        {
            foreach (var client in connections.Values)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<Match> ExpectAsync(ImapClient client, string pattern, bool skip, string where)
    {
        while (true)
        {
            string line;
            try
            {
                line = await client.ReadResponseLineAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{where}: expected a line matching '{pattern}', got {ex.GetType().Name}: {ex.Message}");
            }

            var match = Regex.Match(line, "^(?:" + pattern + ")", RegexOptions.Singleline, TimeSpan.FromSeconds(1));
            if (match.Success)
            {
                return match;
            }

            if (!skip)
            {
                throw new Xunit.Sdk.XunitException($"{where}: expected a line matching '{pattern}', got '{line}'");
            }
        }
    }

    private static async Task FlushAsync(Dictionary<int, ImapClient> connections, Dictionary<int, List<byte>> pending)
    {
        foreach (var (id, bytes) in pending)
        {
            if (bytes.Count > 0)
            {
                await connections[id].WriteAsync([.. bytes]);
                bytes.Clear();
            }
        }
    }

    private static string Expand(string text, Dictionary<string, string> variables) =>
        VariablePattern().Replace(text, m => variables.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"unknown variable {m.Value}"));

    private static byte[] Unescape(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }

            var c = text[++i];
            switch (c)
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x':
                    bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    // Any other backslash is kept (IMAP flags: \Seen).
                    bytes.Add((byte)'\\');
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                    break;
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"^([CRSW])(\d?): ?(.*)$")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"\$\{([a-z]+)\}")]
    private static partial Regex VariablePattern();
}
