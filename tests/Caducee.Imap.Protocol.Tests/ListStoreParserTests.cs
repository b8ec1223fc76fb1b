// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>LIST (RFC 9051, LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819) and STORE.</summary>
public class ListStoreParserTests
{
    [Theory]
    [InlineData("A101 LIST \"\" \"\"\r\n", "", "")]
    [InlineData("A102 LIST #news.comp.mail.misc \"\"\r\n", "#news.comp.mail.misc", "")]
    [InlineData("A202 LIST ~/Mail/ %\r\n", "~/Mail/", "%")]
    [InlineData("A203 LIST \"\" *\r\n", "", "*")]
    [InlineData("A204 LIST \"\" [Gmail]/%\r\n", "", "[Gmail]/%")]
    [InlineData("A205 LIST {0+}\r\n {4+}\r\nfoo*\r\n", "", "foo*")]
    public void Basic_LIST_RFC9051(string wire, string reference, string pattern)
    {
        var list = Wire.Command<ListCommand>(wire);
        Assert.Equal(reference, list.Reference);
        Assert.Equal([pattern], list.Patterns);
        Assert.False(list.IsExtended);
        Assert.Equal(ListSelectOptions.None, list.Selection);
        Assert.Equal(ListReturnOptions.None, list.Return);
    }

    [Fact]
    public void Extended_LIST_RFC5258()
    {
        var list = Wire.Command<ListCommand>("A01 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)\r\n");
        Assert.True(list.IsExtended);
        Assert.Equal(ListSelectOptions.Subscribed | ListSelectOptions.RecursiveMatch, list.Selection);
        // SUBSCRIBED selection implies the SUBSCRIBED return option (RFC 5258 §3.1).
        Assert.Equal(ListReturnOptions.Children | ListReturnOptions.Subscribed, list.Return);

        var patterns = Wire.Command<ListCommand>("A02 LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")\r\n");
        Assert.Equal(["INBOX", "Drafts", "Sent/%"], patterns.Patterns);
        Assert.True(patterns.IsExtended);

        var remote = Wire.Command<ListCommand>("A03 LIST (REMOTE) \"\" * RETURN ()\r\n");
        Assert.Equal(ListSelectOptions.Remote, remote.Selection);
        Assert.Equal(ListReturnOptions.None, remote.Return);
    }

    [Fact]
    public void LIST_SPECIAL_USE_RFC6154_and_LIST_STATUS_RFC5819()
    {
        var special = Wire.Command<ListCommand>("t1 LIST (SPECIAL-USE) \"\" \"*\"\r\n");
        Assert.Equal(ListSelectOptions.SpecialUse, special.Selection);
        Assert.Equal(ListReturnOptions.SpecialUse, special.Return);
        var status = Wire.Command<ListCommand>("A04 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN) SPECIAL-USE)\r\n");
        Assert.Equal(ListReturnOptions.Status | ListReturnOptions.SpecialUse, status.Return);
        Assert.Equal([StatusItem.Messages, StatusItem.Unseen], status.StatusItems);
    }

    [Theory]
    [InlineData("A1 LIST (RECURSIVEMATCH) \"\" %\r\n", "LIST: RECURSIVEMATCH needs another selection option (SUBSCRIBED or SPECIAL-USE)")]
    [InlineData("A1 LIST (FOO) \"\" %\r\n", "LIST: unknown selection option 'FOO' (expected SUBSCRIBED, REMOTE, RECURSIVEMATCH or SPECIAL-USE)")]
    [InlineData("A1 LIST \"\" % RETURN (FOO)\r\n", "LIST: unknown return option 'FOO' (expected SUBSCRIBED, CHILDREN, SPECIAL-USE or STATUS)")]
    [InlineData("A1 LIST \"\" % RETURN (STATUS)\r\n", "LIST: missing STATUS items")]
    [InlineData("A1 LIST \"\" % CHILDREN\r\n", "LIST: expected RETURN (…) after the pattern, got 'CHILDREN'")]
    [InlineData("A1 LIST \"\" % RETURN CHILDREN\r\n", "LIST: return options must be a parenthesized list, got 'CHILDREN'")]
    [InlineData("A1 LIST \"\" ()\r\n", "LIST: the pattern list is empty")]
    [InlineData("A1 LIST \"\"\r\n", "LIST: missing mailbox pattern")]
    public void LIST_errors(string wire, string error) => Assert.Equal(error, Wire.Error(wire).Text);

    [Fact]
    public void STORE_RFC9051_6_4_6()
    {
        var store = Wire.Command<StoreCommand>("A003 STORE 2:4 +FLAGS (\\Deleted)\r\n");
        Assert.Equal(("2:4", StoreAction.Add, false, ImapSystemFlags.Deleted), (store.Set.ToString(), store.Action, store.Silent, store.Flags.System));
        Assert.Null(store.UnchangedSince);
        var silent = Wire.Command<StoreCommand>("A1 UID STORE 1:* -flags.silent (\\seen $Junk \\FLAGGED)\r\n");
        Assert.Equal(("UID STORE", StoreAction.Remove, true), (silent.Name, silent.Action, silent.Silent));
        Assert.Equal(ImapSystemFlags.Seen | ImapSystemFlags.Flagged, silent.Flags.System);
        Assert.Equal(["$Junk"], silent.Flags.Keywords);
        var bare = Wire.Command<StoreCommand>("A1 STORE 1 FLAGS \\Answered \\Draft\r\n");
        Assert.Equal((StoreAction.Replace, ImapSystemFlags.Answered | ImapSystemFlags.Draft), (bare.Action, bare.Flags.System));
        Assert.Equal(FlagList.Empty.System, Wire.Command<StoreCommand>("A1 STORE 1 FLAGS ()\r\n").Flags.System);
    }

    [Fact]
    public void STORE_UNCHANGEDSINCE_RFC7162()
    {
        var store = Wire.Command<StoreCommand>("d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n");
        Assert.Equal(320162338, store.UnchangedSince);
        Assert.True(store.EnablesCondStore);
        Assert.Equal(0, Wire.Command<StoreCommand>("d1 STORE 1 (UNCHANGEDSINCE 0) FLAGS ()\r\n").UnchangedSince);
    }

    [Theory]
    [InlineData("A1 STORE 1 FLAGZ (\\Seen)\r\n", "STORE: expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT), got 'FLAGZ'")]
    [InlineData("A1 STORE 1 +FLAGS\r\n", "STORE: missing flags")]
    [InlineData("A1 STORE 1 FLAGS (\\Recent)\r\n", "STORE: \\Recent cannot be set by a client")]
    [InlineData("A1 STORE 1 FLAGS (\\Foo)\r\n", "STORE: unknown system flag '\\Foo' (expected \\Seen, \\Answered, \\Flagged, \\Deleted or \\Draft)")]
    [InlineData("A1 STORE 1 FLAGS (\"Seen\")\r\n", "STORE: a flag must be an atom, got a quoted string")]
    [InlineData("A1 STORE 1 FLAGS (a) (b)\r\n", "STORE: unexpected argument a list")]
    [InlineData("A1 STORE 1 (FOO 1) FLAGS ()\r\n", "STORE: unknown STORE modifier 'FOO' (expected UNCHANGEDSINCE)")]
    [InlineData("A1 STORE * (UNCHANGEDSINCE x) FLAGS ()\r\n", "STORE: UNCHANGEDSINCE mod-sequence must be a number from 0 to 9223372036854775807, got 'x'")]
    public void STORE_errors(string wire, string error) => Assert.Equal(error, Wire.Error(wire).Text);
}
