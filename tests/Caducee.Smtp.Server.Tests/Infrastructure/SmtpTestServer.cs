// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Core.Policy;
using Caducee.Core.Ports;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Primitives;
using Caducee.Smtp.Server.Session;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>Which listener a test talks to.</summary>
public enum Listener
{
    Mx,
    Submission,
    Submissions,
}

/// <summary>
/// The SMTP server of one operator (cabinet-sud.mssante.test) over real loopback sockets on ports chosen by
/// the OS, with the real parts: SQLite store and encrypted blob files in a temporary folder, the shared auth
/// component, the MSSanté trust policy with a whitelist and a CRL of the test PKI, the per-destination size
/// policy, and whatever extra hooks a test adds (the antivirus). Sessions run <see cref="SmtpSession"/> as
/// Kestrel's connection handler does.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly QueueSignal _signal = new();

    private SmtpTestServer(DirectoryInfo directory, TestPki pki, NodeStorage storage, CapturingLogs logs, ILoggerFactory loggerFactory)
    {
        Directory = directory;
        Pki = pki;
        Storage = storage;
        Logs = logs;
        _loggerFactory = loggerFactory;
    }

    public DirectoryInfo Directory { get; }

    public TestPki Pki { get; }

    public NodeStorage Storage { get; }

    public CapturingLogs Logs { get; }

    public WhitelistStore Whitelist { get; } = new(null);

    public CrlStore Crls { get; private set; } = null!;

    public IReadOnlyDictionary<Listener, IPEndPoint> Endpoints => _endpoints;

    private readonly Dictionary<Listener, IPEndPoint> _endpoints = [];

    /// <summary>A local mailbox the submission tests log in as (an ORG box: password login stays allowed for it, REQ-15).</summary>
    public static string User => "secretariat@" + TestPki.LocalDomain;

    /// <summary>Another local mailbox, the recipient of the tests.</summary>
    public static string Recipient => "accueil@" + TestPki.LocalDomain;

    /// <summary>A sender at the peer operator (MX tests).</summary>
    public static string PeerSender => "jean.dupont@" + TestPki.PeerDomain;

    /// <summary>
    /// Starts the three listeners. <paramref name="configure"/> adjusts the options shared by all of them;
    /// <paramref name="store"/> chooses the message store (default: SQLite in the node's folder).
    /// </summary>
    public static async Task<SmtpTestServer> StartAsync(
        Func<SmtpServerOptions, SmtpServerOptions>? configure = null,
        IEnumerable<ISmtpPolicy>? extraHooks = null,
        DestinationSizeLimits? limits = null,
        StoreSettings? store = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("caducee-smtp-");
        var pki = new TestPki(directory.FullName);
        var storage = await NodeStorage.OpenAsync(Path.Combine(directory.FullName, "node"), CancellationToken.None, store: store ?? StoreSettings.Default);
        var logs = new CapturingLogs();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var server = new SmtpTestServer(directory, pki, storage, logs, loggerFactory);
        await server.InitialiseAsync(configure, extraHooks ?? [], limits ?? DestinationSizeLimits.Default);
        return server;
    }

    private async Task InitialiseAsync(Func<SmtpServerOptions, SmtpServerOptions>? configure, IEnumerable<ISmtpPolicy> extraHooks, DestinationSizeLimits limits)
    {
        await Storage.Store.AddDomainAsync(TestPki.LocalDomain, CancellationToken.None);
        foreach (var (address, kind) in new[] { (User, MailboxKind.Org), (Recipient, MailboxKind.Org) })
        {
            await Storage.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse(address), kind, PrincipalRef.Structure("355555555500011")) { PasswordHash = PasswordHasher.Hash(Password) }, CancellationToken.None);
        }

        var peerDn = DistinguishedName.FromX500(TestPki.PeerDn).ToString();
        var localDn = DistinguishedName.FromCertificate(Pki.Server).ToString();
        var document = new WhitelistDocument(DateTimeOffset.UtcNow,
        [
            new WhitelistDomain(TestPki.PeerDomain, "CH Nord", peerDn, null, null, null),
            new WhitelistDomain(TestPki.LocalDomain, "Cabinet Sud", localDn, null, null, null),
            new WhitelistDomain("patient.mssante.fr", "Mon espace santé", "CN=mx.patient.mssante.fr,OU=000000000000000,O=CNAM,C=FR", null, null, null),
        ]);
        Assert.Null(Whitelist.TryApply(WhitelistXml.Write(document), null));
        Crls = new CrlStore(Pki.Trust, null);
        Assert.Null(Crls.TryApply(Pki.EmptyCrl(), "test"));

        static bool IsLocal(string domain) => string.Equals(domain, TestPki.LocalDomain, StringComparison.OrdinalIgnoreCase);
        var clock = TimeProvider.System;
        var policy = new SmtpPolicyPipeline([new MsSanteTrustPolicy(Whitelist, Pki.Trust, IsLocal, Crls), new DestinationSizePolicy(limits), .. extraHooks]);
        var auth = new AuthService(new MailStoreAuthDirectory(Storage.Store), new AuthOptions(), new LoginThrottle(clock, maxFailures: 5), new LoginThrottle(clock, maxFailures: 50));
        var services = new SmtpServices(Storage.Store, Storage.Store, Storage.Blobs, auth, policy, _signal, clock, _loggerFactory);
        var options = new SmtpServerOptions
        {
            Kind = SmtpListenerKind.Mx,
            HostName = "mx." + TestPki.LocalDomain,
            Certificate = SslStreamCertificateContext.Create(Pki.Server, [Pki.Organisations.Certificate], offline: true),
            IsLocalDomain = IsLocal,
            MaxMessageSize = 50L * 1024 * 1024,
        };
        options = configure?.Invoke(options) ?? options;
        Listen(Listener.Mx, options, services);
        Listen(Listener.Submission, options with { Kind = SmtpListenerKind.Submission }, services);
        Listen(Listener.Submissions, options with { Kind = SmtpListenerKind.Submission, ImplicitTls = true }, services);
    }

    private void Listen(Listener which, SmtpServerOptions options, SmtpServices services)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _listeners.Add(listener);
        _endpoints[which] = (IPEndPoint)listener.LocalEndpoint;
        var logger = _loggerFactory.CreateLogger("Caducee.Smtp");
        _tasks.Add(Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _tasks.Add(Task.Run(async () =>
                {
                    using (client)
                    {
                        await using var session = new SmtpSession(client.GetStream(), client.Client.RemoteEndPoint as IPEndPoint, options, services, logger);
                        await session.RunAsync(_stop.Token);
                    }
                }));
            }
        }));
    }

    /// <summary>The messages in the INBOX of a local mailbox, as stored (bytes read back from the blob store).</summary>
    public async Task<IReadOnlyList<byte[]>> InboxAsync(string address)
    {
        var mailbox = await Storage.Store.FindMailboxAsync(MailAddress.Parse(address), CancellationToken.None) ?? throw new InvalidOperationException(address);
        var inbox = await Storage.Store.GetFolderAsync(mailbox.Id, "INBOX", CancellationToken.None) ?? throw new InvalidOperationException("no INBOX");
        var result = new List<byte[]>();
        foreach (var message in await Storage.Store.ListMessagesAsync(inbox.Id, CancellationToken.None))
        {
            result.Add(await Storage.Blobs.ReadAsync(message.BlobId, CancellationToken.None));
        }

        return result;
    }

    /// <summary>The stored message whose bytes contain <paramref name="marker"/>.</summary>
    public async Task<byte[]> FindStoredAsync(string marker, string? mailbox = null) =>
        (await InboxAsync(mailbox ?? Recipient)).Single(m => System.Text.Encoding.UTF8.GetString(m).Contains(marker, StringComparison.Ordinal));

    /// <summary>Connects to a listener: plaintext, greeting read. For <see cref="Listener.Submissions"/> TLS comes first.</summary>
    public async Task<SmtpWire> ConnectAsync(Listener listener)
    {
        var wire = await SmtpWire.ConnectAsync(Endpoints[listener]);
        if (listener == Listener.Submissions)
        {
            await wire.StartTlsAsync(Pki, clientCertificate: null);
        }

        var greeting = await wire.ReadReplyAsync();
        Assert.Equal(220, greeting.Code);
        return wire;
    }

    /// <summary>Connects, EHLO, STARTTLS (with the peer's operator certificate on the MX), EHLO again, and AUTH on submission.</summary>
    public async Task<SmtpWire> ReadyAsync(Listener listener, bool authenticate = true, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        var wire = await ConnectAsync(listener);
        Assert.Equal(250, (await wire.CommandAsync("EHLO client.example")).Code);
        if (listener != Listener.Submissions)
        {
            Assert.Equal(220, (await wire.CommandAsync("STARTTLS")).Code);
            await wire.StartTlsAsync(Pki, listener == Listener.Mx ? clientCertificate ?? Pki.PeerClient : null);
            Assert.Equal(250, (await wire.CommandAsync("EHLO client.example")).Code);
        }

        if (authenticate && listener != Listener.Mx)
        {
            Assert.Equal(235, (await wire.CommandAsync("AUTH PLAIN " + SmtpWire.Plain(User, Password))).Code);
        }

        return wire;
    }

    /// <summary>MAIL FROM for the listener: the peer's sender on the MX, the logged-in user on submission.</summary>
    public static string SenderFor(Listener listener) => listener == Listener.Mx ? PeerSender : User;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        try
        {
            await Task.WhenAll(_tasks.ToArray()).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or TimeoutException)
        {
            // Sessions end with the listeners.
        }

        Storage.Dispose();
        _loggerFactory.Dispose();
        _signal.Dispose();
        _stop.Dispose();
        Pki.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(recursive: true);
    }
}
