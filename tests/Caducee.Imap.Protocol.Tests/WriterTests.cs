// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Primitives;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>The response writer: every helper the server needs, byte for byte (issue 6 point 1).</summary>
public class WriterTests
{
    private static string Out(Action<ImapWriter> write, bool utf8 = false)
    {
        var w = new ImapWriter { Utf8 = utf8 };
        write(w);
        return Encoding.UTF8.GetString(w.Written.Span);
    }

    [Fact]
    public void Strings_are_quoted_when_safe_and_literals_otherwise()
    {
        Assert.Equal("\"a \\\"b\\\" \\\\c\" {4}\r\n\u00e9\r\n NIL", Out(w => w.String("a \"b\" \\c").Raw(" ").String("\u00e9\r\n").Raw(" ").String(null)));
        Assert.Equal("{2}\r\n\u00e9", Out(w => w.String("\u00e9")));
        Assert.Equal("\"\u00e9\"", Out(w => w.String("\u00e9"), utf8: true));
        Assert.Equal("{3}\r\na\0b", Out(w => w.String("a\0b"), utf8: true));
        Assert.StartsWith("{1025}\r\n", Out(w => w.String(new string('x', 1025))), StringComparison.Ordinal);
        Assert.Equal("abc \"nil\" \"\" \"a b\"", Out(w => w.AString("abc").Raw(" ").AString("nil").Raw(" ").AString(string.Empty).Raw(" ").AString("a b")));
        Assert.Equal("~{3}\r\na\0b", Out(w => w.Literal8("a\0b"u8)));
        Assert.Throws<ArgumentException>(() => new ImapWriter().Quoted("a\r\nb"));
        Assert.Throws<ArgumentException>(() => new ImapWriter().Atom("a b"));
    }

    [Fact]
    public void Tagged_text_cannot_inject_a_line()
    {
        Assert.Equal("A1 NO bad  * OK injected\r\n", Out(w => w.Tagged("A1", "NO", "bad\r\n* OK injected")));
        Assert.Equal("A1 NO [NONEXISTENT] x  y\r\n", Out(w => w.Tagged("A1", ImapStatus.No, ResponseCode.NonExistent, "x\0\ny")));
        Assert.Equal("A1 OK completed\r\n", Out(w => w.Tagged("A1", ImapStatus.Ok, string.Empty)));
    }

    [Fact]
    public void Response_text_is_ASCII_until_UTF8_is_enabled()
    {
        Assert.Equal("* OK Caducee IMAP pret ?\r\n", Out(w => w.Untagged(ImapStatus.Ok, null, "Caduc\u00e9e IMAP pr\u00eat \u2713")));
        Assert.Equal("* OK Caduc\u00e9e\r\n", Out(w => w.Untagged(ImapStatus.Ok, null, "Caduc\u00e9e"), utf8: true));
        Assert.Equal("* NO bad ? name\r\n", Out(w => w.Untagged(ImapStatus.No, null, "bad \ud800 name")));
    }

