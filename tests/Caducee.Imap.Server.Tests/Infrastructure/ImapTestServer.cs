// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server.Tests.Infrastructure;

/// <summary>A mailbox created for one test: its address, password and id.</summary>
public sealed record TestUser(string Address, string Password, long MailboxId);

/// <summary>
/// The IMAP server of one operator over real loopback sockets on ports chosen by the OS: the real SQLite
/// store and encrypted blob files in a temporary folder, the shared auth component, real TLS with a
/// certificate of a generated test PKI. Two listeners like a node's: STARTTLS (143) and implicit TLS (993).
/// Each test creates its own mailboxes, so tests of one class share the server safely.
/// </summary>
public sealed class ImapTestServer : IAsyncDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggerFactory;
    private int _users;

    private ImapTestServer(DirectoryInfo directory, TestPki pki, NodeStorage storage, CapturingLogs logs, ILoggerFactory loggerFactory, ImapServerOptions options)
    {
        Directory = directory;
        Pki = pki;
        Storage = storage;
        Logs = logs;
        _loggerFactory = loggerFactory;
        Options = options;
    }

    public DirectoryInfo Directory { get; }

    public TestPki Pki { get; }

    public NodeStorage Storage { get; }

    public CapturingLogs Logs { get; }

    public ImapServerOptions Options { get; }

    public ImapServices Services { get; private set; } = null!;

    /// <summary>The STARTTLS listener (143 style).</summary>
    public IPEndPoint Endpoint { get; private set; } = null!;

    /// <summary>The implicit-TLS listener (993 style).</summary>
    public IPEndPoint TlsEndpoint { get; private set; } = null!;

    public string SpoolDirectory => Path.Combine(Directory.FullName, "spool");

    /// <summary>
    /// Starts a node. <paramref name="store"/>: its metadata store (default SQLite in the node's folder).
    /// <paramref name="peerOf"/>: another node of the same PostgreSQL database, as a second machine of one
    /// operator is set up (docs/store.md): the same master key copied into its folder, the blob folder of the
    /// first node as its <c>Store:BlobPath</c>, the domain already there.
    /// </summary>
    public static async Task<ImapTestServer> StartAsync(Func<ImapServerOptions, ImapServerOptions>? configure = null, StoreSettings? store = null, ImapTestServer? peerOf = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("caducee-imap-");
        var pki = new TestPki();
        var nodeDirectory = Path.Combine(directory.FullName, "node");
        if (peerOf is not null)
        {
            var layout = new DataLayout(nodeDirectory);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(layout.MasterKey)!);
            File.Copy(peerOf.Storage.Layout.MasterKey, layout.MasterKey);
            store = (store ?? peerOf.Storage.Settings) with { BlobPath = peerOf.Storage.Settings.BlobPath ?? peerOf.Storage.Layout.Blobs };
        }

        var storage = await NodeStorage.OpenAsync(nodeDirectory, CancellationToken.None, store: store);
        if (peerOf is null)
        {
            await storage.Store.AddDomainAsync(TestPki.Domain, CancellationToken.None);
        }
        var logs = new CapturingLogs();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var options = new ImapServerOptions
        {
            HostName = "imap." + TestPki.Domain,
            Certificate = SslStreamCertificateContext.Create(pki.Server, [pki.Organisations.Certificate], offline: true),
            SpoolDirectory = Path.Combine(directory.FullName, "spool"),
        };
        options = configure?.Invoke(options) ?? options;
        var server = new ImapTestServer(directory, pki, storage, logs, loggerFactory, options);
        server.Start();
        return server;
    }

    private void Start()
    {
        var clock = TimeProvider.System;
        // The demo's switch: passwords for PER boxes too, so tests log in as a secretary's personal box.
        var auth = new AuthService(new MailStoreAuthDirectory(Storage.Store), new AuthOptions { PasswordForPer = true }, new LoginThrottle(clock, maxFailures: 1000), new LoginThrottle(clock, maxFailures: 10_000));
        Services = new ImapServices(Storage.Store, Storage.Blobs, auth, clock, _loggerFactory);
        Endpoint = Listen(new ImapConnectionHandler(Options, Services));
        TlsEndpoint = Listen(new ImapConnectionHandler(Options with { ImplicitTls = true }, Services));
    }

    private IPEndPoint Listen(ImapConnectionHandler handler)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _listeners.Add(listener);
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

                var session = Task.Run(async () =>
                {
                    using (client)
                    {
                        client.NoDelay = true;
                        await handler.RunAsync(client.GetStream(), client.Client.RemoteEndPoint as IPEndPoint, _stop.Token);
                    }
                });
                lock (_tasks)
                {
                    _tasks.Add(session);
                }
            }
        }));
        return (IPEndPoint)listener.LocalEndpoint;
    }

    /// <summary>Creates a mailbox with a fresh address ("prefix-n@domain") and a random password.</summary>
    public async Task<TestUser> CreateUserAsync(string prefix = "user", MailboxKind kind = MailboxKind.Org)
    {
        var n = Interlocked.Increment(ref _users);
        var address = $"{prefix}-{n}@{TestPki.Domain}";
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var owner = kind is MailboxKind.Per or MailboxKind.Cab ? PrincipalRef.Professional("10" + n.ToString("D9", System.Globalization.CultureInfo.InvariantCulture)) : PrincipalRef.Structure("355555555500011");
        var mailbox = await Storage.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse(address), kind, owner) { PasswordHash = PasswordHasher.Hash(password) }, CancellationToken.None);
        return new TestUser(address, password, mailbox.Id);
    }

    /// <summary>Delivers a message to a user's INBOX the way SMTP does (the store's delivery path).</summary>
    public async Task<long> DeliverAsync(TestUser user, string message)
    {
        var result = await Storage.Store.AcceptAsync(new AcceptedMessage(System.Text.Encoding.UTF8.GetBytes(message), DateTimeOffset.UtcNow, null, [user.MailboxId], [], null, false), CancellationToken.None);
        Assert.True(result.AllLocalDelivered);
        return result.Local[0].Uid;
    }

    /// <summary>Appends sample messages to a folder of a user (tests/TestData/imap/messages, in name order).</summary>
    public async Task SeedAsync(TestUser user, string folder = "INBOX")
    {
        var target = await Storage.Store.GetFolderAsync(user.MailboxId, folder, CancellationToken.None) ?? throw new InvalidOperationException(folder);
        var messages = System.IO.Directory.EnumerateFiles(TestPaths.Messages, "*.eml").Order(StringComparer.Ordinal)
            .Select((file, i) => new AppendMessage(File.ReadAllBytes(file), InternalDate: new DateTimeOffset(2026, 1, 10 + i, 9, 30, 0, TimeSpan.Zero)))
            .ToList();
        await Storage.Store.AppendAsync(target.Id, messages, CancellationToken.None);
    }

    /// <summary>Gives <paramref name="delegate"/> rights on every folder of <paramref name="owner"/>'s mailbox (the ORG box is shared with a secretary).</summary>
    public async Task ShareAsync(TestUser owner, TestUser @delegate, string rights)
    {
        foreach (var folder in await Storage.Store.ListFoldersAsync(owner.MailboxId, CancellationToken.None))
        {
            await Storage.Store.SetAclAsync(folder.Id, @delegate.Address, AclModification.Replace, AclRights.Parse(rights), CancellationToken.None);
        }
    }

    /// <summary>Connects to the STARTTLS listener and logs in (STARTTLS then LOGIN).</summary>
    public async Task<ImapClient> LoginAsync(TestUser user)
    {
        var client = await ImapClient.ConnectAsync(Endpoint, Pki);
        await client.StartTlsAsync();
        var response = await client.CommandAsync($"LOGIN \"{user.Address}\" \"{user.Password}\"");
        Assert.True(response.IsOk, response.ToString());
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        await Storage.DisposeAsync();
        _loggerFactory.Dispose();
        Pki.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a session being torn down; the temporary folder is left.
        }
    }
}
