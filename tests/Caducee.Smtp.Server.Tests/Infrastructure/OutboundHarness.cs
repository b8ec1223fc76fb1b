// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using System.Text;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Core.Policy;
using Caducee.Core.Ports;
using Caducee.Core.Routing;
using Caducee.Core.Security;
using Caducee.Hosting;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Primitives;
using Caducee.Smtp.Server.Outbound;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>A clock the test moves by hand (backoff, delay notices, lifetime, idle sessions).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// The sending side of the relay, as an operator node runs it: the peer operator hopital-nord.mssante.test of the
/// test PKI, with its real SQLite store and blob files, the MSSanté trust policy (whitelist checked at relay time),
/// and a <see cref="QueueRunner"/> presenting its operator certificate (mutual TLS). A test enqueues messages as
/// the SMTP layer does (<see cref="IMailDelivery.AcceptAsync"/>) and runs the queue pass by pass on a manual clock.
/// </summary>
public sealed class OutboundHarness : IAsyncDisposable
{
    public const string Domain = TestPki.PeerDomain;

    private readonly DirectoryInfo _directory;
    private readonly CapturingLogs _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly QueueSignal _signal = new();

    private OutboundHarness(DirectoryInfo directory, NodeStorage storage, TestPki pki, ManualClock clock)
    {
        _directory = directory;
        Storage = storage;
        Pki = pki;
        Clock = clock;
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
    }

    public NodeStorage Storage { get; }

    public TestPki Pki { get; }

    public ManualClock Clock { get; }

    public QueueRunner Runner { get; private set; } = null!;

    public CapturingLogs Logs => _logs;

    public WhitelistStore Whitelist { get; } = new(null);

    /// <summary>The local sender (it receives the reports).</summary>
    public static MailAddress Sender => MailAddress.Parse("dr.martin@" + Domain);

    /// <summary>Starts the sending node; <paramref name="routes"/> is its route table, <paramref name="configure"/> adjusts the queue options.</summary>
    public static async Task<OutboundHarness> StartAsync(TestPki pki, IRouteResolver routes, Func<QueueOptions, QueueOptions>? configure = null, IEnumerable<string>? extraWhitelisted = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("caducee-outbound-");
        var storage = await NodeStorage.OpenAsync(Path.Combine(directory.FullName, "node"), CancellationToken.None);
        var harness = new OutboundHarness(directory, storage, pki, new ManualClock(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero)));
        await harness.InitialiseAsync(routes, configure, extraWhitelisted ?? []);
        return harness;
    }

    private async Task InitialiseAsync(IRouteResolver routes, Func<QueueOptions, QueueOptions>? configure, IEnumerable<string> extraWhitelisted)
    {
        await Storage.Store.AddDomainAsync(Domain, CancellationToken.None);
        await Storage.Store.CreateMailboxAsync(new NewMailbox(Sender, MailboxKind.Org, PrincipalRef.Structure("312345678900018")), CancellationToken.None);
        var localDn = DistinguishedName.FromCertificate(Pki.Server).ToString();
        var document = new WhitelistDocument(DateTimeOffset.UtcNow,
        [
            new WhitelistDomain(Domain, "CH Nord", DistinguishedName.FromX500(TestPki.PeerDn).ToString(), null, null, null),
            new WhitelistDomain(TestPki.LocalDomain, "Cabinet Sud", localDn, null, null, null),
            .. extraWhitelisted.Select(d => new WhitelistDomain(d, "Autre", localDn, null, null, null)),
        ]);
        Assert.Null(Whitelist.TryApply(WhitelistXml.Write(document), null));
        bool IsLocal(string d) => string.Equals(d, Domain, StringComparison.OrdinalIgnoreCase);
        var crls = new CrlStore(Pki.Trust, null);
        var policy = new SmtpPolicyPipeline([new MsSanteTrustPolicy(Whitelist, Pki.Trust, IsLocal, crls, Clock)]);
        var auth = new AuthService(new MailStoreAuthDirectory(Storage.Store), new AuthOptions(), new LoginThrottle(Clock, maxFailures: 5), new LoginThrottle(Clock, maxFailures: 50));
        var services = new SmtpServices(Storage.Store, Storage.Store, Storage.Blobs, auth, policy, _signal, Clock, _loggerFactory);
        var clientContext = SslStreamCertificateContext.Create(Pki.PeerClient, [Pki.Organisations.Certificate], offline: true);
        var client = new SmtpClientConnection("mx." + Domain, new TlsPolicy(), Pki.Trust, clientContext, TimeSpan.FromSeconds(10), Clock);
        var options = new QueueOptions { RetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromMinutes(30) };
        Runner = new QueueRunner(services, routes, client, configure?.Invoke(options) ?? options, "mx." + Domain, IsLocal);
    }

    /// <summary>A message as a submission client would send it, with a marker in its subject and body.</summary>
    public static byte[] Message(string marker, string? extraHeaders = null) => Encoding.UTF8.GetBytes(
        $"From: <{Sender}>\r\nTo: <destinataire@{TestPki.LocalDomain}>\r\nSubject: {marker}\r\nMessage-ID: <{marker}@test>\r\nX-MSS-NIL: {marker}\r\n{extraHeaders}\r\nCorps {marker}\r\n.ligne qui commence par un point\r\nFin.\r\n");

    /// <summary>Queues <paramref name="content"/> for the remote recipients, as the SMTP layer does after DATA.</summary>
    public async Task<string> EnqueueAsync(byte[] content, IEnumerable<OutboundRecipient> recipients, string? envelopeId = null, bool returnFull = true) =>
        (await Storage.Store.AcceptAsync(new AcceptedMessage(content, Clock.GetUtcNow(), Sender, [], [.. recipients], envelopeId, returnFull), CancellationToken.None)).QueueId;

    public static OutboundRecipient To(string localPart, NotifyOn notify = NotifyOn.Default, string? orcpt = null) =>
        new(MailAddress.Parse($"{localPart}@{TestPki.LocalDomain}"), notify, orcpt);

    public Task<int> RunOnceAsync() => Runner.RunOnceAsync(CancellationToken.None);

    public Task<int> PendingAsync() => Storage.Store.CountPendingAsync(CancellationToken.None);

    /// <summary>The reports (and any other message) in the sender's INBOX, as stored.</summary>
    public async Task<IReadOnlyList<string>> SenderInboxAsync()
    {
        var mailbox = (await Storage.Store.FindMailboxAsync(Sender, CancellationToken.None))!;
        var inbox = (await Storage.Store.GetFolderAsync(mailbox.Id, "INBOX", CancellationToken.None))!;
        var result = new List<string>();
        foreach (var m in await Storage.Store.ListMessagesAsync(inbox.Id, CancellationToken.None))
        {
            result.Add(Encoding.UTF8.GetString(await Storage.Blobs.ReadAsync(m.BlobId, CancellationToken.None)));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        Storage.Dispose();
        _loggerFactory.Dispose();
        _signal.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
