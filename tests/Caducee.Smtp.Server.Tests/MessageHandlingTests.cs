// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using System.Text.RegularExpressions;
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>Issue 5 point 6: trace header, X-MSS-* kept byte for byte, Message-ID and Date at submission, size per destination.</summary>
public sealed class MessageHandlingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private SmtpTestServer Server => fixture.Server;

    private static string Marker() => "MSG-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<WireReply> SendAsync(SmtpWire smtp, Listener listener, byte[] message, bool bdat)
    {
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.SenderFor(listener)}> BODY=8BITMIME")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        if (bdat)
        {
            await smtp.WriteAsync([.. Encoding.ASCII.GetBytes($"BDAT {message.Length} LAST\r\n"), .. message]);
            return await smtp.ReadReplyAsync();
        }

        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        // Dot-stuffing by hand: every line here ends with CRLF and none starts with a dot.
        await smtp.WriteAsync([.. message, .. ".\r\n"u8.ToArray()]);
        return await smtp.ReadReplyAsync();
    }

    [Theory]
    [InlineData(Listener.Mx, false)]
    [InlineData(Listener.Mx, true)]
    [InlineData(Listener.Submission, false)]
    [InlineData(Listener.Submissions, true)]
    public async Task X_MSS_headers_folded_and_8bit_are_kept_byte_for_byte_REQ30(Listener listener, bool bdat)
    {
        var marker = Marker();
        // Folded values, a tab, UTF-8 octets, odd spacing: nothing may be rewritten.
        var message = Encoding.UTF8.GetBytes(
            $"Message-ID: <{marker}@lps.example>\r\n" +
            "Date: Tue, 2 Dec 2025 09:30:00 +0100\r\n" +
            "From: Dr Jean DUPONT <jean.dupont@hopital-nord.mssante.test>\r\n" +
            "Subject: =?UTF-8?Q?Compte_rendu?=\r\n" +
            "X-MSS-NIL:   LPS-Référence-été 2.1  \r\n" +
            "X-MSS-CODECDA: 11490-0,\r\n\t34133-9,\r\n  18842-5\r\n" +
            "X-MSS-INS: O\r\n" +
            "X-MSS-MES: FIN\r\n" +
            "MIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: 8bit\r\n" +
            "\r\n" +
            $"Corps du message {marker} — accentué.\r\n");
        await using var smtp = await Server.ReadyAsync(listener);
        Assert.Equal(250, (await SendAsync(smtp, listener, message, bdat)).Code);

        var stored = await Server.FindStoredAsync(marker);
        // What was received follows our trace header unchanged: Message-ID and Date were there, nothing is added.
        Assert.Equal(message, stored[^message.Length..]);
        var prefix = Encoding.UTF8.GetString(stored[..^message.Length]);
        Assert.StartsWith("Received: ", prefix, StringComparison.Ordinal);
        Assert.DoesNotContain("Message-ID", prefix, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_Received_header_records_TLS_version_cipher_and_the_peer_DN_on_the_MX()
    {
        var marker = Marker();
        await using var smtp = await Server.ReadyAsync(Listener.Mx);
        Assert.Equal(250, (await SendAsync(smtp, Listener.Mx, Encoding.ASCII.GetBytes($"Subject: {marker}\r\n\r\nx\r\n"), bdat: true)).Code);
        var (protocol, cipher) = smtp.Tls!.Value;
        var text = Encoding.UTF8.GetString(await Server.FindStoredAsync(marker));
        var received = text[..text.IndexOf("Subject:", StringComparison.Ordinal)];
        Assert.Matches(new Regex(@"^Received: from client\.example \(\[127\.0\.0\.1\]\)\r\n\tby mx\.cabinet-sud\.mssante\.test \(Caducée\) with ESMTPS id [0-9A-F]+\r\n"), received);
        Assert.Contains($"(version={protocol} cipher={cipher} client-dn=\"CN=mx.hopital-nord.mssante.test, OU=312345678900018, O=CENTRE HOSPITALIER NORD, S=Nord 59, C=FR\")", received.Replace("\r\n\t", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"for <{SmtpTestServer.Recipient}>; ", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submission_adds_Message_ID_and_Date_when_missing_and_only_then_RFC6409()
    {
        var bare = Marker();
        var complete = Marker();
        await using var smtp = await Server.ReadyAsync(Listener.Submission);
        Assert.Equal(250, (await SendAsync(smtp, Listener.Submission, Encoding.ASCII.GetBytes($"Subject: {bare}\r\n\r\nbody\r\n"), bdat: false)).Code);
        Assert.Equal(250, (await SendAsync(smtp, Listener.Submission, Encoding.ASCII.GetBytes($"Message-ID: <{complete}@x>\r\nDate: Tue, 2 Dec 2025 09:30:00 +0100\r\nSubject: {complete}\r\n\r\nbody\r\n"), bdat: true)).Code);

        var added = Encoding.UTF8.GetString(await Server.FindStoredAsync(bare));
        Assert.Single(Regex.Matches(added, "^Message-ID: <[0-9a-f]{24}@mx\\.cabinet-sud\\.mssante\\.test>\r\n", RegexOptions.Multiline));
        Assert.Single(Regex.Matches(added, "^Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\r\n", RegexOptions.Multiline));
        Assert.Contains("with ESMTPSA", added, StringComparison.Ordinal);
        var kept = Encoding.UTF8.GetString(await Server.FindStoredAsync(complete));
        Assert.Single(Regex.Matches(kept, "^Message-ID:", RegexOptions.Multiline));
        Assert.Single(Regex.Matches(kept, "^Date:", RegexOptions.Multiline));
    }

    [Fact]
    public async Task The_MX_adds_no_Message_ID()
    {
        var marker = Marker();
        await using var smtp = await Server.ReadyAsync(Listener.Mx);
        Assert.Equal(250, (await SendAsync(smtp, Listener.Mx, Encoding.ASCII.GetBytes($"Subject: {marker}\r\n\r\nbody\r\n"), bdat: false)).Code);
        Assert.DoesNotContain("Message-ID:", Encoding.UTF8.GetString(await Server.FindStoredAsync(marker)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_26_MB_message_to_patient_mssante_fr_is_refused_naming_the_25_MB_limit_REQ18()
    {
        // No SIZE= declared: the limit of the destination is applied to the size actually received.
        var message = new byte[26_000_000];
        var header = Encoding.ASCII.GetBytes("Subject: imagerie\r\n\r\n");
        header.CopyTo(message, 0);
        // Base64-like lines of 76 characters, as an attachment would be.
        for (var i = header.Length; i < message.Length; i++)
        {
            message[i] = (byte)((i - header.Length) % 78 switch { 76 => '\r', 77 => '\n', _ => 'A' });
        }
        await using var smtp = await Server.ReadyAsync(Listener.Submission);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync("RCPT TO:<279035121518989@patient.mssante.fr>")).Code);
        await smtp.WriteAsync([.. "BDAT 26000000 LAST\r\n"u8.ToArray(), .. message]);
        var reply = await smtp.ReadReplyAsync();
        Assert.Equal(552, reply.Code);
        Assert.Equal("5.3.4", reply.Enhanced);
        Assert.Contains("Message size 26000000 octets exceeds the limit of 25,000,000 octets (25 MB) for patient.mssante.fr (recipient 279035121518989@patient.mssante.fr)", reply.Text, StringComparison.Ordinal);

        // The same size to a destination without such a limit is taken (the general limit is 50 MB).
        var marker = Marker();
        Encoding.ASCII.GetBytes($"Subject: {marker}\r\n\r\n").CopyTo(message, 0);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
        await smtp.WriteAsync([.. "BDAT 26000000 LAST\r\n"u8.ToArray(), .. message]);
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
    }

    [Fact]
    public async Task A_small_message_to_patient_mssante_fr_is_accepted_for_relay()
    {
        await using var smtp = await Server.ReadyAsync(Listener.Submission);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.User}> SIZE=200")).Code);
        Assert.Equal(250, (await smtp.CommandAsync("RCPT TO:<279035121518989@patient.mssante.fr>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await smtp.CommandAsync("Subject: ordonnance\r\n\r\nbonjour\r\n.")).Code);
    }
}