    [Fact]
    public void Status_responses_with_response_codes()
    {
        Assert.Equal("* OK [UIDNEXT 4392] Predicted next UID\r\n", Out(w => w.Untagged(ImapStatus.Ok, ResponseCode.UidNext(4392), "Predicted next UID")));
        Assert.Equal("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", Out(w => w.Untagged(ImapStatus.Ok, ResponseCode.UidValidity(3857529045), "UIDs valid")));
        Assert.Equal("A003 OK [APPENDUID 38505 3955] APPEND completed\r\n", Out(w => w.Tagged("A003", ImapStatus.Ok, ResponseCode.AppendUid(38505, [3955]), "APPEND completed")));
        Assert.Equal("A004 OK [APPENDUID 38505 3955:3957] APPEND completed\r\n", Out(w => w.Tagged("A004", ImapStatus.Ok, ResponseCode.AppendUid(38505, [3955, 3956, 3957]), "APPEND completed")));
        Assert.Equal("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n", Out(w => w.Tagged("A004", ImapStatus.Ok, ResponseCode.CopyUid(38505, [304, 319, 320], [3956, 3957, 3958]), "Done")));
        Assert.Throws<ArgumentException>(() => ResponseCode.CopyUid(1, [1, 2], [3]));
        Assert.Equal("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n", Out(w => w.Untagged(ImapStatus.Ok, ResponseCode.HighestModSeq(715194045007), "Highest")));
        Assert.Equal("d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n", Out(w => w.Tagged("d105", ImapStatus.Ok, ResponseCode.Modified([9, 7]), "Conditional STORE failed")));
        Assert.Equal("* OK [CLOSED] Previous mailbox closed\r\n", Out(w => w.Untagged(ImapStatus.Ok, ResponseCode.Closed, "Previous mailbox closed")));
        Assert.Equal("* OK [PERMANENTFLAGS (\\Answered \\Deleted \\Seen $Forwarded \\*)] Limited\r\n", Out(w => w.Untagged(ImapStatus.Ok, ResponseCode.PermanentFlags(ImapSystemFlags.Seen | ImapSystemFlags.Answered | ImapSystemFlags.Deleted | ImapSystemFlags.Recent, ["$Forwarded"], true), "Limited")));
        Assert.Equal("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED] ready\r\n", Out(w => w.Untagged(ImapStatus.Ok, ResponseCode.Capability(["IMAP4rev1", "IMAP4rev2", "STARTTLS", "LOGINDISABLED"]), "ready")));
        Assert.Equal("* BYE Autologout\r\n", Out(w => w.Untagged(ImapStatus.Bye, null, "Autologout")));
        Assert.Throws<ArgumentException>(() => new ImapWriter().Tagged("A1", ImapStatus.Bye, null, "x"));
        foreach (var code in new[] { ResponseCode.NoModSeq, ResponseCode.OverQuota, ResponseCode.TooBig, ResponseCode.Cannot, ResponseCode.NonExistent, ResponseCode.AlreadyExists, ResponseCode.NoPerm, ResponseCode.Limit, ResponseCode.InUse, ResponseCode.ServerBug, ResponseCode.TryCreate, ResponseCode.ReadOnly, ResponseCode.UnknownCte, ResponseCode.CompressionActive })
        {
            Assert.Matches("^[A-Z-]+$", code.Text);
            Assert.Equal($"A1 NO [{code.Text}] x\r\n", Out(w => w.Tagged("A1", ImapStatus.No, code, "x")));
        }
    }

    [Theory]
    [InlineData(MailError.NotFound, false, "NONEXISTENT")]
    [InlineData(MailError.NotFound, true, "TRYCREATE")]
    [InlineData(MailError.Exists, false, "ALREADYEXISTS")]
    [InlineData(MailError.OverQuota, false, "OVERQUOTA")]
    [InlineData(MailError.TooBig, false, "TOOBIG")]
    [InlineData(MailError.Permission, false, "NOPERM")]
    [InlineData(MailError.InUse, false, "INUSE")]
    [InlineData(MailError.Limit, false, "LIMIT")]
    [InlineData(MailError.Temporary, false, "UNAVAILABLE")]
    [InlineData(MailError.Unavailable, false, "UNAVAILABLE")]
    [InlineData(MailError.NotPossible, false, "CANNOT")]
    [InlineData(MailError.Expunged, false, "EXPUNGEISSUED")]
    [InlineData(MailError.InvalidData, false, "PARSE")]
    [InlineData(MailError.Parameters, false, "CLIENTBUG")]
    [InlineData(MailError.MailboxDisabled, false, "CONTACTADMIN")]
    public void Every_MailError_maps_to_NO_with_a_code_in_one_place(MailError error, bool destination, string code)
    {
        Assert.Equal($"A1 NO [{code}] it failed\r\n", Out(w => w.Tagged("A1", new MailFailure(error, "it failed"), destination)));
        Assert.All(Enum.GetValues<MailError>(), e => Assert.NotEqual(ResponseCode.ServerBug, ImapErrorMap.ToResponse(e).Code));
    }

    [Fact]
    public void Continuations()
    {
        Assert.Equal("+ idling\r\n", Out(w => w.Continuation("idling")));
        Assert.Equal("+ Ready for literal data\r\n", Out(w => w.Continuation()));
        Assert.Equal("+ \r\n", Out(w => w.SaslChallenge([])));
        Assert.Equal("+ dGVzdA==\r\n", Out(w => w.SaslChallenge("test"u8)));
    }

    [Fact]
    public void Mailbox_updates()
    {
        Assert.Equal("* 23 EXISTS\r\n* 1 RECENT\r\n* 3 EXPUNGE\r\n", Out(w => w.Exists(23).Recent(1).Expunge(3)));
        Assert.Equal("* VANISHED (EARLIER) 41,43:116,118\r\n* VANISHED 405\r\n", Out(w => w.Vanished([116, 41, 118, .. Enumerable.Range(43, 73).Select(i => (uint)i)], earlier: true).Vanished([405], earlier: false).Vanished([], earlier: false)));
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n", Out(w => w.FlagsResponse(ImapSystemFlags.Answered | ImapSystemFlags.Flagged | ImapSystemFlags.Deleted | ImapSystemFlags.Seen | ImapSystemFlags.Draft | ImapSystemFlags.Recent, ["$Forwarded"])));
    }

