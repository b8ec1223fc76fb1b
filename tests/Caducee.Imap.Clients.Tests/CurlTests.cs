// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Core.Model;
using Caducee.Imap.Clients.Tests.Infrastructure;

namespace Caducee.Imap.Clients.Tests;

/// <summary>
/// Issue 6 point 4: curl's IMAP client (libcurl) against the demo's practice node, over STARTTLS (--ssl-reqd) and
/// implicit TLS (imaps://), the chain checked against the demo CA and the host name against the certificate: LIST,
/// EXAMINE, FETCH by UID (the exact stored bytes), SEARCH, and a refused login.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class CurlTests(ClientsDemo demo)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private Task<ToolResult> CurlAsync(ClientUser user, string url, params string[] extra) =>
        Tool.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", "--cacert", demo.Ca, "--user", $"{user.Address}:{user.Password}", .. extra, url], s_timeout);

    private string Starttls(string path = "") => $"imap://{ClientsDemo.Host}:{demo.ImapPort}/{path}";

    private string Implicit(string path = "") => $"imaps://{ClientsDemo.Host}:{demo.ImapsPort}/{path}";

    [Fact]
    public async Task Curl_lists_examines_fetches_by_uid_and_searches_over_both_TLS_listeners()
    {
        var user = await demo.CreateUserAsync("curl");
        await demo.Store.CreateFolderAsync(user.MailboxId, "Patients/2026", null, CancellationToken.None);
        var uids = await demo.FillAsync(user, "INBOX", 12, flags: i => i % 4 == 0 ? MessageFlags.Flagged : MessageFlags.None);
        var inbox = await demo.FolderAsync(user, "INBOX");

        // LIST (the URL names no mailbox), STARTTLS required.
        var list = await CurlAsync(user, Starttls(), "--ssl-reqd");
        Assert.True(list.ExitCode == 0, list.ToString());
        foreach (var name in new[] { "INBOX", "Sent", "Drafts", "Trash", "Patients", "Patients/2026" })
        {
            Assert.Contains($"\"/\" \"{name}\"\r\n", list.Stdout, StringComparison.Ordinal);
        }

        Assert.Matches(@"\* LIST \([^)]*\\Sent[^)]*\) ""/"" ""Sent""", list.Stdout);

        // EXAMINE: the count and UIDVALIDITY the store holds, read-only.
        var examine = await CurlAsync(user, Implicit("INBOX"), "--request", "EXAMINE INBOX");
        Assert.True(examine.ExitCode == 0, examine.ToString());
        Assert.Contains("* 12 EXISTS\r\n", examine.Stdout, StringComparison.Ordinal);
        Assert.Contains($"[UIDVALIDITY {inbox.UidValidity.ToString(CultureInfo.InvariantCulture)}]", examine.Stdout, StringComparison.Ordinal);
        Assert.Contains("[PERMANENTFLAGS ()]", examine.Stdout, StringComparison.Ordinal);

        // FETCH by UID (curl's ";UID=n" URL): the body is the stored message, byte for byte, over both listeners.
        var messages = await demo.MessagesAsync(user, "INBOX");
        foreach (var (uid, url, ssl) in new[] { (uids[3], Starttls($"INBOX;UID={uids[3]}"), true), (uids[9], Implicit($"INBOX;UID={uids[9]}"), false) })
        {
            var file = Path.Combine(demo.WorkFolder("curl"), "message.eml");
            var fetched = await CurlAsync(user, url, ssl ? ["--ssl-reqd", "--output", file] : ["--output", file]);
            Assert.True(fetched.ExitCode == 0, fetched.ToString());
            Assert.Equal(await demo.BytesAsync(messages.Single(m => m.Uid == uid)), await File.ReadAllBytesAsync(file));
        }

        // A section by UID: the attachment part of message 9 (one in ten carries a PDF).
        var section = await CurlAsync(user, Implicit($"INBOX;UID={uids[9]};SECTION=2.MIME"));
        Assert.True(section.ExitCode == 0, section.ToString());
        Assert.Contains("Content-Type: application/pdf; name=\"cr-9.pdf\"", section.Stdout, StringComparison.Ordinal);

        // SEARCH through --request, and through the URL's query (which curl sends as SEARCH).
        var flagged = await CurlAsync(user, Starttls("INBOX"), "--ssl-reqd", "--request", "UID SEARCH FLAGGED");
        Assert.True(flagged.ExitCode == 0, flagged.ToString());
        Assert.Equal($"* SEARCH {uids[0]} {uids[4]} {uids[8]}", flagged.Stdout.Trim());
        var header = await CurlAsync(user, Implicit("INBOX?HEADER%20X-MSS-NIL%201000005"));
        Assert.True(header.ExitCode == 0, header.ToString());
        Assert.Equal("* SEARCH 6", header.Stdout.Trim());
        var subject = await CurlAsync(user, Implicit("INBOX"), "--request", "SEARCH SUBJECT \"de biologie\"");
        Assert.True(subject.ExitCode == 0, subject.ToString());
        // "Résultats de biologie n°1" and "n°9" (subjects cycle every 8), matched on the decoded subject.
        Assert.Equal("* SEARCH 2 10", subject.Stdout.Trim());
    }

    [Fact]
    public async Task Curl_is_refused_with_a_wrong_password_and_cannot_log_in_before_TLS()
    {
        var user = await demo.CreateUserAsync("curl-refused");
        var wrong = await CurlAsync(user with { Password = "not-the-password" }, Implicit("INBOX"));
        Assert.Equal(67, wrong.ExitCode); // CURLE_LOGIN_DENIED
        Assert.Contains("Login denied", wrong.Stderr, StringComparison.OrdinalIgnoreCase);

        // Without TLS the server offers LOGINDISABLED and no mechanism: curl cannot log in at all.
        var plain = await Tool.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", "--user", $"{user.Address}:{user.Password}", Starttls("INBOX")], s_timeout);
        Assert.NotEqual(0, plain.ExitCode);
        Assert.DoesNotContain("EXISTS", plain.Stdout, StringComparison.Ordinal);
    }
}
