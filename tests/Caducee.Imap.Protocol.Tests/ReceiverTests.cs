// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>The receiver: lines, literals, limits, IDLE and SASL lines, split at every byte (issue 6 point 1).</summary>
public class ReceiverTests
{
    // A representative session: literal login, fetch with a bracketed section, MULTIAPPEND with a
    // non-synchronizing literal and a literal8 holding NUL, IDLE/DONE, AUTHENTICATE with a continuation
    // line, a nested search with a UTF-8 literal, an empty line between commands, and NOOP.
    private const string Session =
        "A1 LOGIN \"dr dupont\" {6}\r\nsecret\r\n"
        + "A2 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM \"X-Id\")]<0.2048>)\r\n"
        + "A3 APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {12+}\r\nHello\r\nWorld ~{3+}\r\na\0b\r\n"
        + "A4 IDLE\r\nDONE\r\n"
        + "A5 AUTHENTICATE PLAIN\r\nAGRyAHNlY3JldA==\r\n"
        + "A6 SEARCH CHARSET UTF-8 OR (FROM \"x\\\"y\" SUBJECT {5+}\r\nété) NOT SEEN\r\n"
        + "\r\n"
        + "A7 NOOP\r\n";

    private static readonly string[] s_expected =
    [
        "NeedContinuation",
        "REQ A1 LOGIN \"dr dupont\" {736563726574}",
        "REQ A2 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM \"X-Id\")]<0.2048>)",
        "REQ A3 APPEND INBOX (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {48656C6C6F0D0A576F726C64} ~{610062}",
        "REQ A4 IDLE ",
        "IdleDone",
        "REQ A5 AUTHENTICATE PLAIN",
        "LINE AGRyAHNlY3JldA==",
        "REQ A6 SEARCH CHARSET UTF-8 OR (FROM \"x\"y\" SUBJECT {C3A974C3A9}) NOT SEEN",
        "REQ A7 NOOP ",
    ];

    [Fact]
    public void A_session_is_assembled_in_one_read()
    {
        var results = Wire.Drive(new ImapReceiver(), [new ReadOnlySequence<byte>(Wire.Bytes(Session))]);
        Assert.Equal(s_expected, results.Select(Wire.Render));
    }