    [Fact]
    public void FETCH_responses_with_literals_and_binary()
    {
        var fetch = Wire.Command<FetchCommand>("A1 UID FETCH 12 (FLAGS BODY.PEEK[HEADER]<0.5> BINARY[1] BINARY.SIZE[1] RFC822.SIZE)\r\n");
        var text = Out(w => w.BeginFetch(12)
            .Uid(4827313)
            .Flags(ImapSystemFlags.Seen, [])
            .ModSeq(624140003)
            .InternalDate(new DateTimeOffset(1996, 7, 17, 2, 44, 25, TimeSpan.FromHours(-7)))
            .Rfc822Size(44827)
            .Section(fetch.Items[1], "From:"u8.ToArray())
            .Section(fetch.Items[2], new byte[] { 1, 0, 2 })
            .BinarySize(fetch.Items[3], 3)
            .Section(new FetchItem(FetchItemKind.BodySection, new SectionSpec([9], SectionText.None, [])), null)
            .End());
        Assert.Equal("* 12 FETCH (UID 4827313 FLAGS (\\Seen) MODSEQ (624140003) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 44827 BODY[HEADER]<0> {5}\r\nFrom: BINARY[1] ~{3}\r\n\u0001\0\u0002 BINARY.SIZE[1] 3 BODY[9] NIL)\r\n", text);
    }

    [Fact]
    public void FETCH_envelope_bodystructure_streaming_and_misuse()
    {
        var item = new FetchItem(FetchItemKind.Rfc822);
        Assert.Equal("* 1 FETCH (ENVELOPE (NIL) BODY (\"TEXT\") RFC822 {100}\r\n", Out(w => w.BeginFetch(1).Envelope("(NIL)"u8).BodyStructure("(\"TEXT\")"u8, extensible: false).SectionHeader(item, 100)));
        Assert.Equal("* 2 FETCH (SAVEDATE NIL BODYSTRUCTURE (x))\r\n", Out(w => w.BeginFetch(2).SaveDate(null).BodyStructure("(x)"u8).End()));
        Assert.Throws<ArgumentException>(() => new ImapWriter().BeginFetch(1).Section(new FetchItem(FetchItemKind.Flags), null));
        var ended = new ImapWriter().BeginFetch(1);
        ended.End();
        Assert.Throws<InvalidOperationException>(() => ended.End());
    }

    [Fact]
    public void LIST_and_LSUB_with_attributes_delimiter_encoding_and_extended_data()
    {
        Assert.Equal("* LIST (\\HasNoChildren \\Sent) \"/\" \"&AMk-l&AOk-ments envoy&AOk-s\"\r\n", Out(w => w.List(new ListEntry("\u00c9l\u00e9ments envoy\u00e9s", ["\\HasNoChildren", "\\Sent"], '/'))));
        Assert.Equal("* LIST () \"/\" \"\u00c9l\u00e9ments\"\r\n", Out(w => w.List(new ListEntry("\u00c9l\u00e9ments", [], '/')), utf8: true));
        Assert.Equal("* LIST (\\Noselect) NIL \"\"\r\n", Out(w => w.List(new ListEntry(string.Empty, ["\\Noselect"], null))));
        Assert.Equal("* LIST () \"\\\\\" \"a\\\\b\"\r\n", Out(w => w.List(new ListEntry("a\\b", [], '\\'))));
        Assert.Equal("* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", Out(w => w.List(new ListEntry("Foo", [], '/', ChildInfo: ["SUBSCRIBED"]))));
        Assert.Equal("* LIST () \"/\" \"New\" (\"OLDNAME\" (\"Old\"))\r\n", Out(w => w.List(new ListEntry("New", [], '/', OldName: "Old"))));
        Assert.Equal("* LSUB (\\Subscribed) \".\" \"#news.comp.mail.misc\"\r\n", Out(w => w.Lsub(new ListEntry("#news.comp.mail.misc", ["\\Subscribed"], '.'))));
    }

