// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Smtp.Protocol.Parsing;

namespace Caducee.Smtp.Protocol.Tests;

/// <summary>BDAT chunk reading (RFC 3030 §2): exactly N octets, whatever they contain, split anywhere.</summary>
public class ChunkReceiverTests
{
    private static (DataStatus Status, byte[] Content, long Consumed) Feed(ChunkReceiver receiver, byte[] wire, params int[] cuts)
    {
        var output = new ArrayBufferWriter<byte>();
        var seq = Split.At(wire, cuts);
        var status = receiver.Feed(seq, output, out var consumed);
        return (status, output.WrittenSpan.ToArray(), seq.Slice(0, consumed).Length);
    }

    [Fact]
    public void Takes_exactly_the_announced_octets_and_leaves_the_next_command()
    {
        // Dot-stuffing, CRLF.CRLF and NUL mean nothing inside a chunk.
        var payload = "a\r\n.\r\n\0b"u8.ToArray();
        var wire = payload.Concat("BDAT 3 LAST\r\n"u8.ToArray()).ToArray();
        var receiver = new ChunkReceiver(1000);
        receiver.StartChunk(payload.Length, discard: false);
        var (status, content, consumed) = Feed(receiver, wire);
        Assert.Equal(DataStatus.Complete, status);
        Assert.Equal(payload, content);
        Assert.Equal(payload.Length, consumed);
        Assert.Equal(payload.Length, receiver.Size);
        Assert.Equal(0, receiver.Remaining);
    }

    [Fact]
    public void Gives_the_same_result_whatever_the_split_of_the_input()
    {
        var payload = Encoding.UTF8.GetBytes("Subject: é\r\n\r\n.x\r\n.\r\nbinary\0\xff".Replace("\xff", "ÿ", StringComparison.Ordinal));
        var wire = payload.Concat("QUIT\r\n"u8.ToArray()).ToArray();
        for (var i = 0; i <= wire.Length; i++)
        {
            for (var j = i; j <= wire.Length; j += 2)
            {
                var receiver = new ChunkReceiver(1000);
                receiver.StartChunk(payload.Length, discard: false);
                var (status, content, consumed) = Feed(receiver, wire, i, j);
                Assert.Equal(DataStatus.Complete, status);
                Assert.Equal(payload, content);
                Assert.Equal(payload.Length, consumed);
            }
        }
    }

    [Fact]
    public void Accumulates_one_chunk_over_several_reads_split_at_every_byte()
    {
        var payload = "0123456789abcdef"u8.ToArray();
        for (var cut = 1; cut < payload.Length; cut++)
        {
            var receiver = new ChunkReceiver(1000);
            receiver.StartChunk(payload.Length, discard: false);
            var output = new ArrayBufferWriter<byte>();
            Assert.Equal(DataStatus.NeedMoreData, receiver.Feed(new ReadOnlySequence<byte>(payload, 0, cut), output, out _));
            Assert.Equal(payload.Length - cut, receiver.Remaining);
            Assert.Equal(DataStatus.Complete, receiver.Feed(new ReadOnlySequence<byte>(payload, cut, payload.Length - cut), output, out _));
            Assert.Equal(payload, output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Several_chunks_make_one_message_and_the_size_is_capped_while_reading()
    {
        var receiver = new ChunkReceiver(10);
        var output = new ArrayBufferWriter<byte>();
        receiver.StartChunk(6, discard: false);
        Assert.Equal(DataStatus.Complete, receiver.Feed(new ReadOnlySequence<byte>("123456"u8.ToArray()), output, out _));
        Assert.False(receiver.TooLarge);
        receiver.StartChunk(6, discard: false);
        // Known at once: 6 + 6 > 10. Nothing of the second chunk is kept, but all of it is consumed.
        Assert.True(receiver.TooLarge);
        var (status, _, consumed) = Feed(receiver, "abcdefNEXT"u8.ToArray());
        Assert.Equal(DataStatus.Complete, status);
        Assert.Equal(6, consumed);
        Assert.Equal("123456", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void A_huge_announced_chunk_is_refused_before_any_byte_is_kept()
    {
        var receiver = new ChunkReceiver(1000);
        receiver.StartChunk(long.MaxValue, discard: false);
        Assert.True(receiver.TooLarge);
        var (status, content, consumed) = Feed(receiver, new byte[5000]);
        Assert.Equal(DataStatus.NeedMoreData, status);
        Assert.Empty(content);
        Assert.Equal(5000, consumed);
        Assert.Equal(long.MaxValue - 5000, receiver.Remaining);
    }

    [Fact]
    public void A_discarded_chunk_is_consumed_but_neither_kept_nor_counted()
    {
        var receiver = new ChunkReceiver(1000);
        receiver.StartChunk(4, discard: true);
        var (status, content, consumed) = Feed(receiver, "DATARSET\r\n"u8.ToArray());
        Assert.Equal(DataStatus.Complete, status);
        Assert.Empty(content);
        Assert.Equal(4, consumed);
        Assert.Equal(0, receiver.Size);
        Assert.False(receiver.TooLarge);
    }

    [Fact]
    public void A_zero_length_chunk_is_complete_at_once()
    {
        var receiver = new ChunkReceiver(1000);
        receiver.StartChunk(0, discard: false);
        var (status, content, consumed) = Feed(receiver, "QUIT\r\n"u8.ToArray());
        Assert.Equal(DataStatus.Complete, status);
        Assert.Empty(content);
        Assert.Equal(0, consumed);
    }
}

/// <summary>RFC 5321 §4.5.3.1.6 applies to BDAT content too (7BIT, 8BITMIME): lines run across chunks.</summary>
public class ChunkLineLimitTests
{
    [Fact]
    public void A_line_over_the_limit_is_found_across_chunks_and_splits()
    {
        var first = "ok line\r\n0123456789"u8.ToArray();
        var second = "0123456789\r\nmore\r\n"u8.ToArray();
        for (var cut = 0; cut <= second.Length; cut++)
        {
            var receiver = new ChunkReceiver(1000, maxLineLength: 20);
            var output = new ArrayBufferWriter<byte>();
            receiver.StartChunk(first.Length, discard: false);
            Assert.Equal(DataStatus.Complete, receiver.Feed(new ReadOnlySequence<byte>(first), output, out _));
            Assert.False(receiver.LineTooLong); // 10 octets so far on that line
            receiver.StartChunk(second.Length, discard: false);
            Assert.Equal(DataStatus.Complete, receiver.Feed(Split.At(second, cut), output, out _));
            Assert.True(receiver.LineTooLong); // 10 + 10 + CRLF = 22 > 20
        }
    }

    [Fact]
    public void Lines_at_the_limit_pass()
    {
        var receiver = new ChunkReceiver(1000, maxLineLength: 20);
        var wire = "012345678901234567\r\n012345678901234567\n"u8.ToArray();
        receiver.StartChunk(wire.Length, discard: false);
        var output = new ArrayBufferWriter<byte>();
        receiver.Feed(new ReadOnlySequence<byte>(wire), output, out _);
        Assert.False(receiver.LineTooLong);
        Assert.Equal(wire, output.WrittenSpan.ToArray());
    }
}
