// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>How a private Postfix is set up: its domain and mailboxes, its TLS files, where it relays.</summary>
public sealed record PostfixOptions
{
    /// <summary>The domain whose mailboxes it delivers to Maildirs (virtual(8)).</summary>
    public required string Domain { get; init; }

    public required string HostName { get; init; }

    /// <summary>Local parts with a Maildir; any other recipient of <see cref="Domain"/> is refused 550 5.1.1 at RCPT.</summary>
    public IReadOnlyList<string> Mailboxes { get; init; } = [];

    /// <summary>Accept any local part of <see cref="Domain"/> into one Maildir ("all") (benchmark).</summary>
    public bool CatchAll { get; init; }

    /// <summary>PEM files of the smtpd certificate (with its chain) and key.</summary>
    public required string ServerCertificate { get; init; }

    public required string ServerKey { get; init; }

    /// <summary>PEM trust anchors for client certificates (smtpd) and servers (smtp).</summary>
    public required string CaBundle { get; init; }

    /// <summary>The MX listener demands a client certificate that chains to <see cref="CaBundle"/> (smtpd_tls_req_ccert).</summary>
    public bool RequireClientCertificate { get; init; } = true;

    /// <summary>The operator certificate its smtp client presents (mutual TLS), or null.</summary>
    public string? ClientCertificate { get; init; }

    public string? ClientKey { get; init; }

    /// <summary>transport(5) entries: domain → next hop, e.g. "[127.0.0.1]:2525".</summary>
    public IReadOnlyDictionary<string, string> Transports { get; init; } = new Dictionary<string, string>();

    /// <summary>TLS policy per next hop, e.g. "[127.0.0.1]:2525" → "secure match=mx.cabinet.test".</summary>
    public IReadOnlyDictionary<string, string> TlsPolicies { get; init; } = new Dictionary<string, string>();

    /// <summary>A second smtpd without TLS for the test to inject mail from 127.0.0.1 (mynetworks).</summary>
    public bool InjectionListener { get; init; } = true;
}

/// <summary>
/// A private Postfix (Debian's, run as root by the test) on free loopback ports with its own configuration,
/// queue, log and Maildirs under a temporary folder: another operator's MTA for interop tests and the benchmark.
/// Its MX listener requires STARTTLS (and a client certificate when asked); its smtp client relays by transport
/// maps with a TLS policy per next hop. See /work/briefs/postfix-notes.md for the checked recipe.
/// </summary>
public sealed class PostfixInstance : IAsyncDisposable
{
    private bool _stopped;

    private PostfixInstance(string directory, int mxPort, int injectionPort)
    {
        Directory = directory;
        MxPort = mxPort;
        InjectionPort = injectionPort;
    }

    public string Directory { get; }

    /// <summary>The TLS listener other MTAs deliver to.</summary>
    public int MxPort { get; }

    /// <summary>The plain listener the test submits to (0 when not opened).</summary>
    public int InjectionPort { get; }

    public string ConfigDirectory => Path.Combine(Directory, "etc");

    public string MailDirectory => Path.Combine(Directory, "mail");

    public string Log => File.Exists(Path.Combine(Directory, "postfix.log")) ? File.ReadAllText(Path.Combine(Directory, "postfix.log")) : string.Empty;

    public static bool IsInstalled => File.Exists("/usr/sbin/postfix");

