// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Protocol.Parsing;
using Caducee.Smtp.Protocol.Replies;
using Caducee.Smtp.Protocol.StateMachine;

namespace Caducee.Smtp.Protocol.Tests;

public class LineAndReplyTests
{
    [Fact]
    public void Reads_pipelined_lines_one_by_one_whatever_the_split()
    {
        var bytes = "EHLO a\r\nMAIL FROM:<x@y.fr>\r\nRCPT TO:<z@y.fr>\r\nDA"u8.ToArray();
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var seq = Split.At(bytes, cut);
            var lines = new List<string>();
            while (LineReader.TryReadLine(ref seq, 512, out var line) == LineStatus.Line)
            {
                lines.Add(Encoding.ASCII.GetString(line));
            }

            Assert.Equal(["EHLO a", "MAIL FROM:<x@y.fr>", "RCPT TO:<z@y.fr>"], lines);
            Assert.Equal("DA", Encoding.ASCII.GetString(seq));
        }
    }

    [Fact]
    public void Reports_a_line_over_the_limit_then_drains_it()
    {
        var seq = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('A', 600) + "\r\nNOOP\r\n"));
        Assert.Equal(LineStatus.TooLong, LineReader.TryReadLine(ref seq, 512, out _));
        Assert.True(LineReader.TryDrainLine(ref seq));
        Assert.Equal(LineStatus.Line, LineReader.TryReadLine(ref seq, 512, out var line));
        Assert.Equal("NOOP", Encoding.ASCII.GetString(line));
    }

    [Fact]
    public void Writes_multi_line_replies_with_enhanced_codes_on_every_line()
    {
        var bytes = ReplyWriter.ToBytes(new SmtpReply(250, "2.0.0", ["first", "second"]));
        Assert.Equal("250-2.0.0 first\r\n250 2.0.0 second\r\n", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void A_reply_text_cannot_inject_a_line()
    {
        var bytes = ReplyWriter.ToBytes(new SmtpReply(550, "5.1.1", "bad\r\n250 ok"));
        Assert.Equal("550 5.1.1 bad250 ok\r\n", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Parses_a_multi_line_reply_split_anywhere()
    {
        var bytes = "250-mx.example Hello\r\n250-PIPELINING\r\n250 2.0.0 SIZE 1000\r\n"u8.ToArray();
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var seq = Split.At(bytes, cut);
            Assert.True(ReplyParser.TryParse(ref seq, out var reply, out var error), error);
            Assert.Equal(250, reply!.Code);
            Assert.Equal(3, reply.Lines.Count);
            Assert.Equal(0, seq.Length);
        }

        var partial = new ReadOnlySequence<byte>("250-a\r\n250-b\r\n"u8.ToArray());
        Assert.False(ReplyParser.TryParse(ref partial, out _, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Reads_the_enhanced_code_of_a_reply()
    {
        var seq = new ReadOnlySequence<byte>("550 5.7.1 Relaying denied\r\n"u8.ToArray());
        Assert.True(ReplyParser.TryParse(ref seq, out var reply, out _));
        Assert.Equal("5.7.1", reply!.Enhanced);
        Assert.Equal("Relaying denied", reply.Text);
    }

    [Fact]
    public void Dot_stuffing_round_trips_through_the_receiver_and_normalises_line_ends()
    {
        var original = "Subject: t\r\n\r\n.one\r\ntwo\nthree\r..four"u8.ToArray();
        var stuffed = new ArrayBufferWriter<byte>();
        DotStuffer.Write(original, stuffed);
        var wire = Encoding.ASCII.GetString(stuffed.WrittenSpan);
        Assert.Equal("Subject: t\r\n\r\n..one\r\ntwo\r\nthree\r\n...four\r\n.\r\n", wire);

        var receiver = new DataReceiver(10_000);
        var back = new ArrayBufferWriter<byte>();
        Assert.Equal(DataStatus.Complete, receiver.Feed(new ReadOnlySequence<byte>(stuffed.WrittenMemory), back, out _));
        Assert.Equal("Subject: t\r\n\r\n.one\r\ntwo\r\nthree\r\n..four\r\n", Encoding.ASCII.GetString(back.WrittenSpan));
    }

    [Theory]
    [InlineData(SmtpState.Connected, SmtpVerb.Mail, false)]
    [InlineData(SmtpState.Ready, SmtpVerb.Rcpt, false)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.Data, false)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Data, true)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.StartTls, false)]
    [InlineData(SmtpState.Ready, SmtpVerb.StartTls, true)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Ehlo, true)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.Bdat, false)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Bdat, true)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.BdatLast, true)]
    [InlineData(SmtpState.InBdat, SmtpVerb.Bdat, true)]
    [InlineData(SmtpState.InBdat, SmtpVerb.BdatLast, true)]
    [InlineData(SmtpState.InBdat, SmtpVerb.Data, false)]
    [InlineData(SmtpState.InBdat, SmtpVerb.Mail, false)]
    [InlineData(SmtpState.InBdat, SmtpVerb.Rcpt, false)]
    [InlineData(SmtpState.InBdat, SmtpVerb.Rset, true)]
    [InlineData(SmtpState.Ready, SmtpVerb.Bdat, false)]
    public void The_state_table_orders_commands(SmtpState state, SmtpVerb verb, bool allowed) =>
        Assert.Equal(allowed, SmtpStateTable.TryAccept(state, verb, out _));

    [Theory]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Bdat, SmtpState.InBdat)]
    [InlineData(SmtpState.InBdat, SmtpVerb.BdatLast, SmtpState.Ready)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.BdatLast, SmtpState.Ready)]
    [InlineData(SmtpState.InBdat, SmtpVerb.Rset, SmtpState.Ready)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Data, SmtpState.Ready)]
    public void BDAT_chunks_stay_in_the_transaction_until_LAST_RFC3030(SmtpState state, SmtpVerb verb, SmtpState next)
    {
        Assert.True(SmtpStateTable.TryAccept(state, verb, out var actual));
        Assert.Equal(next, actual);
    }
}
