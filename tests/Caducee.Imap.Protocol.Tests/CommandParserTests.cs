// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>Table tests of the typed commands (issue 6 point 1), with the RFC examples.</summary>
public class CommandParserTests
{
    [Theory]
    [InlineData("a002 CAPABILITY\r\n", typeof(CapabilityCommand), "CAPABILITY")]
    [InlineData("a002 noop\r\n", typeof(NoopCommand), "NOOP")]
    [InlineData("A023 LOGOUT\r\n", typeof(LogoutCommand), "LOGOUT")]
    [InlineData("a001 STARTTLS\r\n", typeof(StartTlsCommand), "STARTTLS")]
    [InlineData("FXXZ CHECK\r\n", typeof(CheckCommand), "CHECK")]
    [InlineData("A341 CLOSE\r\n", typeof(CloseCommand), "CLOSE")]
    [InlineData("A342 UNSELECT\r\n", typeof(UnselectCommand), "UNSELECT")]
    [InlineData("A001 IDLE\r\n", typeof(IdleCommand), "IDLE")]
    [InlineData("A001 NAMESPACE\r\n", typeof(NamespaceCommand), "NAMESPACE")]
    [InlineData("A202 EXPUNGE\r\n", typeof(ExpungeCommand), "EXPUNGE")]
    public void Commands_without_arguments_RFC9051(string wire, Type type, string name)
    {
        var result = Wire.Parse(wire);
        Assert.True(result.IsSuccess);
        Assert.IsType(type, result.Command);
        Assert.Equal(name, result.Command!.Name);
        Assert.Equal(wire.Split(' ')[0], result.Command.Tag);
    }

    [Theory]
    [InlineData("A1 NOOP now\r\n", "NOOP: unexpected argument 'now'")]
    [InlineData("A1 CAPABILITY (x)\r\n", "CAPABILITY: unexpected argument a list")]
    [InlineData("A1 LOGOUT \"x\"\r\n", "LOGOUT: unexpected argument a quoted string")]
    [InlineData("A1 IDLE {1+}\r\nx\r\n", "IDLE: unexpected argument a literal")]
    public void Extra_arguments_are_named_in_the_error(string wire, string error)
    {
        var e = Wire.Error(wire);
        Assert.Equal(ImapStatus.Bad, e.Status);
        Assert.Equal(error, e.Text);
        Assert.Equal("A1", e.Tag);
    }

    [Fact]
    public void Unknown_commands_are_BAD()
    {
        var e = Wire.Error("A1 XYZZY foo\r\n");
        Assert.Equal("unknown command XYZZY", e.Text);
        Assert.Equal("unknown command UID XYZZY", Wire.Error("A1 UID XYZZY 1\r\n").Text);
    }

    [Fact]
    public void LOGIN_takes_two_astrings_and_never_shows_them_RFC9051_6_2_3()
    {
        var login = Wire.Command<LoginCommand>("a001 LOGIN SMITH SESAME\r\n");
        Assert.Equal(("SMITH", "SESAME"), (login.UserName, login.Password));
        var literal = Wire.Command<LoginCommand>("a001 LOGIN \"dr dupont\" {9+}\r\np\u00e4ss w\"d\r\n");
        Assert.Equal(("dr dupont", "p\u00e4ss w\"d"), (literal.UserName, literal.Password));
        Assert.DoesNotContain("SESAME", login.ToString(), StringComparison.Ordinal);

        var extra = Wire.Error("a001 LOGIN user pass word\r\n");
        Assert.Equal("LOGIN: unexpected argument an atom", extra.Text);
        Assert.Equal("LOGIN: missing password", Wire.Error("a001 LOGIN user\r\n").Text);
        Assert.Equal("LOGIN: password must be a string, got a list", Wire.Error("a001 LOGIN user (x)\r\n").Text);
    }

    [Fact]
    public void AUTHENTICATE_with_and_without_initial_response_RFC4959()
    {
        var plain = Wire.Command<AuthenticateCommand>("A1 AUTHENTICATE plain\r\n");
        Assert.Equal("PLAIN", plain.Mechanism);
        Assert.Null(plain.InitialResponse);
        var ir = Wire.Command<AuthenticateCommand>("A1 AUTHENTICATE PLAIN AGZyZWQAdGlnZXI=\r\n");
        Assert.Equal("\0fred\0tiger", Encoding.ASCII.GetString(ir.InitialResponse!));
        Assert.DoesNotContain("AGZy", ir.ToString(), StringComparison.Ordinal);
        Assert.Empty(Wire.Command<AuthenticateCommand>("A1 AUTHENTICATE EXTERNAL =\r\n").InitialResponse!);
        Assert.Equal("AUTHENTICATE: initial response must be base64 or \"=\"", Wire.Error("A1 AUTHENTICATE PLAIN !!!\r\n").Text);
        Assert.Equal("AUTHENTICATE: missing SASL mechanism", Wire.Error("A1 AUTHENTICATE\r\n").Text);
    }

