// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>IMAP FETCH of the MIME views (issue 3 point 4 as served by the IMAP server) on the real demo.</summary>
public sealed class ImapFetchTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    private static readonly byte[] s_pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% compte rendu de test\n%%EOF\n");

    /// <summary>Reads one IMAP response, literals included; returns the text with each literal inlined.</summary>
    private static async Task<(string Text, List<byte[]> Literals)> ReadResponseAsync(LineClient imap)
    {
        var text = new StringBuilder();
        var literals = new List<byte[]>();
        while (true)
        {
            var line = await imap.ReadLineAsync();
            text.Append(line);
            if (!line.EndsWith('}'))
            {
                return (text.ToString(), literals);
            }

            var size = int.Parse(line[(line.LastIndexOf('{') + 1)..^1], CultureInfo.InvariantCulture);
            var bytes = await imap.ReadBytesAsync(size);
            literals.Add(bytes);
            text.Append(Encoding.UTF8.GetString(bytes));
        }
    }

    [Fact]
    public async Task Envelope_bodystructure_sections_and_binary_are_served_from_the_stored_bytes()
    {
        var marker = "FETCH-" + Guid.NewGuid().ToString("N")[..10];
        var from = demo.Hospital.Mailboxes[0].Address;
        var to = demo.Practice.Mailboxes[0];
        var message =
            $"From: Dr Jean DUPONT <{from}>\r\nTo: <{to.Address}>\r\nSubject: =?UTF-8?Q?Lettre_de_liaison_{marker}?=\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nR=C3=A9sultat normal\r\n" +
            "--b1\r\nContent-Type: application/pdf; name=\"cr.pdf\"\r\nContent-Disposition: attachment; filename=\"cr.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Convert.ToBase64String(s_pdf) + "\r\n--b1--\r\n";

        using (var cert = DemoFixture.Load(demo.Hospital.ClientCert))
        {
            await using var smtp = await demo.SmtpOverTlsAsync(demo.Practice.Mx, cert);
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{from}>")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{to.Address}>")).Code);
            Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
            await smtp.WriteAsync(message + ".\r\n");
            Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        }

        await using var imap = await LineClient.ConnectAsync(demo.Practice.Imap);
        await imap.ReadLineAsync();
        await imap.WriteLineAsync("a STARTTLS");
        await imap.ReadUntilTaggedAsync("a");
        await imap.StartTlsAsync(demo.Json.Ca);
        await imap.WriteLineAsync($"b LOGIN \"{to.Address}\" \"{to.Password}\"");
        await imap.ReadUntilTaggedAsync("b");
        await imap.WriteLineAsync("c SELECT INBOX");
        var select = await imap.ReadUntilTaggedAsync("c");
        var exists = int.Parse(select.First(l => l.EndsWith(" EXISTS", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        // The demo's sample message is relayed in the background and may land after this one: find ours.
        string? n = null;
        for (var i = exists; i >= 1 && n is null; i--)
        {
            await imap.WriteLineAsync($"s{i} FETCH {i} (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            var (subject, _) = await ReadResponseAsync(imap);
            Assert.StartsWith($"s{i} OK", await imap.ReadLineAsync(), StringComparison.Ordinal);
            n = subject.Contains(marker, StringComparison.Ordinal) ? i.ToString(CultureInfo.InvariantCulture) : null;
        }

        Assert.NotNull(n);

        await imap.WriteLineAsync($"d FETCH {n} (ENVELOPE BODYSTRUCTURE BODY.PEEK[1] BINARY.PEEK[2] BINARY.SIZE[2] BODY.PEEK[HEADER.FIELDS (SUBJECT)] FLAGS)");
        var (fetch, literals) = await ReadResponseAsync(imap);
        Assert.Equal("d OK FETCH completed", await imap.ReadLineAsync());
        Assert.StartsWith($"* {n} FETCH (", fetch, StringComparison.Ordinal);
        Assert.Contains(marker, fetch, StringComparison.Ordinal); // ENVELOPE subject, decoded
        Assert.Contains($"\"{from.Split('@')[0]}\" \"hopital-nord.mssante.test\"", fetch, StringComparison.Ordinal); // ENVELOPE from
        Assert.Contains("\"PLAIN\"", fetch, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"PDF\"", fetch, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"MIXED\"", fetch, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("BODY[1] ", fetch, StringComparison.Ordinal);
        Assert.Contains(literals, l => Encoding.ASCII.GetString(l) == "R=C3=A9sultat normal");
        Assert.Contains(literals, l => l.AsSpan().SequenceEqual(s_pdf)); // BINARY[2]: decoded bytes
        Assert.Contains($"BINARY.SIZE[2] {s_pdf.Length}", fetch, StringComparison.Ordinal);
        Assert.Contains("BODY[HEADER.FIELDS (SUBJECT)] ", fetch, StringComparison.Ordinal);
        Assert.Contains("FLAGS ()", fetch, StringComparison.Ordinal); // PEEK does not set \Seen

        await imap.WriteLineAsync($"e FETCH {n} (BODY[1])");
        var (seen, _) = await ReadResponseAsync(imap);
        Assert.Contains("FLAGS (\\Seen)", seen, StringComparison.Ordinal);
        Assert.Equal("e OK FETCH completed", await imap.ReadLineAsync());

        await imap.WriteLineAsync($"f FETCH {n} (BODY[99] BINARY[2]<0.4>)");
        var (missing, _) = await ReadResponseAsync(imap);
        Assert.Contains("BODY[99] \"\"", missing, StringComparison.Ordinal);
        Assert.Contains("BINARY[2]<0> {4}%PDF", missing, StringComparison.Ordinal);
        Assert.Equal("f OK FETCH completed", await imap.ReadLineAsync());

        await imap.WriteLineAsync($"g FETCH {n} (NOSUCHITEM)");
        Assert.Equal("g BAD FETCH: unknown data item 'NOSUCHITEM'", await imap.ReadLineAsync());
    }

    [Fact]
    public async Task The_imaps_endpoint_of_demo_json_serves_IMAP_over_implicit_TLS_issue6_point2()
    {
        var op = demo.Practice;
        Assert.NotNull(op.Imaps);
        Assert.NotEqual(op.Imap, op.Imaps);
        await using var imap = await LineClient.ConnectAsync(op.Imaps!);
        await imap.StartTlsAsync(demo.Json.Ca);
        var greeting = await imap.ReadLineAsync();
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2", greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", greeting, StringComparison.Ordinal);
        Assert.DoesNotContain("LOGINDISABLED", greeting, StringComparison.Ordinal);
        var box = op.Mailboxes[0];
        await imap.WriteLineAsync($"a LOGIN \"{box.Address}\" \"{box.Password}\"");
        Assert.StartsWith("a OK", (await imap.ReadUntilTaggedAsync("a"))[^1], StringComparison.Ordinal);
        await imap.WriteLineAsync("b NAMESPACE");
        var ns = await imap.ReadUntilTaggedAsync("b");
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\"))", ns[0]);
        await imap.WriteLineAsync("c SELECT INBOX");
        Assert.StartsWith("c OK [READ-WRITE]", (await imap.ReadUntilTaggedAsync("c"))[^1], StringComparison.Ordinal);
    }
}
