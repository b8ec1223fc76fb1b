// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>Large APPEND literals streamed to a sink instead of memory (issue 6 point 1, receiver).</summary>
public class LiteralSinkTests
{
    private sealed class HashingSink : IImapLiteralSink
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Written { get; private set; }

        public bool Aborted { get; private set; }

        public void Write(ReadOnlySpan<byte> data)
        {
            _hash.AppendData(data);
            Written += data.Length;
        }

        public void Abort() => Aborted = true;

        public byte[] Hash() => _hash.GetHashAndReset();
    }

    private static (ImapReceiver Receiver, List<(LiteralAnnouncement Announcement, HashingSink Sink)> Sinks) Make()
    {
        var sinks = new List<(LiteralAnnouncement, HashingSink)>();
        var receiver = new ImapReceiver { SinkThreshold = 1000 };
        receiver.LiteralSinkFactory = a =>
        {
            var sink = new HashingSink();
            sinks.Add((a, sink));
            return sink;
        };
        return (receiver, sinks);
    }

    [Fact]
    public void A_large_APPEND_goes_to_the_sink_in_constant_memory()
    {
        var (receiver, sinks) = Make();
        var message = new byte[3 * 1024 * 1024];
        new Random(6).NextBytes(message);
        message.AsSpan().Replace((byte)0, (byte)1);
        var head = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes($"A1 APPEND INBOX (\\Seen) {{{message.Length}}}\r\n"));
        Assert.Equal(ReceiveStatus.NeedContinuation, receiver.Feed(ref head).Status);

        var statuses = new List<ReceiveStatus>();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var offset = 0; offset < message.Length; offset += 65536)
        {
            var chunk = new ReadOnlySequence<byte>(message, offset, 65536);
            statuses.Add(receiver.Feed(ref chunk).Status);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 256 * 1024, $"3 MiB through a sink allocated {allocated} bytes");
        Assert.All(statuses, s => Assert.Equal(ReceiveStatus.NeedMoreData, s));

        var tail = new ReadOnlySequence<byte>("\r\n"u8.ToArray());
        var request = receiver.Feed(ref tail).Request!;
        var append = Assert.IsType<AppendCommand>(ImapCommandParser.Parse(request).Command);
        var (announcement, sink) = Assert.Single(sinks);
        Assert.Equal(new LiteralAnnouncement("A1", "APPEND", message.Length, false), announcement);
        Assert.Same(sink, append.Messages[0].Sink);
        Assert.Equal(message.Length, append.Messages[0].Size);
        Assert.True(append.Messages[0].Data.IsEmpty);
        Assert.Equal(SHA256.HashData(message), sink.Hash());
        Assert.False(sink.Aborted);
    }

    [Fact]
    public void Small_literals_and_other_commands_stay_in_memory()
    {
        var (receiver, sinks) = Make();
        var results = Wire.Feed(receiver, "A1 APPEND INBOX {999+}\r\n" + new string('x', 999) + "\r\nA2 LOGIN a {1000+}\r\n" + new string('y', 1000) + "\r\n");
        Assert.Empty(sinks);
        var append = Assert.IsType<AppendCommand>(ImapCommandParser.Parse(results[0].Request!).Command);
        Assert.Equal(999, append.Messages[0].Data.Length);
        Assert.Equal(999, append.Messages[0].Size);
    }

    [Fact]
    public void Sinks_of_refused_commands_are_aborted()
    {
        // Refused by the tokenizer after the literal.
        var (receiver, sinks) = Make();
        var results = Wire.Feed(receiver, "A1 APPEND INBOX {1000+}\r\n" + new string('x', 1000) + " )\r\n");
        Assert.Equal(ReceiveStatus.Error, Assert.Single(results).Status);
        Assert.True(Assert.Single(sinks).Sink.Aborted);

        // Refused by a later literal over the limit (MULTIAPPEND).
        (receiver, sinks) = Make();
        receiver.AppendLimit = 1500;
        results = Wire.Feed(receiver, "A1 APPEND INBOX {1000+}\r\n" + new string('x', 1000) + " {2000+}\r\n" + new string('x', 2000) + "\r\n");
        Assert.Equal("TOOBIG", Assert.Single(results).Code);
        Assert.True(Assert.Single(sinks).Sink.Aborted);

        // Refused by the parser.
        (receiver, sinks) = Make();
        results = Wire.Feed(receiver, "A1 APPEND INBOX (\\Recent) {1000+}\r\n" + new string('x', 1000) + "\r\n");
        Assert.False(ImapCommandParser.Parse(results[0].Request!).IsSuccess);
        Assert.True(Assert.Single(sinks).Sink.Aborted);

        // Abandoned halfway (the connection switches to TLS or closes).
        (receiver, sinks) = Make();
        var partial = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("A1 APPEND INBOX {1000+}\r\nabc"));
        Assert.Equal(ReceiveStatus.NeedMoreData, receiver.Feed(ref partial).Status);
        receiver.Reset();
        Assert.True(Assert.Single(sinks).Sink.Aborted);
        Assert.Equal(3, sinks[0].Sink.Written);
    }
}