    public static async Task<PostfixInstance> StartAsync(PostfixOptions options, int mxPort = 0)
    {
        // Short path: Postfix's unix sockets live under the queue directory (sun_path is 108 octets).
        var directory = Path.Combine("/tmp", "cpfx-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var sub in new[] { "etc", "queue", "data", "mail" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        mxPort = mxPort == 0 ? FreePort() : mxPort;
        var injection = options.InjectionListener ? FreePort() : 0;
        var etc = Path.Combine(directory, "etc");
        var master = new StringBuilder();
        master.Append(CultureInfo.InvariantCulture, $"127.0.0.1:{mxPort} inet n - n - - smtpd\n");
        if (injection != 0)
        {
            master.Append(CultureInfo.InvariantCulture, $"127.0.0.1:{injection} inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_tls_ask_ccert=no -o smtpd_tls_req_ccert=no\n");
        }

        // Every service out of chroot: the private instance reads its files where they are.
        master.Append("""
            pickup    unix  n       -       n       60      1       pickup
            cleanup   unix  n       -       n       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            tlsmgr    unix  -       -       n       1000?   1       tlsmgr
            rewrite   unix  -       -       n       -       -       trivial-rewrite
            bounce    unix  -       -       n       -       0       bounce
            defer     unix  -       -       n       -       0       bounce
            trace     unix  -       -       n       -       0       bounce
            verify    unix  -       -       n       -       1       verify
            flush     unix  n       -       n       1000?   0       flush
            proxymap  unix  -       -       n       -       -       proxymap
            proxywrite unix -       -       n       -       1       proxymap
            smtp      unix  -       -       n       -       -       smtp
            relay     unix  -       -       n       -       -       smtp
            showq     unix  n       -       n       -       -       showq
            error     unix  -       -       n       -       -       error
            retry     unix  -       -       n       -       -       error
            discard   unix  -       -       n       -       -       discard
            local     unix  -       n       n       -       -       local
            virtual   unix  -       n       n       -       -       virtual
            lmtp      unix  -       -       n       -       -       lmtp
            anvil     unix  -       -       n       -       1       anvil
            scache    unix  -       -       n       -       1       scache
            postlog   unix-dgram n  -       n       -       1       postlogd

            """);
        await File.WriteAllTextAsync(Path.Combine(etc, "master.cf"), master.ToString());

        var mailboxes = options.CatchAll
            ? $"@{options.Domain} all/\n"
            : string.Concat(options.Mailboxes.Select(m => $"{m}@{options.Domain} {m}/\n"));
        await File.WriteAllTextAsync(Path.Combine(etc, "vmailbox"), mailboxes);
        await File.WriteAllTextAsync(Path.Combine(etc, "transport"), string.Concat(options.Transports.Select(t => $"{t.Key} smtp:{t.Value}\n")));
        await File.WriteAllTextAsync(Path.Combine(etc, "tls_policy"), string.Concat(options.TlsPolicies.Select(t => $"{t.Key} {t.Value}\n")));
        var main = new StringBuilder($"""
            compatibility_level = 3.6
            queue_directory = {directory}/queue
            data_directory = {directory}/data
            meta_directory = /etc/postfix
            mail_owner = postfix
            myhostname = {options.HostName}
            mydomain = {options.Domain}
            myorigin = {options.Domain}
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mydestination =
            mynetworks = 127.0.0.0/8
            maillog_file = {directory}/postfix.log
            maillog_file_prefixes = /tmp
            alias_maps =
            alias_database =
            biff = no
            smtp_dns_support_level = disabled
            smtp_host_lookup = native
            virtual_mailbox_domains = {options.Domain}
            virtual_mailbox_base = {directory}/mail
            virtual_mailbox_maps = texthash:{etc}/vmailbox
            virtual_uid_maps = static:65534
            virtual_gid_maps = static:65534
            transport_maps = texthash:{etc}/transport
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            queue_run_delay = 1s
            minimal_backoff_time = 1s
            maximal_backoff_time = 2s
            delay_warning_time = 0
            smtpd_tls_cert_file = {options.ServerCertificate}
            smtpd_tls_key_file = {options.ServerKey}
            smtpd_tls_CAfile = {options.CaBundle}
            smtpd_tls_security_level = encrypt
            smtpd_tls_ask_ccert = {(options.RequireClientCertificate ? "yes" : "no")}
            smtpd_tls_req_ccert = {(options.RequireClientCertificate ? "yes" : "no")}
            smtpd_tls_received_header = yes
            smtpd_tls_loglevel = 1
            smtp_tls_CAfile = {options.CaBundle}
            smtp_tls_security_level = secure
            smtp_tls_policy_maps = texthash:{etc}/tls_policy
            smtp_tls_loglevel = 1

            """);
        if (options.ClientCertificate is not null)
        {
            main.Append(CultureInfo.InvariantCulture, $"smtp_tls_cert_file = {options.ClientCertificate}\nsmtp_tls_key_file = {options.ClientKey}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(etc, "main.cf"), main.ToString());
        await RunAsync("chown", "-R", "postfix", Path.Combine(directory, "data"));
        await RunAsync("chown", "65534:65534", Path.Combine(directory, "mail"));
        var instance = new PostfixInstance(directory, mxPort, injection);
        var (code, output) = await RunAsync("postfix", "-c", etc, "check");
        if (code == 0)
        {
            (code, var started) = await RunAsync("postfix", "-c", etc, "start");
            output += started;
        }

        if (code != 0 || !await instance.ListeningAsync(mxPort) || (injection != 0 && !await instance.ListeningAsync(injection)))
        {
            var log = instance.Log;
            await instance.DisposeAsync();
            throw new InvalidOperationException($"postfix did not start (exit {code}): {output}\n{log}");
        }

        return instance;
    }

    /// <summary>The messages delivered to a Maildir (new/), oldest first.</summary>
    public IReadOnlyList<byte[]> Maildir(string localPart)
    {
        var folder = Path.Combine(MailDirectory, localPart, "new");
        return System.IO.Directory.Exists(folder)
            ? [.. new DirectoryInfo(folder).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => File.ReadAllBytes(f.FullName))]
            : [];
    }

    /// <summary>Waits for a message containing <paramref name="marker"/> in the Maildir of <paramref name="localPart"/>.</summary>
    public async Task<byte[]> WaitForMessageAsync(string localPart, string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Maildir(localPart).FirstOrDefault(m => Encoding.UTF8.GetString(m).Contains(marker, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no message with {marker} in {localPart}'s Maildir; postfix log:\n{Log}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<bool> ListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await RunAsync("postfix", "-c", ConfigDirectory, "stop");
            // "postfix stop" returns once the master is told; wait until it is gone before removing its folder.
            for (var i = 0; i < 100 && (await RunAsync("postfix", "-c", ConfigDirectory, "status")).Code == 0; i++)
            {
                await Task.Delay(50);
            }
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A daemon still finishing: the folder is under /tmp.
        }
    }
}