    [Theory]
    [InlineData("*", SaslResponseKind.Cancelled, null)]
    [InlineData("", SaslResponseKind.Data, "")]
    [InlineData("=", SaslResponseKind.Data, "")]
    [InlineData("dGVzdA==", SaslResponseKind.Data, "test")]
    [InlineData("dGVzdA", SaslResponseKind.Invalid, null)]
    [InlineData("not base64!", SaslResponseKind.Invalid, null)]
    public void SASL_continuation_lines_RFC9051_6_2_2(string line, SaslResponseKind kind, string? data)
    {
        var response = SaslResponse.TryParse(Encoding.ASCII.GetBytes(line));
        Assert.Equal(kind, response.Kind);
        Assert.Equal(data, response.Data is null ? null : Encoding.ASCII.GetString(response.Data));
    }

    [Fact]
    public void ENABLE_lists_capabilities_RFC5161()
    {
        var enable = Wire.Command<EnableCommand>("t1 ENABLE condstore X-GOOD-IDEA\r\n");
        Assert.Equal(["CONDSTORE", "X-GOOD-IDEA"], enable.Capabilities);
        Assert.True(enable.EnablesCondStore);
        Assert.False(Wire.Command<EnableCommand>("t2 ENABLE IMAP4rev2 UTF8=ACCEPT\r\n").EnablesCondStore);
        Assert.Equal("ENABLE: missing capability", Wire.Error("t3 ENABLE\r\n").Text);
    }

    [Fact]
    public void SELECT_and_EXAMINE_with_CONDSTORE_and_QRESYNC_RFC7162()
    {
        var select = Wire.Command<SelectCommand>("A142 SELECT INBOX\r\n");
        Assert.Equal(("INBOX", false, false), (select.Mailbox, select.ReadOnly, select.CondStore));
        Assert.Null(select.QResync);
        Assert.Equal("EXAMINE", Wire.Command<SelectCommand>("A932 EXAMINE blurdybloop\r\n").Name);
        Assert.True(Wire.Command<SelectCommand>("A142 SELECT inbox (CONDSTORE)\r\n").EnablesCondStore);

        var q = Wire.Command<SelectCommand>("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n").QResync!;
        Assert.Equal((67890007u, 20050715194045000L), (q.UidValidity, q.ModSeq));
        Assert.Equal("41,43:211,214:541", q.KnownUids!.ToString());
        Assert.Null(q.KnownSequenceSet);

        var full = Wire.Command<SelectCommand>("B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n").QResync!;
        Assert.Equal("5000,7500,9000,9990:9999", full.KnownSequenceSet!.ToString());
        Assert.Equal(13, full.KnownUidSet!.Ranges.Count);

        var noUids = Wire.Command<SelectCommand>("B05 SELECT INBOX (QRESYNC (1 2 (1:2 3:4)))\r\n").QResync!;
        Assert.Null(noUids.KnownUids);
        Assert.Equal("3:4", noUids.KnownUidSet!.ToString());
    }

    [Theory]
    [InlineData("A1 SELECT\r\n", "SELECT: missing mailbox name")]
    [InlineData("A1 SELECT INBOX (FOO)\r\n", "SELECT: unknown parameter 'FOO' (expected CONDSTORE or QRESYNC)")]
    [InlineData("A1 SELECT INBOX (QRESYNC (1))\r\n", "SELECT: missing mod-sequence")]
    [InlineData("A1 SELECT INBOX (QRESYNC (1 0))\r\n", "SELECT: QRESYNC must be given once, as (uidvalidity modseq [known-uids [(known-sequence-set known-uid-set)]])")]
    [InlineData("A1 SELECT INBOX (QRESYNC (0 5))\r\n", "SELECT: UIDVALIDITY must not be 0")]
    [InlineData("A1 SELECT INBOX CONDSTORE\r\n", "SELECT: SELECT parameters must be a parenthesized list, got 'CONDSTORE'")]
    [InlineData("A1 EXAMINE a b\r\n", "EXAMINE: SELECT parameters must be a parenthesized list, got 'b'")]
    public void SELECT_errors(string wire, string error) => Assert.Equal(error, Wire.Error(wire).Text);

