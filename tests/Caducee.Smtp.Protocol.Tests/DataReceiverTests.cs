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