    [Fact]
    public void A_session_split_at_every_byte_gives_the_same_results()
    {
        var bytes = Wire.Bytes(Session);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            // One read of a two-segment sequence, then two reads.
            var oneRead = Wire.Drive(new ImapReceiver(), [Split.At(bytes, cut)]);
            Assert.Equal(s_expected, oneRead.Select(Wire.Render));
            var twoReads = Wire.Drive(new ImapReceiver(), [new ReadOnlySequence<byte>(bytes, 0, cut), new ReadOnlySequence<byte>(bytes, cut, bytes.Length - cut)]);
            Assert.Equal(s_expected, twoReads.Select(Wire.Render));
        }
    }

    [Fact]
    public void A_session_fed_one_byte_at_a_time_gives_the_same_results()
    {
        var bytes = Wire.Bytes(Session);
        Assert.Equal(s_expected, Wire.Feed(new ImapReceiver(), bytes, 1).Select(Wire.Render));
        var everyByte = Enumerable.Range(1, bytes.Length - 1).ToArray();
        Assert.Equal(s_expected, Wire.Drive(new ImapReceiver(), [Split.At(bytes, everyByte)]).Select(Wire.Render));
    }

    // Refusals and draining, whatever the split: a line over the limit ending in a literal, an APPEND
    // over the APPENDLIMIT (synchronizing, then non-synchronizing with a second literal), a literal glued
    // to an atom, and IDLE answered with something other than DONE.
    private const string Refusals =
        "B1 X aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa {3+}\r\nxyz\r\n"
        + "B2 APPEND INBOX {11}\r\n"
        + "B3 APPEND INBOX {11+}\r\nhello world {2+}\r\nB9\r\n"
        + "B4 LOGIN a{2+}\r\nzz\r\n"
        + "B5 IDLE\r\nB6 NOOP\r\n"
        + "B7 NOOP\r\n";

    private static readonly string[] s_refusals =
    [
        "ERR B1 Bad command line too long (limit 64 octets)",
        "ERR B2 No [TOOBIG] message of 11 octets exceeds the APPENDLIMIT of 10 octets",
        "ERR B3 No [TOOBIG] message of 11 octets exceeds the APPENDLIMIT of 10 octets",
        "ERR B4 Bad a literal must follow a space or '('",
        "REQ B5 IDLE ",
        "ERR  Bad expected DONE to end IDLE",
        "REQ B7 NOOP ",
    ];

    [Fact]
    public void Refusals_and_draining_split_at_every_byte_give_the_same_results()
    {
        var bytes = Wire.Bytes(Refusals);
        ImapReceiver Make() => new(new ImapReceiverOptions { MaxLineLength = 64 }) { AppendLimit = 10 };
        Assert.Equal(s_refusals, Wire.Drive(Make(), [new ReadOnlySequence<byte>(bytes)]).Select(Wire.Render));
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(s_refusals, Wire.Drive(Make(), [Split.At(bytes, cut)]).Select(Wire.Render));
            Assert.Equal(s_refusals, Wire.Drive(Make(), [new ReadOnlySequence<byte>(bytes, 0, cut), new ReadOnlySequence<byte>(bytes, cut, bytes.Length - cut)]).Select(Wire.Render));
        }

        Assert.Equal(s_refusals, Wire.Feed(Make(), bytes, 1).Select(Wire.Render));
    }

    [Fact]
    public void Tokens_are_bytes_and_strings_are_made_late()
    {
        var request = Wire.Request("A1 LOGIN {5+}\r\n\u00e9t\u00e9 \"a\\\\b\"\r\n");
        Assert.Equal(ImapTokenKind.Literal, request.Arguments[0].Kind);
        Assert.Equal(Encoding.UTF8.GetBytes("\u00e9t\u00e9"), request.Arguments[0].Data.ToArray());
        Assert.Equal("\u00e9t\u00e9", request.Arguments[0].Text);
        Assert.Equal("a\\b", request.Arguments[1].Text);
        Assert.True(request.Arguments[0].TryGetUtf8(out _));
    }

    [Fact]
    public void Invalid_UTF8_stays_invalid_even_after_Text_was_read()
    {
        var bytes = Encoding.ASCII.GetBytes("A1 X {2+}\r\n__\r\n");
        bytes[11] = 0xC3;
        bytes[12] = 0x28;
        var token = Assert.Single(Wire.Feed(new ImapReceiver(), bytes, 100)).Request!.Arguments[0];
        Assert.Equal("\ufffd(", token.Text);
        Assert.False(token.TryGetUtf8(out _));
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted_whatever_the_split()
    {
        var line = "A1 NOOP " + new string('x', 56);
        Assert.Equal(64, line.Length);
        var bytes = Wire.Bytes(line + "\r\n");
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var results = Wire.Drive(new ImapReceiver(new ImapReceiverOptions { MaxLineLength = 64 }), [new ReadOnlySequence<byte>(bytes, 0, cut), new ReadOnlySequence<byte>(bytes, cut, bytes.Length - cut)]);
            Assert.True(ReceiveStatus.Request == Assert.Single(results).Status, $"cut at {cut}: {Wire.Render(results[0])}");
        }

        var over = Wire.Feed(new ImapReceiver(new ImapReceiverOptions { MaxLineLength = 64 }), line + "y\r\n");
        Assert.Equal(ReceiveStatus.Error, Assert.Single(over).Status);
    }

    [Fact]
    public void Requests_and_tokens_never_print_their_strings()
    {
        var request = Wire.Request("A1 LOGIN user {6}\r\nsecret\r\n");
        Assert.DoesNotContain("secret", request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("user", request.ToString(), StringComparison.Ordinal);
        Assert.Equal("{6}", request.Arguments[1].ToString());
        Assert.Equal("\"…\"", Wire.Request("A1 LOGIN \"x\" \"secret\"\r\n").Arguments[1].ToString());
    }

    [Fact]
    public void NIL_is_its_own_kind_but_a_quoted_NIL_is_a_string()
    {
        var request = Wire.Request("A1 X nil \"NIL\" (NIL)\r\n");
        Assert.Equal(ImapTokenKind.Nil, request.Arguments[0].Kind);
        Assert.Equal(ImapTokenKind.Quoted, request.Arguments[1].Kind);
        Assert.Equal(ImapTokenKind.Nil, request.Arguments[2].Children[0].Kind);
    }

    [Fact]
    public void Brackets_stay_in_the_atom_only_after_fetch_attributes()
    {
        var request = Wire.Request("A1 X BINARY.PEEK[1.2]<0.10> [Gmail]/Sent foo[bar baz\r\n");
        Assert.Equal(["BINARY.PEEK[1.2]<0.10>", "[Gmail]/Sent", "foo[bar", "baz"], request.Arguments.Select(a => a.Text));
    }

    [Fact]
    public void A_literal_announcement_inside_an_open_quoted_string_is_text()
    {
        var results = Wire.Feed(new ImapReceiver(), "A1 SELECT \"box {5}\r\nA2 NOOP\r\n");
        Assert.Equal(["ERR A1 Bad unterminated quoted string", "REQ A2 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void A_quoted_string_ending_in_a_brace_is_text()
    {
        var request = Wire.Request("A1 SELECT \"box {5}\"\r\n");
        Assert.Equal("box {5}", request.Arguments[0].Text);
    }

    [Fact]
    public void A_non_synchronizing_literal_needs_no_continuation_LITERAL_PLUS()
    {
        var results = Wire.Feed(new ImapReceiver(), "A1 LOGIN {4+}\r\nuser {4+}\r\npass\r\n");
        var request = Assert.Single(results).Request!;
        Assert.Equal(["user", "pass"], request.Arguments.Select(a => a.Value));
    }

    [Fact]
    public void A_zero_length_literal_is_an_empty_string()
    {
        var results = Wire.Feed(new ImapReceiver(), "A1 LOGIN {0}\r\n {0+}\r\n\r\n");
        Assert.Equal(ReceiveStatus.NeedContinuation, results[0].Status);
        Assert.Equal(["", ""], results[1].Request!.Arguments.Select(a => a.Value));
    }

    [Fact]
    public void A_too_big_synchronizing_literal_is_refused_before_any_data()
    {
        var results = Wire.Feed(new ImapReceiver(maxLiteralSize: 1024), "A1 APPEND INBOX {2000000000}\r\nA2 NOOP\r\n");
        Assert.Equal(2, results.Count);
        Assert.Equal(ReceiveStatus.Error, results[0].Status);
        Assert.Equal("A1", results[0].Tag);
        Assert.Equal(ImapStatus.No, results[0].ErrorStatus);
        Assert.Equal("TOOBIG", results[0].Code);
        Assert.StartsWith("[TOOBIG] message of 2000000000 octets", results[0].Error, StringComparison.Ordinal);
        Assert.Equal("NOOP", results[1].Request!.Command);
    }

    [Fact]
    public void An_APPEND_over_the_APPENDLIMIT_gets_NO_TOOBIG_before_its_data_RFC7889()
    {
        var receiver = new ImapReceiver { AppendLimit = 100 };
        var results = Wire.Feed(receiver, "A1 APPEND INBOX (\\Seen) {101}\r\nA2 APPEND INBOX {100}\r\n");
        Assert.Equal("ERR A1 No [TOOBIG] message of 101 octets exceeds the APPENDLIMIT of 100 octets", Wire.Render(results[0]));
        Assert.Equal(ReceiveStatus.NeedContinuation, results[1].Status);
    }

    [Fact]
    public void A_non_synchronizing_APPEND_over_the_APPENDLIMIT_is_drained_then_refused()
    {
        var receiver = new ImapReceiver { AppendLimit = 10 };
        var wire = "A1 APPEND INBOX {20+}\r\n" + new string('x', 20) + "\r\nA2 NOOP\r\n";
        var results = Wire.Feed(receiver, wire, 3);
        Assert.Equal(["ERR A1 No [TOOBIG] message of 20 octets exceeds the APPENDLIMIT of 10 octets", "REQ A2 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void Other_commands_hold_their_literals_to_the_line_length()
    {
        var results = Wire.Feed(new ImapReceiver(maxLineLength: 100), "A1 LOGIN {101}\r\nA2 NOOP\r\n");
        Assert.Equal("ERR A1 Bad [TOOBIG] literal of 101 octets exceeds the limit of 100 octets for LOGIN", Wire.Render(results[0]));
        Assert.Equal("REQ A2 NOOP ", Wire.Render(results[1]));
    }

    [Fact]
    public void Without_LITERAL_PLUS_a_non_synchronizing_literal_over_4096_is_refused_and_drained_RFC7888()
    {
        var receiver = new ImapReceiver { LiteralPlus = false };
        var wire = "A1 APPEND INBOX {4097+}\r\n" + new string('x', 4097) + "\r\nA2 APPEND INBOX {4096+}\r\n" + new string('y', 4096) + "\r\n";
        var results = Wire.Feed(receiver, wire, 1000);
        Assert.Equal(2, results.Count);
        Assert.Equal(ImapStatus.Bad, results[0].ErrorStatus);
        Assert.Equal("TOOBIG", results[0].Code);
        Assert.Contains("LITERAL-", results[0].Error, StringComparison.Ordinal);
        Assert.Equal(4096, results[1].Request!.Arguments[1].Data.Length);
    }

    [Fact]
    public void A_refused_command_is_drained_through_all_its_non_synchronizing_literals()
    {
        // MULTIAPPEND whose first message is too big: the second literal must not be taken for a command.
        var wire = "A1 APPEND INBOX {3000+}\r\n" + new string('x', 3000) + " {20+}\r\nA9 LOGOUT tricked!\r\n\r\nA2 NOOP\r\n";
        var results = Wire.Feed(new ImapReceiver(maxLiteralSize: 1024), wire, 512);
        Assert.Equal(["ERR A1 No [TOOBIG] message of 3000 octets exceeds the limit of 1024 octets", "REQ A2 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void A_refused_command_ending_with_a_synchronizing_literal_is_answered_at_once()
    {
        var wire = "A1 APPEND INBOX {3000+}\r\n" + new string('x', 3000) + " {20}\r\nA2 NOOP\r\n";
        var results = Wire.Feed(new ImapReceiver(maxLiteralSize: 1024), wire, 512);
        Assert.Equal(["ERR A1 No [TOOBIG] message of 3000 octets exceeds the limit of 1024 octets", "REQ A2 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void A_literal_glued_to_an_atom_is_refused_but_framed()
    {
        var results = Wire.Feed(new ImapReceiver(), "A1 LOGIN user{5+}\r\nA9 X\r\nA2 NOOP\r\n");
        Assert.Equal(["ERR A1 Bad a literal must follow a space or '('", "REQ A2 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void A_line_over_the_limit_is_refused_and_drained()
    {
        var wire = "A1 NOOP " + new string('a', 5000) + "\r\nA2 NOOP\r\n";
        var results = Wire.Feed(new ImapReceiver(maxLineLength: 1024), wire, 700);
        Assert.Equal(ReceiveStatus.Error, results[0].Status);
        Assert.Equal("A1", results[0].Tag);
        Assert.Equal("command line too long (limit 1024 octets)", results[0].Error);
        Assert.Equal("A2", results[1].Request!.Tag);
    }

    [Fact]
    public void A_line_over_the_limit_that_announces_a_literal_drains_the_literal_too()
    {
        var wire = "A1 X " + new string('a', 2000) + " {10+}\r\n0123456789\r\nA2 NOOP\r\n";
        var results = Wire.Feed(new ImapReceiver(maxLineLength: 1024), wire, 100);
        Assert.Equal(["ERR A1 Bad command line too long (limit 1024 octets)", "REQ A2 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void Idle_ends_with_DONE_in_any_case_and_anything_else_is_an_error()
    {
        var receiver = new ImapReceiver();
        var results = Wire.Feed(receiver, "A1 IDLE\r\ndone\r\nA2 IDLE\r\nA3 NOOP\r\nA4 NOOP\r\n");
        Assert.Equal(["REQ A1 IDLE ", "IdleDone", "REQ A2 IDLE ", "ERR  Bad expected DONE to end IDLE", "REQ A4 NOOP "], results.Select(Wire.Render));
    }

    [Fact]
    public void Expectations_are_refused_in_the_middle_of_a_command()
    {
        var receiver = new ImapReceiver();
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes("A1 LOGIN {3}\r\n"));
        Assert.Equal(ReceiveStatus.NeedContinuation, receiver.Feed(ref buffer).Status);
        Assert.False(receiver.IsIdle);
        Assert.Throws<InvalidOperationException>(receiver.ExpectIdleDone);
        receiver.Reset();
        Assert.True(receiver.IsIdle);
    }

    [Theory]
    [InlineData("A1 FETCH (1\r\n", "unbalanced '('")]
    [InlineData("A1 FETCH 1)\r\n", "unbalanced ')'")]
    [InlineData("A1 LOGIN \"open\r\n", "unterminated quoted string")]
    [InlineData("A1 LOGIN \"a\\b\" x\r\n", "invalid escape in quoted string (only \\\" and \\\\ are allowed)")]
    [InlineData("A1 LOGIN a\"b\" x\r\n", "unexpected '\"' inside an atom")]
    [InlineData("A1 LOGIN a\u0001 x\r\n", "control character in command")]
    [InlineData("A1 LOGIN a\rb x\r\n", "control character in command")]
    [InlineData("A1 FETCH 1 BODY[HEADER\r\n", "unterminated '[' in a fetch attribute (a literal cannot appear inside a section)")]
    [InlineData("+ NOOP\r\n", "missing or invalid tag")]
    [InlineData("A*1 NOOP\r\n", "missing or invalid tag")]
    [InlineData("A1\r\n", "missing command")]
    [InlineData("A1 NO(OP\r\n", "invalid command name")]
    [InlineData("A1 UID\r\n", "UID requires a command (FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT, THREAD)")]
    public void Malformed_commands_are_errors_not_exceptions(string wire, string error)
    {
        var result = Assert.Single(Wire.Feed(new ImapReceiver(), wire));
        Assert.Equal(ReceiveStatus.Error, result.Status);
        Assert.Equal(error, result.Error);
        Assert.Equal(ImapStatus.Bad, result.ErrorStatus);
    }

    [Fact]
    public void The_tag_of_a_malformed_command_is_kept_for_the_answer()
    {
        var result = Assert.Single(Wire.Feed(new ImapReceiver(), "A77 FETCH (1\r\n"));
        Assert.Equal("A77", result.Tag);
        var w = new ImapWriter();
        w.Tagged(result);
        Assert.Equal("A77 BAD unbalanced '('\r\n", Encoding.ASCII.GetString(w.Written.Span));
    }
}