    [Fact]
    public void CREATE_with_special_use_RFC6154()
    {
        var create = Wire.Command<CreateCommand>("A003 CREATE owatagusiam/\r\n");
        Assert.Equal("owatagusiam/", create.Mailbox);
        Assert.Empty(create.SpecialUse);
        var special = Wire.Command<CreateCommand>("t1 CREATE \"Important Messages\" (USE (\\Important \\Sent))\r\n");
        Assert.Equal("Important Messages", special.Mailbox);
        Assert.Equal(["\\Important", "\\Sent"], special.SpecialUse);
        Assert.Equal("CREATE: unknown CREATE parameter 'FOO' (only USE is supported)", Wire.Error("t1 CREATE x (FOO (\\Sent))\r\n").Text);
        Assert.Equal("CREATE: a special-use attribute looks like \\Sent, got 'Sent'", Wire.Error("t1 CREATE x (USE (Sent))\r\n").Text);
    }

    [Fact]
    public void Mailbox_commands_RFC9051()
    {
        Assert.Equal("blurdybloop", Wire.Command<DeleteCommand>("A683 DELETE blurdybloop\r\n").Mailbox);
        var rename = Wire.Command<RenameCommand>("A683 RENAME blurdybloop sarasoop\r\n");
        Assert.Equal(("blurdybloop", "sarasoop"), (rename.From, rename.To));
        Assert.Equal("#news.comp.mail.mime", Wire.Command<SubscribeCommand>("A002 SUBSCRIBE #news.comp.mail.mime\r\n").Mailbox);
        Assert.Equal("#news.comp.mail.mime", Wire.Command<UnsubscribeCommand>("A002 UNSUBSCRIBE #news.comp.mail.mime\r\n").Mailbox);
        var lsub = Wire.Command<LsubCommand>("A002 LSUB \"#news.\" \"comp.mail.*\"\r\n");
        Assert.Equal(("#news.", "comp.mail.*"), (lsub.Reference, lsub.Pattern));
        Assert.Equal("RENAME: missing new mailbox name", Wire.Error("A1 RENAME a\r\n").Text);
    }

    [Fact]
    public void Mailbox_names_are_decoded_from_modified_UTF7_RFC3501_5_1_3()
    {
        Assert.Equal("~peter/mail/\u65e5\u672c\u8a9e/\u53f0\u5317", Wire.Command<SelectCommand>("A1 SELECT ~peter/mail/&ZeVnLIqe-/&U,BTFw-\r\n").Mailbox);
        Assert.Equal("Caf\u00e9 & Co", Wire.Command<SelectCommand>("A1 SELECT \"Caf&AOk- &- Co\"\r\n").Mailbox);
        Assert.Equal("INBOX", Wire.Command<SelectCommand>("A1 SELECT iNbOx\r\n").Mailbox);
        Assert.Equal("NIL", Wire.Command<SelectCommand>("A1 SELECT NIL\r\n").Mailbox);
        Assert.Equal("SELECT: mailbox name '&ZeVnLIqe' is not valid modified UTF-7 (RFC 3501 §5.1.3)", Wire.Error("A1 SELECT &ZeVnLIqe\r\n").Text);

        // Raw UTF-8 is tolerated before UTF8=ACCEPT (some clients send it anyway).
        Assert.Equal("Re\u00e7us", Wire.Command<SelectCommand>("A1 SELECT \"Re\u00e7us\"\r\n").Mailbox);
    }

    [Fact]
    public void Mailbox_names_are_UTF8_once_enabled_RFC6855_RFC9051()
    {
        var utf8 = new ImapParserOptions { Utf8MailboxNames = true };
        Assert.Equal("&ZeVnLIqe-", Wire.Command<SelectCommand>("A1 SELECT &ZeVnLIqe-\r\n", utf8).Mailbox);
        Assert.Equal("\u65e5\u672c\u8a9e", Wire.Command<SelectCommand>("A1 SELECT \"\u65e5\u672c\u8a9e\"\r\n", utf8).Mailbox);
        Assert.Equal("a/b", Wire.Command<ListCommand>("A1 LIST \"\" a/b\r\n", utf8).Patterns[0]);
    }

