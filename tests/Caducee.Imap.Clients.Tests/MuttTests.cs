// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Imap.Clients.Tests.Infrastructure;

namespace Caducee.Imap.Clients.Tests;

/// <summary>
/// Issue 6 point 4: mutt against the demo's practice node with <c>ssl_ca_certificates_file</c> set to the demo CA
/// and the host name checked. In batch mode (no terminal) it sends through submission (STARTTLS, AUTH) and files its
/// copy in the IMAP Sent folder over imaps (APPEND); driven through a pseudo-terminal (<c>script</c>) with pushed
/// keys, it opens the INBOX over imap + STARTTLS, lists it, tags by subject, reads the tagged messages (piped out),
/// flags them and saves them to Archive, then syncs the mailbox (the originals are expunged).
/// </summary>
[Collection(ClientsCollection.Name)]
public sealed class MuttTests(ClientsDemo demo)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    private string Muttrc(ClientUser user, string work, string folder, params string[] extra) => Tool.WriteConfig(work, "muttrc", $"""
        set ssl_ca_certificates_file="{demo.Ca}"
        set certificate_file="{work}/certificates"
        set ssl_force_tls=yes
        set ssl_starttls=yes
        set ssl_verify_host=yes
        set ssl_use_tlsv1=no
        set ssl_use_tlsv1_1=no
        set imap_user="{user.Address}"
        set imap_pass="{user.Password}"
        set smtp_url="smtp://{user.Address}@{ClientsDemo.Host}:{demo.SubmissionPort}/"
        set smtp_pass="{user.Password}"
        set from="{user.Address}"
        set use_from=yes
        set folder="{folder}"
        set spoolfile="+INBOX"
        set record="+Sent"
        set copy=yes
        set header_cache=""
        set message_cachedir=""
        set confirmappend=no
        set delete=yes
        set quit=yes
        set move=no
        set pipe_split=yes
        set wait_key=no
        set beep=no
        {string.Join("\n", extra)}

        """);

    [Fact]
    public async Task Mutt_in_batch_mode_sends_and_files_its_copy_in_the_IMAP_Sent_folder()
    {
        var sender = await demo.CreateUserAsync("mutt-sender");
        var recipient = await demo.CreateUserAsync("mutt-recipient");
        var work = demo.WorkFolder("mutt-send");
        var muttrc = Muttrc(sender, work, $"imaps://{ClientsDemo.Host}:{demo.ImapsPort}/");
        var marker = "MUTT-" + Guid.NewGuid().ToString("N")[..10];

        var result = await Tool.RunAsync("mutt", ["-n", "-F", muttrc, "-s", "Avis " + marker, "--", recipient.Address], s_timeout, work, stdin: $"Bonjour,\nrésultat {marker}.\n", environment: new Dictionary<string, string> { ["LANG"] = "C.UTF-8" });
        Assert.True(result.ExitCode == 0, result.ToString());

        // The copy filed over IMAP (APPEND to Sent) and the delivered message carry the marker.
        var sent = await demo.MessagesAsync(sender, "Sent");
        var copy = Assert.Single(sent);
        Assert.True((copy.Flags & MessageFlags.Seen) != 0);
        var copied = Encoding.UTF8.GetString(await demo.BytesAsync(copy));
        Assert.Contains("Subject: Avis " + marker, copied, StringComparison.Ordinal);
        Assert.Contains("sultat " + marker, copied, StringComparison.Ordinal); // "résultat", quoted-printable or 8-bit
        var deadline = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<MessageSummary> inbox;
        while ((inbox = await demo.MessagesAsync(recipient, "INBOX")).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var delivered = Encoding.UTF8.GetString(await demo.BytesAsync(Assert.Single(inbox)));
        Assert.Contains("Subject: Avis " + marker, delivered, StringComparison.Ordinal);
        Assert.Matches($"\r\nFrom: [^\r\n]*{System.Text.RegularExpressions.Regex.Escape(sender.Address)}", delivered);
    }

    [Fact]
    public async Task Mutt_lists_reads_flags_and_saves_messages_over_imap_with_STARTTLS()
    {
        var user = await demo.CreateUserAsync("mutt-reader");
        var uids = await demo.FillAsync(user, "INBOX", 6);
        var work = demo.WorkFolder("mutt-read");
        var piped = Path.Combine(work, "piped.txt");
        // Subjects cycle: 1 "Résultats de biologie", 2 "Lettre de liaison"; the others stay in the INBOX.
        var muttrc = Muttrc(
            user,
            work,
            $"imap://{ClientsDemo.Host}:{demo.ImapPort}/",
            $"push \"<tag-pattern>~s '(biologie|liaison)'<enter><tag-prefix><pipe-message>cat >> {piped}<enter><tag-prefix><flag-message><tag-prefix><save-message>=Archive<enter><sync-mailbox><quit>\"");
        var script = Path.Combine(work, "run.sh");
        await File.WriteAllTextAsync(script, $"exec mutt -n -F '{muttrc}'\n");

        // mutt's index needs a terminal: `script` gives it a pseudo-terminal and records the screen.
        var result = await Tool.RunAsync("script", ["--quiet", "--return", "--command", "sh " + script, "/dev/null"], s_timeout, work, environment: new Dictionary<string, string> { ["TERM"] = "xterm", ["LANG"] = "C.UTF-8", ["COLUMNS"] = "120", ["LINES"] = "40" });
        Assert.True(result.ExitCode == 0, result.ToString());
        // The index as drawn once the pushed keys ran: the four messages left, subjects decoded (RFC 2047, UTF-8).
        Assert.Contains("Msgs:4", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Compte rendu de consultation n°0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Ordonnance de sortie n°4", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Lettre de liaison", result.Stdout, StringComparison.Ordinal);

        // What was piped: the two tagged messages as fetched (FETCH BODY[]), nothing else.
        var text = await File.ReadAllTextAsync(piped);
        Assert.Contains("X-MSS-NIL: 1000001", text, StringComparison.Ordinal);
        Assert.Contains("X-MSS-NIL: 1000002", text, StringComparison.Ordinal);
        Assert.DoesNotContain("X-MSS-NIL: 1000000", text, StringComparison.Ordinal);
        Assert.Contains("Je vous adresse le compte rendu", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(text)).Replace("=\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        // The server afterwards: both flagged in Archive, gone from the INBOX; the others untouched.
        var inbox = await demo.MessagesAsync(user, "INBOX");
        Assert.Equal([uids[0], uids[3], uids[4], uids[5]], inbox.Select(m => m.Uid));
        Assert.All(inbox, m => Assert.Equal(MessageFlags.None, m.Flags & (MessageFlags.Flagged | MessageFlags.Deleted)));
        var archive = await demo.MessagesAsync(user, "Archive");
        Assert.Equal(2, archive.Count);
        Assert.All(archive, m => Assert.True((m.Flags & MessageFlags.Flagged) != 0, m.Flags.ToString()));
        var filed = await Task.WhenAll(archive.Select(async m => Encoding.ASCII.GetString(await demo.BytesAsync(m))));
        Assert.Contains(filed, m => m.Contains("X-MSS-NIL: 1000001", StringComparison.Ordinal));
        Assert.Contains(filed, m => m.Contains("X-MSS-NIL: 1000002", StringComparison.Ordinal));
    }
}
