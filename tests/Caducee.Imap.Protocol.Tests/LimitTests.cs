// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>
/// Bad input costs bounded memory and gets a clear answer (issue 6 point 5 and "Bad input"): huge literals
/// announced, endless lines, deep nesting, thousands of tokens and sequence ranges.
/// </summary>
public class LimitTests
{
    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_2GB_synchronizing_literal_announced_costs_nothing()
    {
        var receiver = new ImapReceiver();
        var results = new List<ReceiveResult>();
        var bytes = Encoding.ASCII.GetBytes("A1 APPEND INBOX {2147483648}\r\n");
        var allocated = Allocated(() => results = Wire.Feed(receiver, bytes, bytes.Length));
        Assert.Equal("[TOOBIG] message of 2147483648 octets exceeds the limit of 67108864 octets", Assert.Single(results).Error);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_2GB_non_synchronizing_literal_is_drained_in_constant_memory()
    {
        var receiver = new ImapReceiver();
        var head = Encoding.ASCII.GetBytes("A1 APPEND INBOX {2147483648+}\r\n");
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        var buffer = new ReadOnlySequence<byte>(head);
        Assert.Equal(ReceiveStatus.NeedMoreData, receiver.Feed(ref buffer).Status);
        var statuses = new ReceiveStatus[256];
        var allocated = Allocated(() =>
        {
            for (var i = 0; i < statuses.Length; i++)
            {
                var data = new ReadOnlySequence<byte>(chunk);
                statuses[i] = receiver.Feed(ref data).Status;
            }
        });
        Assert.All(statuses, s => Assert.Equal(ReceiveStatus.NeedMoreData, s));
        Assert.True(allocated < 16 * 1024, $"draining 16 MiB allocated {allocated} bytes");
    }

    [Fact]
    public void An_accepted_literal_grows_with_its_data_not_with_its_announcement()
    {
        var receiver = new ImapReceiver();
        var head = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("A1 APPEND INBOX {60000000}\r\n"));
        long allocated = 0;
        allocated = Allocated(() => Assert.Equal(ReceiveStatus.NeedContinuation, receiver.Feed(ref head).Status));
        Assert.True(allocated < 64 * 1024, $"announcing 60 MB allocated {allocated} bytes");
        var some = new ReadOnlySequence<byte>(new byte[1000]);
        allocated = Allocated(() => receiver.Feed(ref some));
        Assert.True(allocated < 64 * 1024, $"1000 bytes of data allocated {allocated} bytes");
    }