    [Fact]
    public void Invalid_UTF8_in_a_mailbox_name_is_BAD()
    {
        var request = new Receiver.ImapReceiver();
        var bytes = Encoding.ASCII.GetBytes("A1 SELECT {2+}\r\n__\r\n");
        bytes[16] = 0xFF;
        bytes[17] = 0xFE;
        var result = Assert.Single(Wire.Feed(request, bytes, 100));
        var parsed = ImapCommandParser.Parse(result.Request!);
        Assert.Equal("SELECT: mailbox name is not valid UTF-8", parsed.Error!.Text);
    }

    [Fact]
    public void STATUS_items_RFC9051_6_3_11()
    {
        var status = Wire.Command<StatusCommand>("A042 STATUS blurdybloop (UIDNEXT MESSAGES size deleted HIGHESTMODSEQ APPENDLIMIT RECENT UNSEEN UIDVALIDITY DELETED-STORAGE)\r\n");
        Assert.Equal("blurdybloop", status.Mailbox);
        Assert.Equal(
            [StatusItem.UidNext, StatusItem.Messages, StatusItem.Size, StatusItem.Deleted, StatusItem.HighestModSeq, StatusItem.AppendLimit, StatusItem.Recent, StatusItem.Unseen, StatusItem.UidValidity, StatusItem.DeletedStorage],
            status.Items);
        Assert.True(status.EnablesCondStore);
        Assert.Equal("STATUS: at least one status item is needed", Wire.Error("A1 STATUS x ()\r\n").Text);
        Assert.StartsWith("STATUS: unknown status item 'FOO'", Wire.Error("A1 STATUS x (FOO)\r\n").Text, StringComparison.Ordinal);
        Assert.Equal("STATUS: status items must be a parenthesized list, got 'MESSAGES'", Wire.Error("A1 STATUS x MESSAGES\r\n").Text);
    }

    [Fact]
    public void APPEND_with_flags_date_literal8_UTF8_and_MULTIAPPEND()
    {
        var message = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nSubject: afternoon meeting\r\n\r\nHello Joe\r\n";
        var append = Wire.Command<AppendCommand>($"A003 APPEND saved-messages (\\Seen) {{{message.Length}}}\r\n{message}\r\n");
        Assert.Equal("saved-messages", append.Mailbox);
        var m = Assert.Single(append.Messages);
        Assert.Equal(ImapSystemFlags.Seen, m.Flags.System);
        Assert.Null(m.InternalDate);
        Assert.Equal(message, Encoding.ASCII.GetString(m.Data.Span));
        Assert.DoesNotContain("Joe", m.ToString(), StringComparison.Ordinal);

        var multi = Wire.Command<AppendCommand>("A1 APPEND INBOX (\\Seen $Forwarded) \" 7-Feb-1994 21:52:25 -0800\" {3+}\r\nabc \"17-Jul-1996 02:44:25 +0200\" ~{3+}\r\na\0b UTF8 (~{2+}\r\n\u00e9)\r\n");
        Assert.Equal(3, multi.Messages.Count);
        Assert.Equal(["$Forwarded"], multi.Messages[0].Flags.Keywords);
        Assert.Equal(new DateTimeOffset(1994, 2, 7, 21, 52, 25, TimeSpan.FromHours(-8)), multi.Messages[0].InternalDate);
        Assert.Equal(new DateTimeOffset(1996, 7, 17, 2, 44, 25, TimeSpan.FromHours(2)), multi.Messages[1].InternalDate);
        Assert.True(multi.Messages[1].Binary);
        Assert.True(multi.Messages[2].Utf8);
        Assert.Equal("\u00e9", Encoding.UTF8.GetString(multi.Messages[2].Data.Span));
    }