    [Fact]
    public void STATUS_SEARCH_ESEARCH_SORT_THREAD()
    {
        Assert.Equal("* STATUS \"blurdybloop\" (MESSAGES 231 UIDNEXT 44292 SIZE 1000000 APPENDLIMIT NIL)\r\n", Out(w => w.Status("blurdybloop", [new(StatusItem.Messages, 231), new(StatusItem.UidNext, 44292), new(StatusItem.Size, 1_000_000), new(StatusItem.AppendLimit, null)])));
        Assert.Equal("* SEARCH 2 84 882\r\n", Out(w => w.Search([2, 84, 882])));
        Assert.Equal("* SEARCH\r\n", Out(w => w.Search([], 5)));
        Assert.Equal("* SEARCH 2 5 (MODSEQ 917162500)\r\n", Out(w => w.Search([2, 5], 917162500)));
        Assert.Equal("* ESEARCH (TAG \"A285\") UID MIN 7 COUNT 3\r\n", Out(w => w.ESearch("A285", true, SearchReturnOptions.Min | SearchReturnOptions.Count, [7, 9, 8])));
        Assert.Equal("* ESEARCH (TAG \"A286\") COUNT 0\r\n", Out(w => w.ESearch("A286", false, SearchReturnOptions.Min | SearchReturnOptions.Max | SearchReturnOptions.All | SearchReturnOptions.Count, [])));
        Assert.Equal("* ESEARCH (TAG \"A287\") MIN 1 MAX 12 ALL 1:3,12 MODSEQ 99\r\n", Out(w => w.ESearch("A287", false, SearchReturnOptions.Min | SearchReturnOptions.Max | SearchReturnOptions.All, [3, 1, 2, 12], 99)));
        Assert.Equal("* SORT 5 3 4 1 2\r\n", Out(w => w.Sort([5, 3, 4, 1, 2])));
        Assert.Equal("* SORT\r\n", Out(w => w.Sort([])));
        var threads = new ThreadNode[]
        {
            new(2, []),
            new(3, [new(6, [new(4, [new(23, [])]), new(44, [new(7, [new(96, [])])])])]),
            new(0, [new(11, []), new(12, [])]),
        };
        Assert.Equal("* THREAD (2)(3 6 (4 23)(44 7 96))((11)(12))\r\n", Out(w => w.Thread(threads)));
        Assert.Equal("* THREAD\r\n", Out(w => w.Thread([])));
    }

    [Fact]
    public void QUOTA_ACL_NAMESPACE_ID_ENABLED_CAPABILITY_METADATA()
    {
        Assert.Equal("* QUOTA \"\" (STORAGE 10 512 MESSAGE 5 1000)\r\n", Out(w => w.Quota(string.Empty, [new("STORAGE", 10, 512), new("MESSAGE", 5, 1000)])));
        Assert.Equal("* QUOTAROOT \"INBOX\" \"\" #user/alice\r\n", Out(w => w.QuotaRoot("INBOX", [string.Empty, "#user/alice"])));
        Assert.Equal("* ACL \"INBOX\" Fred rwipslxetad anyone lr\r\n", Out(w => w.Acl("INBOX", [new("Fred", "rwipslxetad"), new("anyone", "lr")])));
        Assert.Equal("* LISTRIGHTS \"~/Mail/saved\" smith la r swicdkxte\r\n", Out(w => w.ListRights("~/Mail/saved", "smith", "la", ["r", "swicdkxte"])));
        Assert.Equal("* LISTRIGHTS \"x\" bob \"\" l\r\n", Out(w => w.ListRights("x", "bob", string.Empty, ["l"])));
        Assert.Equal("* MYRIGHTS \"INBOX\" rwiptsldaex\r\n", Out(w => w.MyRights("INBOX", "rwiptsldaex")));
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) ((\"Partag&AOk-s/\" \"/\")) NIL\r\n", Out(w => w.Namespace([new(string.Empty, '/')], [new("Partag\u00e9s/", '/')], null)));
        Assert.Equal("* ID (\"name\" \"Caducee\" \"os\" NIL)\r\n", Out(w => w.Id([new("name", "Caducee"), new("os", null)])));
        Assert.Equal("* ID NIL\r\n", Out(w => w.Id(null)));
        Assert.Equal("* ENABLED CONDSTORE QRESYNC\r\n", Out(w => w.Enabled(["CONDSTORE", "QRESYNC"])));
        Assert.Equal("* CAPABILITY IMAP4rev1 IMAP4rev2 IDLE\r\n", Out(w => w.Capability(["IMAP4rev1", "IMAP4rev2", "IDLE"])));
        Assert.Equal("* METADATA \"INBOX\" (/private/comment {2}\r\nhi /shared/x NIL /private/b ~{1}\r\n\0)\r\n", Out(w => w.Metadata("INBOX", [new("/private/comment", "hi"u8.ToArray()), new("/shared/x", null), new("/private/b", new byte[] { 0 })])));
    }
}
