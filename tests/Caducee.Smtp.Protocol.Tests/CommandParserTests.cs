// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Protocol.Parsing;

namespace Caducee.Smtp.Protocol.Tests;

public class CommandParserTests
{
    private static SmtpCommand Parse(string line) => CommandParser.Parse(Encoding.UTF8.GetBytes(line));

    [Theory]
    [InlineData("EHLO mx.example.fr", SmtpVerb.Ehlo)]
    [InlineData("ehlo mx.example.fr", SmtpVerb.Ehlo)]
    [InlineData("HELO a", SmtpVerb.Helo)]
    [InlineData("DATA", SmtpVerb.Data)]
    [InlineData("RSET", SmtpVerb.Rset)]
    [InlineData("NOOP anything", SmtpVerb.Noop)]
    [InlineData("QUIT", SmtpVerb.Quit)]
    [InlineData("STARTTLS", SmtpVerb.StartTls)]
    [InlineData("AUTH PLAIN dGVzdA==", SmtpVerb.Auth)]
    [InlineData("BDAT 100", SmtpVerb.Bdat)]
    [InlineData("BDAT 100 LAST", SmtpVerb.BdatLast)]
    [InlineData("bdat 0 last", SmtpVerb.BdatLast)]
    [InlineData("VRFY bob", SmtpVerb.Vrfy)]
    public void Dispatches_on_the_verb(string line, SmtpVerb verb) => Assert.Equal(verb, Parse(line).Verb);

    [Fact]
    public void Parses_MAIL_with_every_parameter_we_advertise()
    {
        var cmd = Assert.IsType<MailCommand>(Parse("MAIL FROM:<dr.dupont@hopital.mssante.fr> SIZE=12345 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ+2B1"));
        Assert.Equal("dr.dupont@hopital.mssante.fr", cmd.Sender!.ToString());
        Assert.Equal(12345, cmd.DeclaredSize);
        Assert.Equal(BodyType.EightBitMime, cmd.Body);
        Assert.True(cmd.SmtpUtf8);
        Assert.Equal(DsnReturn.Headers, cmd.Ret);
        Assert.Equal("QQ+1", cmd.EnvelopeId);
    }

    [Fact]
    public void Accepts_the_null_reverse_path_and_a_space_after_the_colon()
    {
        Assert.Null(Assert.IsType<MailCommand>(Parse("MAIL FROM:<>")).Sender);
        Assert.Equal("a@b.fr", Assert.IsType<MailCommand>(Parse("MAIL FROM: <a@b.fr>")).Sender!.ToString());
    }

    [Fact]
    public void Parses_RCPT_with_DSN_parameters_RFC3461()
    {
        var cmd = Assert.IsType<RcptCommand>(Parse("RCPT TO:<marie.martin@cabinet.mssante.fr> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;marie+2Emartin@cabinet.mssante.fr"));
        Assert.Equal(DsnNotify.Success | DsnNotify.Failure, cmd.Notify);
        Assert.Equal("rfc822;marie.martin@cabinet.mssante.fr", cmd.OriginalRecipient);
    }

    [Fact]
    public void Ignores_a_source_route()
    {
        var cmd = Assert.IsType<RcptCommand>(Parse("RCPT TO:<@relay.fr,@other.fr:user@dest.fr>"));
        Assert.Equal("user@dest.fr", cmd.Recipient.ToString());
    }

    [Theory]
    [InlineData("MAIL FROM:a@b.fr", 501, "5.1.7")]
    [InlineData("MAIL FROM:<a@b.fr> SIZE=abc", 501, "5.5.4")]
    [InlineData("MAIL FROM:<a@b.fr> FOO=1", 555, "5.5.4")]
    [InlineData("MAIL TO:<a@b.fr>", 501, "5.5.4")]
    [InlineData("RCPT TO:<>", 501, "5.1.3")]
    [InlineData("RCPT TO:<a@b.fr> NOTIFY=NEVER,SUCCESS", 501, "5.5.4")]
    [InlineData("RCPT TO:<a..b@c.fr>", 501, "5.1.3")]
    [InlineData("EHLO", 501, "5.5.4")]
    [InlineData("DATA now", 501, "5.5.4")]
    [InlineData("XYZZY", 500, "5.5.2")]
    [InlineData("", 500, "5.5.2")]
    [InlineData("MAIL FROM:<jérôme@b.fr>", 553, "5.6.7")]
    public void Refuses_bad_input_with_the_right_code(string line, int code, string enhanced)
    {
        var invalid = Assert.IsType<InvalidCommand>(Parse(line));
        Assert.Equal(code, invalid.Reply.Code);
        Assert.Equal(enhanced, invalid.Reply.Enhanced);
    }

    [Fact]
    public void Refuses_invalid_UTF8_and_NUL()
    {
        Assert.IsType<InvalidCommand>(CommandParser.Parse([0x4D, 0x41, 0x49, 0x4C, 0x20, 0xFF, 0xFE]));
        Assert.IsType<InvalidCommand>(Parse("NOOP \0"));
    }

    [Fact]
    public void Parses_BDAT_size_and_LAST_RFC3030()
    {
        var chunk = Assert.IsType<BdatCommand>(Parse("BDAT 4096"));
        Assert.Equal((4096L, false), (chunk.ChunkSize, chunk.Last));
        var last = Assert.IsType<BdatCommand>(Parse("BDAT 0 LAST"));
        Assert.Equal((0L, true), (last.ChunkSize, last.Last));
        Assert.Equal(long.MaxValue, Assert.IsType<BdatCommand>(Parse("BDAT 9223372036854775807")).ChunkSize);
    }

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT x")]
    [InlineData("BDAT -5")]
    [InlineData("BDAT +5")]
    [InlineData("BDAT 5 FIRST")]
    [InlineData("BDAT 5 LAST more")]
    [InlineData("BDAT 99999999999999999999999")]
    [InlineData("BDAT 5\0")]
    public void A_BDAT_whose_size_cannot_be_read_loses_synchronization(string line)
    {
        // The chunk that follows cannot be skipped: the session must close after this reply.
        var invalid = Assert.IsType<InvalidCommand>(Parse(line));
        Assert.True(invalid.LosesSynchronization);
        Assert.Equal((554, "5.5.4"), (invalid.Reply.Code, invalid.Reply.Enhanced));
        Assert.Contains("Syntax: BDAT <size> [LAST]", invalid.Reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_bad_lines_keep_synchronization()
    {
        Assert.False(Assert.IsType<InvalidCommand>(Parse("XYZZY")).LosesSynchronization);
        Assert.False(Assert.IsType<InvalidCommand>(Parse("NOOP \0")).LosesSynchronization);
    }

    [Fact]
    public void An_AUTH_command_never_prints_its_credentials()
    {
        var cmd = Parse("AUTH PLAIN AGFsaWNlAHMzY3JldA==");
        Assert.DoesNotContain("AGFsaWNlAHMzY3JldA", cmd.ToString(), StringComparison.Ordinal);
    }
}
