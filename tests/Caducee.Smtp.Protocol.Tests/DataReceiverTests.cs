// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Smtp.Protocol.Parsing;

namespace Caducee.Smtp.Protocol.Tests;

public class DataReceiverTests
{
    private static (DataStatus Status, string Content, long Consumed, DataReceiver Receiver) Feed(string wire, long max = 1_000_000, params int[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        var receiver = new DataReceiver(max);
        var output = new ArrayBufferWriter<byte>();
        var seq = Split.At(bytes, cuts);
        var status = receiver.Feed(seq, output, out var consumed);
        return (status, Encoding.UTF8.GetString(output.WrittenSpan), seq.Slice(0, consumed).Length, receiver);
    }

    [Fact]
    public void Removes_dot_stuffing_and_stops_at_the_terminator_RFC5321_4_5_2()
    {
        var (status, content, consumed, _) = Feed("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n");
        Assert.Equal(DataStatus.Complete, status);
        Assert.Equal("Subject: x\r\n\r\n.leading dot\r\n", content);
        Assert.Equal("Subject: x\r\n\r\n..leading dot\r\n.\r\n".Length, consumed);
    }

    [Fact]
    public void An_empty_message_is_just_the_terminator()
    {
        var (status, content, _, _) = Feed(".\r\n");
        Assert.Equal(DataStatus.Complete, status);
        Assert.Equal(string.Empty, content);
    }

    [Fact]
    public void Gives_the_same_result_whatever_the_split_of_the_input()
    {
        const string wire = "A: b\r\n\r\n.x\r\n..\r\nline\r\n\r\n.\r\nNEXT";
        var expected = Feed(wire);
        var length = Encoding.UTF8.GetByteCount(wire);
        for (var i = 1; i < length; i++)
        {
            for (var j = i; j < length; j += 3)
            {
                var got = Feed(wire, 1_000_000, i, j);
                Assert.Equal(expected.Status, got.Status);
                Assert.Equal(expected.Content, got.Content);
                Assert.Equal(expected.Consumed, got.Consumed);
            }
        }
    }

    [Fact]
    public void Accumulates_across_several_feeds()
    {
        var receiver = new DataReceiver(1000);
        var output = new ArrayBufferWriter<byte>();
        Assert.Equal(DataStatus.NeedMoreData, receiver.Feed(new ReadOnlySequence<byte>("hello\r"u8.ToArray()), output, out _));
        Assert.Equal(DataStatus.NeedMoreData, receiver.Feed(new ReadOnlySequence<byte>("\n."u8.ToArray()), output, out _));
        Assert.Equal(DataStatus.Complete, receiver.Feed(new ReadOnlySequence<byte>("\r\n"u8.ToArray()), output, out _));
        Assert.Equal("hello\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void A_bare_LF_dot_is_content_not_an_end_of_data_no_smuggling()
    {
        var (status, content, _, receiver) = Feed("a\n.\nMAIL FROM:<evil@x>\r\n.\r\n");
        Assert.Equal(DataStatus.Complete, status);
        Assert.Contains("MAIL FROM:<evil@x>", content, StringComparison.Ordinal);
        Assert.True(receiver.SawBareLineEnding);
    }

    [Fact]
    public void Caps_the_size_while_reading_and_drains_the_rest()
    {
        var big = new string('x', 5000);
        var (status, content, _, receiver) = Feed($"{big}\r\n.\r\n", max: 1000);
        Assert.Equal(DataStatus.Complete, status);
        Assert.True(receiver.TooLarge);
        Assert.True(content.Length <= 1000);
        Assert.Equal(5002, receiver.Size);
    }
}

/// <summary>RFC 5321 §4.5.3.1.6: text lines of at most 1000 octets including CRLF, drained past the limit.</summary>
public class DataLineLimitTests
{
    private static (DataStatus Status, DataReceiver Receiver, long Consumed, int Written) Feed(string wire, int maxLine, params int[] cuts)
    {
        var bytes = Encoding.ASCII.GetBytes(wire);
        var receiver = new DataReceiver(1_000_000, maxLine);
        var output = new ArrayBufferWriter<byte>();
        var seq = Split.At(bytes, cuts);
        var status = receiver.Feed(seq, output, out var consumed);
        return (status, receiver, seq.Slice(0, consumed).Length, output.WrittenCount);
    }

    [Theory]
    [InlineData(998, false)] // 998 + CRLF = 1000: the longest line allowed
    [InlineData(999, true)]
    public void A_line_of_1000_octets_with_CRLF_passes_and_1001_does_not(int textLength, bool tooLong)
    {
        var (status, receiver, _, _) = Feed($"Subject: x\r\n\r\n{new string('a', textLength)}\r\n.\r\n", 1000);
        Assert.Equal(DataStatus.Complete, status);
        Assert.Equal(tooLong, receiver.LineTooLong);
    }

    [Fact]
    public void A_long_line_is_drained_to_the_terminator_whatever_the_split()
    {
        var wire = $"a\r\n{new string('x', 40)}\r\nb\r\n.\r\nQUIT\r\n";
        var terminatorEnd = wire.IndexOf("QUIT", StringComparison.Ordinal);
        for (var i = 1; i < wire.Length; i++)
        {
            var (status, receiver, consumed, written) = Feed(wire, 20, i);
            Assert.Equal(DataStatus.Complete, status);
            Assert.True(receiver.LineTooLong);
            Assert.Equal(terminatorEnd, consumed);
            // "a\r\n", then at most what fits in a line (split reads may keep part of it), never past the limit.
            Assert.InRange(written, 3, 3 + 19);
            Assert.Equal(3, Feed(wire, 20).Written);
        }
    }

    [Fact]
    public void Bare_LF_ends_a_line_for_counting()
    {
        var unixLines = string.Join('\n', Enumerable.Repeat(new string('y', 15), 10));
        var (_, receiver, _, _) = Feed($"{unixLines}\r\n.\r\n", 20);
        Assert.False(receiver.LineTooLong);
    }

    [Fact]
    public void No_limit_when_zero()
    {
        var (_, receiver, _, written) = Feed($"{new string('z', 100_000)}\r\n.\r\n", 0);
        Assert.False(receiver.LineTooLong);
        Assert.Equal(100_002, written);
    }
}