    [Theory]
    [InlineData("A1 APPEND INBOX\r\n", "APPEND: missing message literal")]
    [InlineData("A1 APPEND INBOX \"hello\"\r\n", "APPEND: internal date must be a quoted date-time like \"17-Jul-1996 02:44:25 -0700\", got a quoted string")]
    [InlineData("A1 APPEND INBOX hello\r\n", "APPEND: the message must be a literal ({n}, {n+} or ~{n}), got 'hello'")]
    [InlineData("A1 APPEND INBOX (\\Recent) {1+}\r\nx\r\n", "APPEND: \\Recent cannot be set by a client")]
    [InlineData("A1 APPEND INBOX (\\Bogus) {1+}\r\nx\r\n", "APPEND: unknown system flag '\\Bogus' (expected \\Seen, \\Answered, \\Flagged, \\Deleted or \\Draft)")]
    [InlineData("A1 APPEND INBOX \"31-Feb-2020 00:00:00 +0000\" {1+}\r\nx\r\n", "APPEND: internal date must be a quoted date-time like \"17-Jul-1996 02:44:25 -0700\", got a quoted string")]
    [InlineData("A1 APPEND INBOX {1+}\r\n\0\r\n", "APPEND: the message contains NUL octets; send it as a literal8 (~{n}) if the server advertises BINARY")]
    [InlineData("A1 APPEND INBOX {1+}\r\nx y\r\n", "APPEND: the message must be a literal ({n}, {n+} or ~{n}), got 'y'")]
    public void APPEND_errors(string wire, string error) => Assert.Equal(error, Wire.Error(wire).Text);

    [Fact]
    public void EXPUNGE_and_UID_EXPUNGE_RFC4315()
    {
        Assert.Null(Wire.Command<ExpungeCommand>("A202 EXPUNGE\r\n").Uids);
        var uid = Wire.Command<ExpungeCommand>("A003 UID EXPUNGE 3000:3002\r\n");
        Assert.Equal("UID EXPUNGE", uid.Name);
        Assert.Equal("3000:3002", uid.Uids!.ToString());
        Assert.Equal("UID EXPUNGE: missing UID set", Wire.Error("A1 UID EXPUNGE\r\n").Text);
    }

