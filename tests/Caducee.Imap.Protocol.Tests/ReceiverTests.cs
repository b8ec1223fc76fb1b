// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Tests;

public class ReceiverTests
{
    /// <summary>Feeds the input in chunks of <paramref name="chunk"/> bytes; collects every result.</summary>
    private static List<ReceiveResult> FeedInChunks(ImapReceiver receiver, string wire, int chunk)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        var results = new List<ReceiveResult>();
        var pending = Array.Empty<byte>();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            pending = [.. pending, .. bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)).ToArray()];
            var seq = new ReadOnlySequence<byte>(pending);
            while (true)
            {
                var r = receiver.Feed(ref seq);
                if (r.Status == ReceiveStatus.NeedMoreData)
                {
                    break;
                }

                results.Add(r);
            }

            pending = seq.ToArray();
        }

        return results;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Assembles_commands_whatever_the_chunking(int chunk)
    {
        var results = FeedInChunks(new ImapReceiver(), "A1 LOGIN \"dr dupont\" {6}\r\nsecret\r\nA2 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)])\r\nA3 NOOP\r\n", chunk);
        var requests = results.Where(r => r.Status == ReceiveStatus.Request).Select(r => r.Request!).ToList();
        Assert.Equal(3, requests.Count);
        Assert.Equal(1, results.Count(r => r.Status == ReceiveStatus.NeedContinuation));
        Assert.Equal("LOGIN", requests[0].Command);
        Assert.Equal("dr dupont", requests[0].Arguments[0].Value);
        Assert.Equal(ImapTokenKind.Literal, requests[0].Arguments[1].Kind);
        Assert.Equal("secret", requests[0].Arguments[1].Value);
        Assert.Equal("UID FETCH", requests[1].Command);
        var items = requests[1].Arguments[1];
        Assert.Equal(ImapTokenKind.List, items.Kind);
        Assert.Equal(["FLAGS", "BODY.PEEK[HEADER.FIELDS (FROM TO)]"], items.Children!.Select(c => c.Text));
        Assert.Equal("NOOP", requests[2].Command);
    }

    [Fact]
    public void A_non_synchronizing_literal_needs_no_continuation_LITERAL_PLUS()
    {
        var results = FeedInChunks(new ImapReceiver(), "A1 LOGIN {4+}\r\nuser {4+}\r\npass\r\n", 1000);
        var request = Assert.Single(results).Request!;
        Assert.Equal(["user", "pass"], request.Arguments.Select(a => a.Value));
    }

    [Fact]
    public void A_too_big_synchronizing_literal_is_refused_before_any_data()
    {
        var results = FeedInChunks(new ImapReceiver(maxLiteralSize: 1024), "A1 APPEND INBOX {2000000000}\r\n", 1000);
        var error = Assert.Single(results);
        Assert.Equal(ReceiveStatus.Error, error.Status);
        Assert.Equal("A1", error.Tag);
        Assert.Contains("TOOBIG", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_too_big_non_synchronizing_literal_is_drained_then_refused_and_the_next_command_works()
    {
        var wire = "A1 APPEND INBOX {3000+}\r\n" + new string('x', 3000) + " tail\r\nA2 NOOP\r\n";
        var results = FeedInChunks(new ImapReceiver(maxLiteralSize: 1024), wire, 512);
        Assert.Equal(ReceiveStatus.Error, results[0].Status);
        Assert.Equal("A1", results[0].Tag);
        Assert.Equal("NOOP", results[1].Request!.Command);
    }

    [Fact]
    public void A_line_over_the_limit_is_refused_and_drained()
    {
        var wire = "A1 NOOP " + new string('a', 5000) + "\r\nA2 NOOP\r\n";
        var results = FeedInChunks(new ImapReceiver(maxLineLength: 1024), wire, 700);
        Assert.Equal(ReceiveStatus.Error, results[0].Status);
        Assert.Equal("A2", results[1].Request!.Tag);
    }

    [Theory]
    [InlineData("A1 FETCH (1\r\n", "unbalanced '('")]
    [InlineData("A1 LOGIN \"open\r\n", "unterminated quoted string")]
    [InlineData("+ NOOP\r\n", "missing or invalid tag")]
    [InlineData("A1\r\n", "missing command")]
    public void Malformed_commands_are_errors_not_exceptions(string wire, string error)
    {
        var result = Assert.Single(FeedInChunks(new ImapReceiver(), wire, 1000));
        Assert.Equal(ReceiveStatus.Error, result.Status);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void Sequence_sets_resolve_star_to_the_largest_number()
    {
        Assert.True(SequenceSet.TryParse("1:3,7,10:*", out var set));
        Assert.True(set.Contains(2, 20));
        Assert.False(set.Contains(5, 20));
        Assert.True(set.Contains(15, 20));
        Assert.True(SequenceSet.TryParse("*:4", out var reversed));
        Assert.True(reversed.Contains(5, 6));
        Assert.False(SequenceSet.TryParse("0", out _));
        Assert.False(SequenceSet.TryParse("1,,2", out _));
        Assert.False(SequenceSet.TryParse("01", out _));
    }

    [Fact]
    public void Strings_are_quoted_when_safe_and_literals_otherwise()
    {
        var w = new ImapWriter();
        w.String("a \"b\" \\c").Raw(" ").String("é\r\n").Raw(" ").String(null);
        Assert.Equal("\"a \\\"b\\\" \\\\c\" {4}\r\né\r\n NIL", Encoding.UTF8.GetString(w.Written.Span));
    }

    [Fact]
    public void Tagged_text_cannot_inject_a_line()
    {
        var w = new ImapWriter();
        w.Tagged("A1", "NO", "bad\r\n* OK injected");
        Assert.Equal("A1 NO bad  * OK injected\r\n", Encoding.UTF8.GetString(w.Written.Span));
    }
}
