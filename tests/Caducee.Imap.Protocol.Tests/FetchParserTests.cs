// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>FETCH and UID FETCH: every item, sections, partials, macros, CONDSTORE/QRESYNC modifiers.</summary>
public class FetchParserTests
{
    private static FetchCommand Fetch(string wire) => Wire.Command<FetchCommand>(wire);

    [Fact]
    public void RFC9051_example_with_header_fields()
    {
        var fetch = Fetch("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
        Assert.Equal("2:4", fetch.Set.ToString());
        Assert.False(fetch.Uid);
        Assert.Equal(FetchItemKind.Flags, fetch.Items[0].Kind);
        var body = fetch.Items[1];
        Assert.Equal(FetchItemKind.BodySection, body.Kind);
        Assert.Equal(SectionText.HeaderFields, body.Section!.Text);
        Assert.Equal(["DATE", "FROM"], body.Section.Fields);
        Assert.False(body.Peek);
        Assert.True(body.SetsSeen);
        Assert.True(fetch.SetsSeen);
        Assert.Equal("BODY[HEADER.FIELDS (DATE FROM)]", body.ResponseName);
    }

    [Theory]
    [InlineData("ALL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE")]
    [InlineData("fast", "FLAGS INTERNALDATE RFC822.SIZE")]
    [InlineData("FULL", "FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY")]
    [InlineData("(UID FLAGS UID flags)", "UID FLAGS")]
    [InlineData("(ENVELOPE BODYSTRUCTURE BODY INTERNALDATE RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE MODSEQ SAVEDATE)", "ENVELOPE BODYSTRUCTURE BODY INTERNALDATE RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE MODSEQ SAVEDATE")]
    [InlineData("BODY[]", "BODY[]")]
    [InlineData("BODY.PEEK[1.2.MIME]", "BODY[1.2.MIME]")]
    [InlineData("BODY[TEXT]<0.2048>", "BODY[TEXT]<0>")]
    [InlineData("body.peek[3.header]<100.50>", "BODY[3.HEADER]<100>")]
    [InlineData("BODY[1.HEADER.FIELDS.NOT (Received \"X-Spam-Score\")]", "BODY[1.HEADER.FIELDS.NOT (Received X-Spam-Score)]")]
    [InlineData("BINARY[1]<0.100>", "BINARY[1]<0>")]
    [InlineData("BINARY.PEEK[]", "BINARY[]")]
    [InlineData("BINARY.SIZE[2.1]", "BINARY.SIZE[2.1]")]
    public void Items_and_their_response_names(string items, string names)
    {
        var fetch = Fetch($"A1 FETCH 1 {items}\r\n");
        Assert.Equal(names, string.Join(' ', fetch.Items.Select(i => i.ResponseName)));
    }

    [Fact]
    public void Sections_and_partials_are_typed()
    {
        var item = Fetch("A1 FETCH 1 BINARY.PEEK[1.2]<10.20>\r\n").Items[0];
        Assert.Equal((FetchItemKind.BinarySection, true, false), (item.Kind, item.Peek, item.SetsSeen));
        Assert.Equal([1, 2], item.Section!.Part);
        Assert.Equal(new FetchPartial(10, 20), item.Partial);
        Assert.Equal(SectionText.Mime, Fetch("A1 FETCH 1 BODY[4.2.2.MIME]\r\n").Items[0].Section!.Text);
        Assert.Equal(SectionText.Text, Fetch("A1 FETCH 1 BODY[TEXT]\r\n").Items[0].Section!.Text);
        Assert.Equal(new FetchPartial(5, null), Fetch("A1 FETCH 1 BODY[]<5>\r\n").Items[0].Partial);
        Assert.False(Fetch("A1 FETCH 1 RFC822.HEADER\r\n").SetsSeen);
        Assert.True(Fetch("A1 FETCH 1 RFC822.TEXT\r\n").SetsSeen);
    }

    [Fact]
    public void UID_FETCH_answers_with_UID_and_CHANGEDSINCE_with_MODSEQ_RFC7162()
    {
        var fetch = Fetch("s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
        Assert.True(fetch.Uid);
        Assert.Equal("UID FETCH", fetch.Name);
        Assert.Equal(12345, fetch.ChangedSince);
        Assert.True(fetch.Vanished);
        Assert.Equal([FetchItemKind.Flags, FetchItemKind.Uid, FetchItemKind.ModSeq], fetch.Items.Select(i => i.Kind));
        Assert.True(fetch.EnablesCondStore);
        Assert.False(Fetch("A1 FETCH 1 FLAGS\r\n").EnablesCondStore);
        Assert.True(Fetch("A1 FETCH 1 (FLAGS MODSEQ)\r\n").EnablesCondStore);
    }

    [Theory]
    [InlineData("A1 FETCH 1\r\n", "FETCH: missing data items")]
    [InlineData("A1 FETCH\r\n", "FETCH: missing sequence set")]
    [InlineData("A1 FETCH 1 ()\r\n", "FETCH: the data item list is empty")]
    [InlineData("A1 FETCH 1 (ALL)\r\n", "FETCH: the macro ALL cannot be inside a list")]
    [InlineData("A1 FETCH 1 BODDY\r\n", "FETCH: unknown data item 'BODDY'")]
    [InlineData("A1 FETCH 1 FOO[1]\r\n", "FETCH: unknown data item 'FOO[1]'")]
    [InlineData("A1 FETCH 1 BODY.PEEK\r\n", "FETCH: BODY.PEEK needs a section in brackets, e.g. BODY.PEEK[]")]
    [InlineData("A1 FETCH 1 BODY[0]\r\n", "FETCH: invalid section [0]: part numbers start at 1")]
    [InlineData("A1 FETCH 1 BODY[MIME]\r\n", "FETCH: invalid section [MIME]: MIME needs a part number")]
    [InlineData("A1 FETCH 1 BODY[1.]\r\n", "FETCH: invalid section [1.]: trailing '.'")]
    [InlineData("A1 FETCH 1 BODY[FOO]\r\n", "FETCH: invalid section [FOO]: unknown section text 'FOO' (expected HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME)")]
    [InlineData("A1 FETCH 1 BODY[HEADER.FIELDS]\r\n", "FETCH: invalid section [HEADER.FIELDS]: HEADER.FIELDS needs a list of header names, e.g. HEADER.FIELDS (FROM TO)")]
    [InlineData("A1 FETCH 1 BODY[HEADER.FIELDS ()]\r\n", "FETCH: invalid section [HEADER.FIELDS ()]: the header name list is empty")]
    [InlineData("A1 FETCH 1 BODY[HEADER.FIELDS (A:B)]\r\n", "FETCH: invalid section [HEADER.FIELDS (A:B)]: invalid header name")]
    [InlineData("A1 FETCH 1 BINARY[HEADER]\r\n", "FETCH: invalid section [HEADER]: BINARY sections are part numbers only")]
    [InlineData("A1 FETCH 1 BINARY.SIZE[1]<0.10>\r\n", "FETCH: BINARY.SIZE takes no partial")]
    [InlineData("A1 FETCH 1 BODY[]<0.0>\r\n", "FETCH: invalid partial '<0.0>' (expected <start.length>)")]
    [InlineData("A1 FETCH 1 BODY[]<x>\r\n", "FETCH: invalid partial '<x>' (expected <start.length>)")]
    [InlineData("A1 FETCH 1 FLAGS (VANISHED)\r\n", "FETCH: VANISHED needs UID FETCH and CHANGEDSINCE")]
    [InlineData("A1 UID FETCH 1 FLAGS (VANISHED)\r\n", "UID FETCH: VANISHED needs UID FETCH and CHANGEDSINCE")]
    [InlineData("A1 FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n", "FETCH: CHANGEDSINCE must be at least 1")]
    [InlineData("A1 FETCH 1 FLAGS (FOO)\r\n", "FETCH: unknown FETCH modifier 'FOO' (expected CHANGEDSINCE or VANISHED)")]
    [InlineData("A1 FETCH 1 FLAGS FOO\r\n", "FETCH: FETCH modifiers must be a parenthesized list, got 'FOO'")]
    [InlineData("A1 FETCH 1:x FLAGS\r\n", "FETCH: sequence set: invalid sequence set element '1:x' (expected n, n:m or *, with n from 1 to 4294967295)")]
    public void Errors_name_what_is_wrong(string wire, string error) => Assert.Equal(error, Wire.Error(wire).Text);

    [Fact]
    public void Sequence_sets_accept_star_and_saved_results_RFC5182()
    {
        Assert.Equal("1:*", Fetch("A1 FETCH 1:* FLAGS\r\n").Set.ToString());
        var saved = Fetch("A1 FETCH $ FLAGS\r\n").Set;
        Assert.True(saved.IncludesSavedResult);
        Assert.Empty(saved.Ranges);
        Assert.Equal("4,6:7,$", Fetch("A1 UID FETCH 4,6:7,$ FLAGS\r\n").Set.ToString());
    }
}
