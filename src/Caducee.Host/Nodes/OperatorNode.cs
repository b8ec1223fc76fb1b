// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using Caducee.Annuaire.Publishing;
using Caducee.Core.Antivirus;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Policy;
using Caducee.Core.Ports;
using Caducee.Core.Routing;
using Caducee.Core.Routing.Dns;
using Caducee.Core.Security;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Imap.Server;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Smtp.Server;
using Caducee.Smtp.Server.Outbound;
using Caducee.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Caducee.Host.Nodes;

/// <summary>
/// An operator node: MX (mutual TLS with other operators), submission (587 STARTTLS, 465 implicit TLS), IMAP
/// (143 STARTTLS, 993 implicit TLS) and HTTPS on one Kestrel, plus the outbound queue runner, the whitelist and CRL synchronizers, the Annuaire
/// Santé publisher and the store maintenance, over one data folder.
/// </summary>
public sealed partial class OperatorNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private readonly NodeStorage _storage;
    private readonly WhitelistSynchronizer _synchronizer;
    private readonly QueueSignal _signal;
    private readonly OidcTokenValidator? _oidc;
    private readonly HttpsDocumentSource? _issuerDocuments;
    private CrlSynchronizer? _crlSynchronizer;

    private OperatorNode(OperatorSettings settings, WebApplication app, NodeEndpoints endpoints, NodeStorage storage, WhitelistStore whitelist, WhitelistSynchronizer synchronizer, QueueRunner queue, QueueSignal signal, CrlStore crls, MailboxPublisher? publisher, OidcTokenValidator? oidc, HttpsDocumentSource? issuerDocuments)
    {
        Crls = crls;
        Publisher = publisher;
        _oidc = oidc;
        _issuerDocuments = issuerDocuments;
        Settings = settings;
        _app = app;
        Endpoints = endpoints;
        _storage = storage;
        Whitelist = whitelist;
        _synchronizer = synchronizer;
        Queue = queue;
        _signal = signal;
    }

    public OperatorSettings Settings { get; }

    public NodeEndpoints Endpoints { get; }

    public WhitelistStore Whitelist { get; }

    public QueueRunner Queue { get; }

    /// <summary>The CRLs of the trust anchors' authorities held by this node (REQ-09).</summary>
    public CrlStore Crls { get; }

    public IMailStore Store => _storage.Store;

    /// <summary>The message files (read only), for tests and tools that read what was delivered.</summary>
    public IBlobStore Blobs => _storage.Blobs;

    /// <summary>Publishes the mailboxes to the Annuaire Santé (null when <c>Annuaire:PublicationUrl</c> is not set).</summary>
    public MailboxPublisher? Publisher { get; }

    public static async Task<OperatorNode> StartAsync(OperatorSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var storage = await NodeStorage.OpenAsync(settings.DataDir, cancellationToken, store: settings.Store ?? StoreSettings.Default).ConfigureAwait(false);
        await storage.Store.AddDomainAsync(settings.Domain, cancellationToken).ConfigureAwait(false);
        var clock = TimeProvider.System;
        var trust = CertificateTrust.FromPemFile(settings.Tls.TrustBundle);
        var serverCertificate = PemFiles.Load(settings.Tls.Certificate, settings.Tls.Key);
        var serverContext = SslStreamCertificateContext.Create(serverCertificate, trust.Intermediates, offline: true);
        var clientCertificate = PemFiles.Load(settings.Tls.ClientCertificate!, settings.Tls.ClientKey!);
        var clientContext = SslStreamCertificateContext.Create(clientCertificate, trust.Intermediates, offline: true);

        var whitelist = new WhitelistStore(storage.Layout.WhitelistCache, clock);
        whitelist.LoadLastGood();
        var synchronizer = new WhitelistSynchronizer(whitelist, new WhitelistSource(settings.WhitelistUrl, settings.WhitelistChecksumUrl, settings.WhitelistInterval), trust, loggerFactory.CreateLogger<WhitelistSynchronizer>());
        await synchronizer.SyncOnceAsync(cancellationToken).ConfigureAwait(false);

        var inbound = settings.Inbound ?? new SmtpInboundSettings();
        var logger = loggerFactory.CreateLogger("Caducee.Operator");

        // REQ-09: the last good CRLs from disk first, then a fresh download (a failure keeps them).
        var crls = new CrlStore(trust, storage.Layout.CrlCache, clock);
        crls.LoadCache();
        CrlSynchronizer? crlSynchronizer = null;
        if (inbound.CrlUrls.Count > 0)
        {
            crlSynchronizer = new CrlSynchronizer(crls, new CrlSource(inbound.CrlUrls, inbound.CrlInterval, inbound.CrlRetryInterval), trust, loggerFactory.CreateLogger<CrlSynchronizer>(), clock);
            await crlSynchronizer.SyncOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LogNoCrlSource(logger);
        }

        bool IsLocal(string domain) => string.Equals(domain, settings.Domain, StringComparison.OrdinalIgnoreCase);
        List<ISmtpPolicy> hooks =
        [
            new MsSanteTrustPolicy(whitelist, trust, IsLocal, crls, clock),
            new DestinationSizePolicy(inbound.DestinationLimits),
        ];
        if (inbound.Antivirus is { } av)
        {
            hooks.Add(new AntivirusPolicy(new ClamdClient(av.Clamd, av.Timeout), av.FailOpen, loggerFactory.CreateLogger("Caducee.Antivirus")));
        }

        var policy = new SmtpPolicyPipeline(hooks);
        var authSettings = settings.Auth ?? OperatorAuthSettings.Default;
        HttpsDocumentSource? issuerDocuments = null;
        OidcTokenValidator? oidc = null;
        if (authSettings.Oidc is { } oidcOptions)
        {
            // The issuer's keys are fetched with a pinned bundle: its own (Auth:Oidc:TrustBundle) or the node's.
            issuerDocuments = new HttpsDocumentSource(authSettings.OidcTrustBundle is { } b ? CertificateTrust.FromPemFile(b) : trust);
            oidc = new OidcTokenValidator(oidcOptions, issuerDocuments, clock);
        }

        var auth = new AuthService(
            new MailStoreAuthDirectory(storage.Store),
            authSettings.Options,
            new LoginThrottle(clock, maxFailures: 5),
            new LoginThrottle(clock, maxFailures: 50),
            clientTrust: trust,
            revocation: new CrlRevocationCheck(trust, crls), // EXTERNAL certificates against the same CRLs as the MX (REQ-09)
            oidc: oidc);
        var signal = new QueueSignal();
        var smtpServices = new SmtpServices(storage.Store, storage.Store, storage.Blobs, auth, policy, signal, clock, loggerFactory);
        var tls = new TlsPolicy(inbound.CipherSuites);
        var listener = new SmtpServerOptions
        {
            Kind = SmtpListenerKind.Mx,
            HostName = settings.HostName,
            Certificate = serverContext,
            IsLocalDomain = IsLocal,
            MaxMessageSize = settings.MaxMessageSize,
            DrainLimit = settings.MaxMessageSize,
            MaxDataLineLength = inbound.MaxLineLength,
            Timeouts = Timeouts(inbound.Timeouts),
            Tls = tls,
        };
        var mx = new SmtpConnectionHandler(listener, smtpServices);
        var submission = new SmtpConnectionHandler(listener with { Kind = SmtpListenerKind.Submission }, smtpServices);
        var submissions = new SmtpConnectionHandler(listener with { Kind = SmtpListenerKind.Submission, ImplicitTls = true }, smtpServices);
        var imapSettings = settings.Imap ?? new ImapSettings();
        var imapDefaults = new ImapServerOptions { HostName = settings.HostName, Certificate = serverContext };
        var imapOptions = imapDefaults with
        {
            Tls = tls,
            MaxLiteralSize = settings.MaxMessageSize,
            MaxLineLength = imapSettings.MaxLineLength,
            MaxErrors = imapSettings.MaxErrors,
            MaxConnectionsPerUser = imapSettings.MaxConnectionsPerUser,
            IdleTimeout = imapSettings.IdleTimeout ?? imapDefaults.IdleTimeout,
            PreAuthTimeout = imapSettings.PreAuthTimeout ?? imapDefaults.PreAuthTimeout,
            CommandTimeout = imapSettings.CommandTimeout ?? imapDefaults.CommandTimeout,
            SpoolDirectory = Path.Combine(storage.Layout.Root, "spool"),
        };
        // One services object for both IMAP listeners: the per-user connection limit counts 143 and 993 together.
        var imapServices = new ImapServices(storage.Store, storage.Blobs, auth, clock, loggerFactory);
        var imap = new ImapConnectionHandler(imapOptions, imapServices);
        var imaps = new ImapConnectionHandler(imapOptions with { ImplicitTls = true }, imapServices);
        var client = new SmtpClientConnection(settings.HostName, tls, trust, clientContext, TimeSpan.FromMinutes(5), clock);
        var queueSettings = settings.Queue ?? QueueSettings.Default;
        var queueOptions = new QueueOptions
        {
            RetryDelay = settings.QueueRetryDelay,
            MaxLifetime = queueSettings.MaxLifetime,
            MaxRetryDelay = queueSettings.MaxRetryDelay,
            DelayNotice = queueSettings.DelayNotice,
            ConnectionIdleTimeout = queueSettings.ConnectionIdleTimeout,
            MaxConnectionsPerDestination = queueSettings.MaxConnectionsPerDestination,
            MaxTransactionsPerConnection = queueSettings.MaxTransactionsPerConnection,
            Lease = queueSettings.Lease,
            NodeId = queueSettings.NodeId,
        };
        var queue = new QueueRunner(smtpServices, Routes(settings, clock), client, queueOptions, settings.HostName, IsLocal);

        var endpoints = new NodeEndpoints();
        var builder = KestrelFactory.CreateBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            KestrelFactory.Protocol(endpoints, k, "mx", settings.Listen.Mx, mx.OnConnectedAsync);
            KestrelFactory.Protocol(endpoints, k, "submission", settings.Listen.Submission, submission.OnConnectedAsync);
            KestrelFactory.Protocol(endpoints, k, "submissions", settings.Listen.Submissions, submissions.OnConnectedAsync);
            KestrelFactory.Protocol(endpoints, k, "imap", settings.Listen.Imap, imap.OnConnectedAsync);
            KestrelFactory.Protocol(endpoints, k, "imaps", settings.Listen.Imaps, imaps.OnConnectedAsync);
            KestrelFactory.Https(endpoints, k, settings.Listen.Https, serverCertificate, trust.Intermediates);
        });
        var app = builder.Build();
        app.MapOperatorApi(settings.Domain, whitelist, storage.Store, clock);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        // The operator certificate that opens other operators' MX also authenticates its publications (REQ-26).
        var publisher = settings.Publication is { } publication
            ? new MailboxPublisher(
                new MailStoreMailboxSource(storage.Store),
                new MailboxPublisherOptions(publication.Url, publication.Interval),
                storage.Layout.AnnuairePublicationState,
                MailboxPublisher.CreateHandler(trust, clientCertificate),
                loggerFactory.CreateLogger<MailboxPublisher>())
            : null;
        var node = new OperatorNode(settings, app, endpoints, storage, whitelist, synchronizer, queue, signal, crls, publisher, oidc, issuerDocuments) { _crlSynchronizer = crlSynchronizer };
        node._background.Add(Task.Run(() => queue.RunAsync(node._stopping.Token), CancellationToken.None));
        node._background.Add(Task.Run(() => synchronizer.RunAsync(node._stopping.Token), CancellationToken.None));
        if (crlSynchronizer is not null)
        {
            node._background.Add(Task.Run(() => crlSynchronizer.RunAsync(node._stopping.Token), CancellationToken.None));
        }

        if (publisher is not null)
        {
            node._background.Add(Task.Run(() => publisher.RunAsync(node._stopping.Token), CancellationToken.None));
        }

        var maintenance = new StoreMaintenance(storage.Store, clock, loggerFactory.CreateLogger<StoreMaintenance>());
        node._background.Add(Task.Run(() => maintenance.RunAsync(node._stopping.Token), CancellationToken.None));

        return node;
    }

    /// <summary>The route table: static routes (<c>Routes:*</c>), then DNS MX unless <c>Routing:Dns</c> is off.</summary>
    private static RouteTable Routes(OperatorSettings settings, TimeProvider clock)
    {
        var routing = settings.Routing ?? RoutingSettings.StaticOnly;
        if (routing.Dns == DnsMode.Off)
        {
            return new RouteTable(settings.Routes, null);
        }

        var options = routing.Dns == DnsMode.System ? ResolvConf.Load() : DnsClientOptions.FromServers(routing.Servers);
        options = options with { Timeout = routing.Timeout ?? options.Timeout, Attempts = routing.Attempts ?? options.Attempts };
        return new RouteTable(settings.Routes, new MxRouteResolver(new DnsClient(options), routing.Port, clock, routing.Ipv6));
    }

    /// <summary>Fetches the CRLs now (tests, and after `pki revoke` on a demo). Returns the errors.</summary>
    public Task<IReadOnlyList<string>> RefreshCrlsAsync(CancellationToken cancellationToken) =>
        _crlSynchronizer?.SyncOnceAsync(cancellationToken) ?? Task.FromResult<IReadOnlyList<string>>(["no Crl:Urls configured"]);

    private static SmtpTimeouts Timeouts(SmtpTimeoutSettings t)
    {
        var d = new SmtpTimeouts();
        return new SmtpTimeouts
        {
            Greeting = t.Greeting ?? d.Greeting,
            Mail = t.Mail ?? d.Mail,
            Rcpt = t.Rcpt ?? d.Rcpt,
            DataInitiation = t.DataInitiation ?? d.DataInitiation,
            DataBlock = t.DataBlock ?? d.DataBlock,
            DataTermination = t.DataTermination ?? d.DataTermination,
            Command = t.Command ?? d.Command,
        };
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "No Crl:Urls configured: the MX cannot check revocation and answers 451 to every peer until CRLs are available (REQ-09)")]
    private static partial void LogNoCrlSource(ILogger logger);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        // Graceful for a few seconds, then Kestrel aborts the sessions left (they answer 421 / BYE).
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await Task.WhenAll(_background).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _synchronizer.Dispose();
        _crlSynchronizer?.Dispose();
        Publisher?.Dispose();
        _signal.Dispose();
        _oidc?.Dispose();
        _issuerDocuments?.Dispose();
        await _storage.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
