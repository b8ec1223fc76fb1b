// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>
/// Runs a C:/S: transcript (STYLE.md §4.9, after James MPT) against one listener of a <see cref="SmtpTestServer"/>.
/// <list type="bullet">
/// <item><c>C: text</c> sends the text and CRLF; <c>R: text</c> sends it raw, without CRLF. Consecutive C:/R:
/// lines go out in one write (pipelining). Escapes: <c>\r \n \t \0 \\ \xHH</c>; variables <c>${from}</c>
/// (the sender allowed on this listener), <c>${to}</c> (a local mailbox), <c>${user}</c>, <c>${host}</c>.</item>
/// <item><c>S: regex</c> reads one reply line and matches it from its start; <c>W: regex</c> skips lines until one matches.</item>
/// <item><c>!ready</c> reads the greeting, says EHLO, does STARTTLS (not on 465) and AUTH (not on the MX);
/// <c>!tls</c> does the TLS handshake (with the peer's operator certificate on the MX);
/// <c>!auth</c> logs in with AUTH PLAIN on submission (nothing on the MX); <c>!closed</c> expects the server to
/// have closed the connection.</item>
/// <item><c>@listeners mx submission submissions</c> (first line) says where the transcript runs; <c>#</c> starts a comment.</item>
/// </list>
/// </summary>
public static partial class TranscriptRunner
{
    public static IReadOnlyList<Listener> ListenersOf(string file)
    {
        var first = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("@listeners", StringComparison.Ordinal));
        return first is null
            ? [Listener.Mx, Listener.Submission]
            : [.. first["@listeners".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => Enum.Parse<Listener>(n, ignoreCase: true))];
    }

    public static async Task RunAsync(SmtpTestServer server, string file, Listener listener)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["from"] = SmtpTestServer.SenderFor(listener),
            ["to"] = SmtpTestServer.Recipient,
            ["user"] = SmtpTestServer.User,
            ["host"] = "mx." + TestPki.LocalDomain,
        };
        await using var wire = await SmtpWire.ConnectAsync(server.Endpoints[listener]);
        if (listener == Listener.Submissions)
        {
            await wire.StartTlsAsync(server.Pki, null);
        }

        var pending = new List<byte>();
        var number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            var where = $"{Path.GetFileName(file)}:{number} ({listener})";
            if (raw.Length == 0 || raw[0] is '#' or '@')
            {
                continue;
            }

            if (raw.StartsWith("C: ", StringComparison.Ordinal) || raw.StartsWith("R: ", StringComparison.Ordinal))
            {
                pending.AddRange(Unescape(Expand(raw[3..], variables)));
                if (raw[0] == 'C')
                {
                    pending.AddRange("\r\n"u8.ToArray());
                }

                continue;
            }

            await FlushAsync(wire, pending);
            if (raw.StartsWith("S: ", StringComparison.Ordinal) || raw.StartsWith("W: ", StringComparison.Ordinal))
            {
                var pattern = Expand(raw[3..], variables);
                while (true)
                {
                    string line;
                    try
                    {
                        line = await wire.ReadLineAsync();
                    }
                    catch (IOException ex)
                    {
                        throw new Xunit.Sdk.XunitException($"{where}: expected a line matching '{pattern}', the connection ended: {ex.Message}");
                    }

                    if (Regex.IsMatch(line, "^(?:" + pattern + ")", RegexOptions.None, TimeSpan.FromSeconds(1)))
                    {
                        break;
                    }

                    if (raw[0] == 'S')
                    {
                        throw new Xunit.Sdk.XunitException($"{where}: expected a line matching '{pattern}', got '{line}'");
                    }
                }
            }
            else if (raw == "!ready")
            {
                Assert.Equal(220, (await wire.ReadReplyAsync()).Code);
                Assert.Equal(250, (await wire.CommandAsync("EHLO client.example")).Code);
                if (listener != Listener.Submissions)
                {
                    Assert.Equal(220, (await wire.CommandAsync("STARTTLS")).Code);
                    await wire.StartTlsAsync(server.Pki, listener == Listener.Mx ? server.Pki.PeerClient : null);
                    Assert.Equal(250, (await wire.CommandAsync("EHLO client.example")).Code);
                }

                if (listener != Listener.Mx)
                {
                    Assert.Equal(235, (await wire.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(SmtpTestServer.User, SmtpTestServer.Password))).Code);
                }
            }
            else if (raw == "!tls")
            {
                await wire.StartTlsAsync(server.Pki, listener == Listener.Mx ? server.Pki.PeerClient : null);
            }
            else if (raw == "!auth")
            {
                if (listener != Listener.Mx)
                {
                    var reply = await wire.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(SmtpTestServer.User, SmtpTestServer.Password));
                    Assert.True(reply.Code == 235, $"{where}: AUTH gave {reply}");
                }
            }
            else if (raw == "!closed")
            {
                Assert.True(await wire.IsClosedAsync(), $"{where}: the server should have closed the connection");
            }
            else
            {
                throw new InvalidOperationException($"{where}: unknown transcript line '{raw}'");
            }
        }

        await FlushAsync(wire, pending);
    }

    private static async Task FlushAsync(SmtpWire wire, List<byte> pending)
    {
        if (pending.Count > 0)
        {
            await wire.WriteAsync([.. pending]);
            pending.Clear();
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
                default: throw new InvalidOperationException($"unknown escape \\{c}");
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"\$\{([a-z]+)\}")]
    private static partial Regex VariablePattern();
}
