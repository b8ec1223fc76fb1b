// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Mailboxes;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>LIST pattern matching (RFC 9051 §6.3.9): "*", "%", the delimiter, INBOX in any case.</summary>
public class MailboxPatternTests
{
    [Theory]
    [InlineData("", "*", "INBOX", true)]
    [InlineData("", "*", "Archives/2024/Q1", true)]
    [InlineData("", "%", "Archives", true)]
    [InlineData("", "%", "Archives/2024", false)]
    [InlineData("", "Archives/%", "Archives/2024", true)]
    [InlineData("", "Archives/%", "Archives/2024/Q1", false)]
    [InlineData("Archives/", "%", "Archives/2024", true)]
    [InlineData("Archives/", "/2024", "Archives/2024", true)]
    [InlineData("", "Arch*4", "Archives/2024", true)]
    [InlineData("", "Arch%4", "Archives/2024", false)]
    [InlineData("", "inbox", "INBOX", true)]
    [InlineData("", "InBox/%", "INBOX/Sent", true)]
    [InlineData("", "inbox", "Inbox-old", false)]
    [InlineData("", "sent", "Sent", false)]
    [InlineData("", "Sent", "Sent", true)]
    [InlineData("", "Sent", "Sent/x", false)]
    [InlineData("", "%/%", "a/b", true)]
    [InlineData("", "%%*%", "a/b/c", true)]
    [InlineData("", "*/", "a/", true)]
    [InlineData("", "", "INBOX", false)]
    [InlineData("~smith/Mail/", "foo.*", "~smith/Mail/foo.bar", true)]
    [InlineData("#news.", "comp.mail.*", "#news.comp.mail.mime", true)]
    public void Matches_like_the_RFC(string reference, string pattern, string name, bool expected) =>
        Assert.Equal(expected, MailboxPattern.Create(reference, pattern, '/').IsMatch(name));

    [Fact]
    public void Many_wildcards_stay_linear()
    {
        var pattern = MailboxPattern.Create(string.Empty, string.Concat(Enumerable.Repeat("%a", 2000)) + "b", '/');
        var name = new string('a', 300);
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(pattern.IsMatch(name));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2));
        Assert.False(MailboxPattern.Create(string.Empty, new string('*', MailboxPattern.MaxLength + 10) + "x" + new string('a', MailboxPattern.MaxLength), '/').IsMatch("x"));
    }

    [Theory]
    [InlineData("%", "Archives", false)]
    [InlineData("*", "Archives", true)]
    [InlineData("Archives/%", "Archives", true)]
    [InlineData("%/Q1", "Archives", true)]
    [InlineData("Other/*", "Archives", false)]
    public void Tells_whether_a_descendant_could_match_for_CHILDINFO(string pattern, string name, bool expected) =>
        Assert.Equal(expected, MailboxPattern.Create(string.Empty, pattern, '/').CouldMatchDescendantOf(name));
}
