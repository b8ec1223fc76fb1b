// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;
using Caducee.Core.Model;
using Caducee.Imap.Clients.Tests.Infrastructure;

namespace Caducee.Imap.Clients.Tests;

/// <summary>
/// Issue 6 points 3 and 4: Python's imaplib (tests/interop/imaplib_commands.py) against the demo's practice node,
/// implicit TLS and STARTTLS with the demo CA and host-name check: SEARCH, STORE, FETCH, UID COPY / UID MOVE with
/// COPYUID, EXPUNGE, and IDLE while another connection appends, flags and expunges.
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class PythonImaplibTests(ClientsDemo demo)
{
    [Fact]
    public async Task Imaplib_searches_stores_copies_moves_expunges_and_sees_changes_in_IDLE()
    {
        var user = await demo.CreateUserAsync("imaplib");
        var uids = await demo.FillAsync(user, "INBOX", 10, flags: i => i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None);
        var archive = await demo.FolderAsync(user, "Archive");
        var stored = await demo.MessagesAsync(user, "INBOX");
        var work = demo.WorkFolder("imaplib");
        var config = Tool.WriteConfig(work, "config.json", JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["host"] = ClientsDemo.Host,
            ["imap"] = demo.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["imaps"] = demo.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ca"] = demo.Ca,
            ["user"] = user.Address,
            ["password"] = user.Password,
        }));

        var result = await Tool.RunAsync("python3", [Path.Combine(Tool.RepositoryRoot, "tests", "interop", "imaplib_commands.py"), config], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        string S(string name) => r.GetProperty(name).GetString()!;
        int N(string name) => r.GetProperty(name).GetInt32();
        List<string> L(string name) => [.. r.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

        // Before login over implicit TLS without a client certificate: password and token mechanisms, no EXTERNAL.
        Assert.Contains("AUTH=PLAIN", L("capabilities"));
        Assert.DoesNotContain("AUTH=EXTERNAL", L("capabilities"));
        Assert.True(r.GetProperty("logindisabled_before_tls").GetBoolean());

        // SELECT and SEARCH: sequence numbers 1..10 are the indexes 0..9; every third message is \Seen.
        Assert.Equal(10, N("select"));
        Assert.Equal("1 2 3 4 5 6 7 8 9 10", S("search_all"));
        Assert.Equal("2 3 5 6 8 9", S("search_unseen"));
        Assert.Equal("2 10", S("search_charset")); // "Résultats de biologie n°1" and "n°9": decoded subjects
        Assert.Equal(uids[4].ToString(System.Globalization.CultureInfo.InvariantCulture), S("search_header_uid"));
        var seenOrLarge = stored.Select((m, i) => (m, Seq: i + 1)).Where(x => (x.m.Flags & MessageFlags.Seen) != 0 || x.m.Size > 6000).Select(x => x.Seq);
        Assert.Equal(string.Join(' ', seenOrLarge), S("search_or"));

        // STORE answers with the new flags (keywords too); UID STORE .SILENT with nothing; SEARCH sees both.
        Assert.Equal(["1 (FLAGS (\\Flagged \\Seen $Urgent))", "2 (FLAGS (\\Flagged $Urgent))"], L("store"));
        Assert.Empty(L("uid_store"));
        Assert.Equal("1 2", S("search_flagged"));
        Assert.Equal($"5 (UID {uids[4]} FLAGS (\\Answered) RFC822.SIZE {stored[4].Size} BODY[HEADER.FIELDS (X-MSS-NIL)] {{22}}", S("fetch"));
        Assert.Equal("X-MSS-NIL: 1000004\r\n\r\n", S("fetch_header"));

        // UID COPY and UID MOVE with COPYUID (RFC 4315), the move's EXPUNGE, then EXPUNGE of the last message.
        Assert.Equal("OK", S("uid_copy"));
        Assert.Equal([$"{archive.UidValidity} {uids[0]}:{uids[2]} 1:3"], L("copyuid_copy"));
        Assert.Equal("OK", S("uid_move"));
        Assert.Equal([$"{archive.UidValidity} {uids[4]} 4"], L("copyuid_move"));
        Assert.Equal(["5"], L("expunged_by_move"));
        Assert.Equal(["9"], L("expunge"));
        Assert.Equal(8, N("after"));
        Assert.Equal(4, N("archive"));
        var filed = await demo.MessagesAsync(user, "Archive");
        Assert.Equal(4, filed.Count);
        Assert.True((filed[0].Flags & MessageFlags.Flagged) != 0 && (filed[3].Flags & MessageFlags.Answered) != 0, "flags travel with COPY and MOVE");

        // IDLE (issue 6 point 3): the other connection's append, flag and expunge are pushed; replaying the pushed
        // responses on the client's view keeps every FETCH's sequence number on the right UID and ends on the server's list.
        Assert.Equal("+ idling", S("idle_continuation"));
        Assert.EndsWith(" OK IDLE terminated", S("idle_done"), StringComparison.Ordinal);
        var view = r.GetProperty("idle_uids_before").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(N("idle_exists_before"), view.Count);
        var pushed = L("idle_pushed");
        Assert.Contains(pushed, l => l.EndsWith(" EXISTS", StringComparison.Ordinal));
        Assert.Contains(pushed, l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
        var after = (await demo.MessagesAsync(user, "INBOX")).Select(m => m.Uid).ToList();
        var seenFetch = false;
        foreach (var line in pushed)
        {
            var parts = line.Split(' ');
            var seq = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            switch (parts[2])
            {
                case "EXISTS":
                    Assert.True(seq > view.Count, line);
                    view.AddRange(after.Where(u => u > view[^1]).Take(seq - view.Count));
                    Assert.Equal(seq, view.Count);
                    break;
                case "EXPUNGE":
                    view.RemoveAt(seq - 1);
                    break;
                case "FETCH":
                    var uid = long.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(view[seq - 1], uid);
                    seenFetch |= uid == uids[2] && line.Contains("\\Seen", StringComparison.Ordinal);
                    break;
                default:
                    Assert.Fail("unexpected response in IDLE: " + line);
                    break;
            }
        }

        Assert.True(seenFetch, "the \\Seen set on message 3 was pushed: " + string.Join(" | ", pushed));
        Assert.Equal(after, view);
        Assert.Equal(after.Count, N("noop_after_idle"));
    }
}