    [Fact]
    public void An_endless_line_is_drained_in_constant_memory_and_answered_once()
    {
        var receiver = new ImapReceiver();
        var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
        var first = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("A1 NOOP "));
        receiver.Feed(ref first);
        var statuses = new ReceiveStatus[64];
        var allocated = Allocated(() =>
        {
            for (var i = 0; i < statuses.Length; i++)
            {
                var data = new ReadOnlySequence<byte>(chunk);
                statuses[i] = receiver.Feed(ref data).Status;
            }
        });
        Assert.All(statuses, s => Assert.Equal(ReceiveStatus.NeedMoreData, s));
        Assert.True(allocated < 256 * 1024, $"4 MiB of line allocated {allocated} bytes");
        var end = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("\r\nA2 NOOP\r\n"));
        var error = receiver.Feed(ref end);
        Assert.Equal(("A1", "command line too long (limit 65536 octets)"), (error.Tag, error.Error));
        Assert.Equal("NOOP", receiver.Feed(ref end).Request!.Command);
    }

    [Fact]
    public void Deep_nesting_is_refused_and_the_next_command_works()
    {
        var wire = "A1 FETCH 1 " + new string('(', 1000) + new string(')', 1000) + "\r\nA2 NOOP\r\n";
        var results = Wire.Feed(new ImapReceiver(), wire);
        Assert.Equal("ERR A1 Bad lists nested too deeply (limit 32)", Wire.Render(results[0]));
        Assert.Equal("REQ A2 NOOP ", Wire.Render(results[1]));
    }

    [Fact]
    public void Too_many_arguments_are_refused()
    {
        var wire = "A1 FETCH 1 (" + string.Concat(Enumerable.Repeat("FLAGS ", 10_001)) + ")\r\n";
        var result = Assert.Single(Wire.Feed(new ImapReceiver(), wire));
        Assert.Equal("too many arguments (limit 10000)", result.Error);
    }

    [Fact]
    public void Too_many_literals_and_too_much_text_are_refused()
    {
        var options = new ImapReceiverOptions { MaxLiterals = 3, MaxLineLength = 100, MaxCommandText = 250 };
        var literals = "A1 X {1+}\r\na {1+}\r\nb {1+}\r\nc {1+}\r\nd\r\nA2 NOOP\r\n";
        Assert.Equal(["ERR A1 Bad too many literals in one command (limit 3)", "REQ A2 NOOP "], Wire.Feed(new ImapReceiver(options), literals).Select(Wire.Render));
        var text = "A1 X " + new string('a', 90) + " {0+}\r\n" + new string('b', 90) + " {0+}\r\n" + new string('c', 90) + "\r\nA2 NOOP\r\n";
        Assert.Equal(["ERR A1 Bad command line too long (limit 250 octets)", "REQ A2 NOOP "], Wire.Feed(new ImapReceiver(options), text).Select(Wire.Render));
        Assert.Throws<ArgumentException>(() => new ImapReceiver(new ImapReceiverOptions { MaxLineLength = 10 }));
    }

    [Fact]
    public void Thousands_of_sequence_ranges_parse_within_the_bound_and_beyond_it_are_BAD()
    {
        var ranges = string.Join(',', Enumerable.Range(0, 10_000).Select(i => (i * 2) + 1));
        var fetch = Wire.Command<FetchCommand>($"A1 UID FETCH {ranges} FLAGS\r\n");
        Assert.Equal(10_000, fetch.Set.Ranges.Count);

        var tooMany = string.Join(',', Enumerable.Range(1, 60_000).Select(i => i % 10 + 1));
        var receiver = new ImapReceiver(new ImapReceiverOptions { MaxLineLength = 1024 * 1024, MaxCommandText = 1024 * 1024 });
        var request = Assert.Single(Wire.Feed(receiver, $"A1 FETCH {tooMany} FLAGS\r\n")).Request!;
        var error = ImapCommandParser.Parse(request).Error!;
        Assert.Equal("FETCH: sequence set: sequence set has too many elements (limit 50000)", error.Text);
        Assert.Equal("FETCH: sequence set: sequence set has too many elements (limit 100)", ImapCommandParser.Parse(request, new ImapParserOptions { MaxSequenceRanges = 100 }).Error!.Text);
    }

    [Fact]
    public void Garbage_never_throws()
    {
        var random = new Random(6);
        var receiver = new ImapReceiver(new ImapReceiverOptions { MaxLineLength = 256, MaxLiteralSize = 512 });
        var parsed = 0;
        for (var round = 0; round < 2000; round++)
        {
            var length = random.Next(1, 200);
            var bytes = new byte[length];
            for (var i = 0; i < length; i++)
            {
                // Mostly protocol characters, so the parser gets deep.
                var alphabet = "A1 FETCH UID SEARCH ( ) [ ] { } + ~ \" \\ * % $ : , < > . 0 9 BODY[ NIL \r\n\r\n"u8;
                bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            var data = new ReadOnlySequence<byte>(bytes);
            while (true)
            {
                var result = receiver.Feed(ref data);
                if (result.Status == ReceiveStatus.NeedMoreData)
                {
                    break;
                }

                if (result.Request is { } request)
                {
                    var outcome = ImapCommandParser.Parse(request);
                    Assert.True(outcome.IsSuccess || outcome.Error!.Text.Length > 0);
                    parsed++;
                }
            }
        }

        Assert.True(parsed > 0);
    }
}