    [Fact]
    public void COPY_and_MOVE_and_their_UID_forms()
    {
        var copy = Wire.Command<CopyCommand>("A003 COPY 2:4 MEETING\r\n");
        Assert.Equal((false, "2:4", "MEETING"), (copy.Uid, copy.Set.ToString(), copy.Mailbox));
        var move = Wire.Command<MoveCommand>("a UID MOVE 42:69 foo\r\n");
        Assert.Equal(("UID MOVE", true, "42:69", "foo"), (move.Name, move.Uid, move.Set.ToString(), move.Mailbox));
        Assert.Equal("$", Wire.Command<MoveCommand>("a MOVE $ Trash\r\n").Set.ToString());
        Assert.StartsWith("COPY: sequence set: invalid sequence set element '0'", Wire.Error("A1 COPY 0 x\r\n").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void QUOTA_commands_RFC9208()
    {
        Assert.Equal("!partition/sda4", Wire.Command<GetQuotaCommand>("G0001 GETQUOTA \"!partition/sda4\"\r\n").Root);
        Assert.Equal("INBOX", Wire.Command<GetQuotaRootCommand>("G0002 GETQUOTAROOT INBOX\r\n").Mailbox);
        var set = Wire.Command<SetQuotaCommand>("S0000 SETQUOTA \"#user/alice\" (storage 510 MESSAGE 1000)\r\n");
        Assert.Equal([new QuotaLimit("STORAGE", 510), new QuotaLimit("MESSAGE", 1000)], set.Limits);
        Assert.Empty(Wire.Command<SetQuotaCommand>("S1 SETQUOTA \"\" ()\r\n").Limits);
        Assert.Equal("SETQUOTA: resource limit must be a number from 0 to 9223372036854775807, got 'lots'", Wire.Error("S1 SETQUOTA x (STORAGE lots)\r\n").Text);
    }

    [Fact]
    public void ACL_commands_RFC4314()
    {
        Assert.Equal("INBOX", Wire.Command<GetAclCommand>("A002 GETACL INBOX\r\n").Mailbox);
        Assert.Equal("INBOX", Wire.Command<MyRightsCommand>("A003 MYRIGHTS INBOX\r\n").Mailbox);
        var set = Wire.Command<SetAclCommand>("A001 SETACL INBOX/Drafts Chris +cda\r\n");
        Assert.Equal(("INBOX/Drafts", "Chris", "cda", AclModification.Add), (set.Mailbox, set.Identifier, set.Rights, set.Modification));
        Assert.Equal(AclModification.Remove, Wire.Command<SetAclCommand>("A1 SETACL x -Fred -w\r\n").Modification);
        Assert.Equal("-Fred", Wire.Command<SetAclCommand>("A1 SETACL x -Fred -w\r\n").Identifier);
        Assert.Equal("lrswipkxtea", Wire.Command<SetAclCommand>("A1 SETACL x anyone lrswipkxtea\r\n").Rights);
        // RFC 4314 §3.1 example: upper-case rights are refused.
        Assert.Equal("SETACL: unknown right 'Q' (known rights: lrswipkxtea)", Wire.Error("A035 SETACL INBOX/Drafts John lrQswicda\r\n").Text);
        var delete = Wire.Command<DeleteAclCommand>("A002 DELETEACL INBOX Fred\r\n");
        Assert.Equal(("INBOX", "Fred"), (delete.Mailbox, delete.Identifier));
        var list = Wire.Command<ListRightsCommand>("a001 LISTRIGHTS ~/Mail/saved smith\r\n");
        Assert.Equal(("~/Mail/saved", "smith"), (list.Mailbox, list.Identifier));
    }

    [Fact]
    public void ID_RFC2971()
    {
        var id = Wire.Command<IdCommand>("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\" \"os\" NIL)\r\n");
        Assert.Equal(4, id.Parameters!.Count);
        Assert.Equal(new KeyValuePair<string, string?>("vendor", "Pink Floyd Music Limited"), id.Parameters[2]);
        Assert.Null(id.Parameters[3].Value);
        Assert.Null(Wire.Command<IdCommand>("a024 ID NIL\r\n").Parameters);
        Assert.Equal("ID: ID field must be a quoted string or a literal, got 'name'", Wire.Error("a ID (name \"x\")\r\n").Text);
        var tooMany = "a ID (" + string.Join(' ', Enumerable.Range(0, 31).Select(i => $"\"k{i}\" \"v\"")) + ")\r\n";
        Assert.Equal("ID: ID allows 30 pairs, fields of 30 octets and values of 1024 octets (RFC 2971 §3.3)", Wire.Error(tooMany).Text);
    }

    [Fact]
    public void COMPRESS_RFC4978()
    {
        Assert.Equal("DEFLATE", Wire.Command<CompressCommand>("a COMPRESS deflate\r\n").Mechanism);
        Assert.Equal("COMPRESS: missing compression algorithm", Wire.Error("a COMPRESS\r\n").Text);
    }

    [Fact]
    public void METADATA_RFC5464()
    {
        var server = Wire.Command<GetMetadataCommand>("a GETMETADATA \"\" /shared/comment\r\n");
        Assert.Equal(("", MetadataDepth.Zero), (server.Mailbox, server.Depth));
        Assert.Equal(["/shared/comment"], server.Entries);
        var options = Wire.Command<GetMetadataCommand>("a GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/private/comment /shared/comment)\r\n");
        Assert.Equal((1024L, MetadataDepth.Infinity), (options.MaxSize, options.Depth));
        Assert.Equal(2, options.Entries.Count);
        Assert.Equal("GETMETADATA: entry names start with /private or /shared, got '/foo'", Wire.Error("a GETMETADATA INBOX /foo\r\n").Text);
        Assert.Equal("GETMETADATA: DEPTH must be 0, 1 or infinity", Wire.Error("a GETMETADATA (DEPTH 2) INBOX /shared/x\r\n").Text);

        var set = Wire.Command<SetMetadataCommand>("a SETMETADATA INBOX (/private/comment {14+}\r\nMy new comment /shared/old NIL)\r\n");
        Assert.Equal("My new comment", Encoding.ASCII.GetString(set.Values[0].Value!.Value.Span));
        Assert.Null(set.Values[1].Value);
    }

    [Fact]
    public void Every_command_in_the_table_has_a_parser_and_the_other_way_round()
    {
        Assert.Equal(ImapCommandParser.Commands.Order(), ImapCommandTable.All.Select(i => i.Name).Order());
        Assert.True(ImapCommandTable.TryGet("UID FETCH", out var fetch));
        Assert.True(fetch.IsAllowedIn(ImapSessionStates.Selected));
        Assert.False(fetch.IsAllowedIn(ImapSessionStates.Authenticated));
        Assert.True(ImapCommandTable.TryGet("LOGIN", out var login) && !login.IsAllowedIn(ImapSessionStates.Authenticated));
        Assert.True(ImapCommandTable.TryGet("EXPUNGE", out var expunge) && (expunge.Flags & ImapCommandFlags.BreaksSequenceNumbers) != 0);
        Assert.True(ImapCommandTable.TryGet("FETCH", out var seqFetch) && (seqFetch.Flags & ImapCommandFlags.UsesSequenceNumbers) != 0);
    }
}
