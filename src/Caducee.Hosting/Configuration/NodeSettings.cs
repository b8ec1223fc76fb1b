// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net;
using System.Net.Security;
using Caducee.Core.Antivirus;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Policy;
using Caducee.Core.Routing;
using Caducee.Core.Security;
using Caducee.Primitives;
using Microsoft.Extensions.Configuration;

namespace Caducee.Hosting.Configuration;

/// <summary>Which part of the trust space a node plays.</summary>
public enum NodeRole
{
    Operator,
    Authority,
}

/// <summary>Certificate files of a node (PEM).</summary>
public sealed record TlsFiles(string Certificate, string Key, string? ClientCertificate, string? ClientKey, string TrustBundle);

/// <summary>
/// The listeners of an operator; a null endpoint is not opened. <paramref name="Submissions"/> is submission
/// and <paramref name="Imaps"/> IMAP over implicit TLS (465 and 993, RFC 8314).
/// </summary>
public sealed record OperatorListeners(IPEndPoint? Mx, IPEndPoint? Submission, IPEndPoint? Imap, IPEndPoint? Https, IPEndPoint? Submissions = null, IPEndPoint? Imaps = null);

/// <summary>
/// The IMAP limits of an operator (<c>Imap:*</c>, issue 6 point 5); APPENDLIMIT is <c>Limits:MaxMessageSize</c>.
/// The autologout (<paramref name="IdleTimeout"/>) is at least 30 minutes (RFC 9051 §5.4).
/// </summary>
public sealed record ImapSettings(
    int MaxConnectionsPerUser = 20,
    TimeSpan? IdleTimeout = null,
    TimeSpan? PreAuthTimeout = null,
    TimeSpan? CommandTimeout = null,
    int MaxLineLength = 64 * 1024,
    int MaxErrors = 20);

/// <summary>RFC 5321 §4.5.3.2 timeouts of the SMTP listeners (see <c>Caducee.Smtp.Server.SmtpTimeouts</c>); null keeps the RFC default.</summary>
public sealed record SmtpTimeoutSettings(
    TimeSpan? Greeting = null,
    TimeSpan? Mail = null,
    TimeSpan? Rcpt = null,
    TimeSpan? DataInitiation = null,
    TimeSpan? DataBlock = null,
    TimeSpan? DataTermination = null,
    TimeSpan? Command = null);

/// <summary>The clamd antivirus hook (REQ-44): where clamd listens, how long a scan may take, and whether a failed scan lets mail through.</summary>
public sealed record AntivirusSettings(ClamdEndpoint Clamd, TimeSpan Timeout, bool FailOpen);

/// <summary>
/// What the SMTP listeners of an operator enforce beyond the defaults (issue 5): the TLS cipher allow-list
/// (null: <see cref="TlsPolicy.DefaultCipherSuites"/>), the CRLs of the trust anchors (REQ-09), size limits
/// per destination (REQ-18), the DATA line limit, the antivirus and the timeouts.
/// </summary>
public sealed record SmtpInboundSettings
{
    public IReadOnlyList<TlsCipherSuite>? CipherSuites { get; init; }

    public IReadOnlyList<Uri> CrlUrls { get; init; } = [];

    public TimeSpan CrlInterval { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan CrlRetryInterval { get; init; } = TimeSpan.FromMinutes(5);

    public DestinationSizeLimits DestinationLimits { get; init; } = DestinationSizeLimits.Default;

    public int MaxLineLength { get; init; } = 1000;

    public AntivirusSettings? Antivirus { get; init; }

    public SmtpTimeoutSettings Timeouts { get; init; } = new();
}

/// <summary>
/// Publication of the operator's mailboxes to the Annuaire Santé (issue 7 point 6): the authority's FHIR base
/// (<c>Annuaire:PublicationUrl</c>), how often to reconcile (<c>Annuaire:PublicationInterval</c>).
/// </summary>
public sealed record AnnuairePublicationSettings(Uri Url, TimeSpan Interval);

/// <summary>
/// How an operator authenticates clients (<c>Auth:*</c>): which methods are on, and the OpenID Connect
/// issuer of XOAUTH2/OAUTHBEARER tokens with the trust bundle pinned to fetch its keys (null: those
/// mechanisms are off). See docs/adr/0005-authentication.md.
/// </summary>
public sealed record OperatorAuthSettings(AuthOptions Options, OidcOptions? Oidc, string? OidcTrustBundle)
{
    /// <summary>Production defaults: password methods on, but not for PER boxes (REQ-15); EXTERNAL on; no token issuer.</summary>
    public static readonly OperatorAuthSettings Default = new(new AuthOptions(), null, null);
}

/// <summary>
/// The authority's test Pro Santé Connect (<c>Psc:*</c>, MISSION §2 item 10): an OpenID Connect provider
/// at <c>/psc</c> for the test professionals. <paramref name="Issuer"/> null: derived from the HTTPS listener.
/// </summary>
public sealed record TestPscSettings(string? Issuer, string Audience, string ClientId, string ClientSecret, TimeSpan TokenLifetime, IReadOnlyList<string>? Scopes = null);

/// <summary>
/// The outbound queue (<c>Queue:*</c>, issue 5 point 5): lifetime before a bounce, the backoff ceiling, when the
/// delay notice goes (zero: never), and connection reuse (idle time, parallel sessions per destination,
/// transactions per session). The first retry delay is <see cref="OperatorSettings.QueueRetryDelay"/>.
/// </summary>
public sealed record QueueSettings(
    TimeSpan MaxLifetime,
    TimeSpan MaxRetryDelay,
    TimeSpan DelayNotice,
    TimeSpan ConnectionIdleTimeout,
    int MaxConnectionsPerDestination,
    int MaxTransactionsPerConnection,
    TimeSpan Lease,
    string NodeId)
{
    public static readonly QueueSettings Default = new(TimeSpan.FromDays(5), TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromSeconds(30), 4, 100, TimeSpan.FromMinutes(10), Environment.MachineName);
}

/// <summary>Whether and where the MX routing asks the DNS (<c>Routing:Dns</c>).</summary>
public enum DnsMode
{
    /// <summary>Static routes only (<c>Routes:*</c>).</summary>
    Off,

    /// <summary>The servers of /etc/resolv.conf.</summary>
    System,

    /// <summary>The servers listed in <c>Routing:Dns</c>.</summary>
    Servers,
}

/// <summary>
/// How domains without a static route are routed (<c>Routing:*</c>): DNS MX through the in-house client, to
/// <paramref name="Port"/> of each exchange (25), with the resolver's timeout and attempts (null: resolv.conf's
/// or 5 s and 2), AAAA records used when <paramref name="Ipv6"/>.
/// </summary>
public sealed record RoutingSettings(DnsMode Dns, IReadOnlyList<IPEndPoint> Servers, int Port, TimeSpan? Timeout, int? Attempts, bool Ipv6)
{
    /// <summary>No DNS: static routes only (the demo, tests).</summary>
    public static readonly RoutingSettings StaticOnly = new(DnsMode.Off, [], 25, null, null, true);
}

/// <summary>Which database holds a node's message store metadata.</summary>
public enum StoreProvider
{
    /// <summary>One SQLite file in the data folder (the default: one node).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, shared by every node of an operator.</summary>
    Postgres,
}

/// <summary>
/// The message store (<c>Store:*</c>, docs/store.md): <c>Store:Provider</c> (<c>sqlite</c> by default, or
/// <c>postgres</c>), <c>Store:ConnectionString</c> (PostgreSQL only; also from the environment variable
/// <c>CADUCEE__Store__ConnectionString</c>), <c>Store:BlobPath</c> (the encrypted message files; default
/// DIR/blobs; with several nodes, one folder they all share) and <c>Store:BlobFlush</c> (<c>group</c>, the
/// default: message files written at the same time share one <c>syncfs</c>; <c>file</c>: each is fsynced on
/// its own, for a file system other programs write to a lot).
/// </summary>
public sealed record StoreSettings(StoreProvider Provider, string? ConnectionString = null, string? BlobPath = null, bool GroupFlush = true, long FolderStateCache = StoreSettings.DefaultFolderStateCache)
{
    /// <summary>Message states a node keeps for large folders by default (32 bytes each: about 64 MB).</summary>
    public const long DefaultFolderStateCache = 2_000_000;

    public static readonly StoreSettings Default = new(StoreProvider.Sqlite);

    /// <summary>Never prints the connection string (it may hold a password).</summary>
    public override string ToString() => $"{Provider}{(BlobPath is null ? string.Empty : ", blobs in " + BlobPath)}";
}

/// <summary>An operator node's settings, validated; <paramref name="Publication"/> is null when publishing is off.</summary>
public sealed record OperatorSettings(
    string Name,
    string Domain,
    string HostName,
    string DataDir,
    OperatorListeners Listen,
    TlsFiles Tls,
    Uri WhitelistUrl,
    Uri? WhitelistChecksumUrl,
    TimeSpan WhitelistInterval,
    IReadOnlyDictionary<string, Route> Routes,
    long MaxMessageSize,
    TimeSpan QueueRetryDelay,
    AnnuairePublicationSettings? Publication = null,
    OperatorAuthSettings? Auth = null,
    SmtpInboundSettings? Inbound = null,
    QueueSettings? Queue = null,
    RoutingSettings? Routing = null,
    ImapSettings? Imap = null,
    StoreSettings? Store = null);

/// <summary>An authority node's settings, validated; <paramref name="DirectoryDatabase"/> (optional) is the Annuaire Santé SQLite file served at /fhir.</summary>
public sealed record AuthoritySettings(string DataDir, IPEndPoint Https, TlsFiles Tls, string WhitelistFile, string CaBundle, IReadOnlyDictionary<string, string> CrlFiles, string? DirectoryDatabase = null, TestPscSettings? Psc = null);

/// <summary>
/// Reads settings from configuration (JSON file, <c>CADUCEE__</c> environment variables, flags) and
/// checks every value; a wrong one raises a <see cref="ConfigurationException"/> that names the key, says
/// what is wrong and what is expected.
/// </summary>
public static class NodeSettings
{
    /// <summary>Builds configuration from a file, then environment variables, then explicit overrides (highest).</summary>
    public static IConfiguration Build(string? file, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new ConfigurationException("--config", $"file '{file}' does not exist", "the path of a configuration file written by 'caducee init'");
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("CADUCEE__");
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    public static NodeRole Role(IConfiguration c) => Enum(c, "Role", NodeRole.Operator);

    public static OperatorSettings Operator(IConfiguration c, string baseDir)
    {
        var domain = Required(c, "Domain", "a domain name such as hopital-nord.mssante.fr");
        if (!DomainName.IsValid(domain))
        {
            throw new ConfigurationException("Domain", $"'{domain}' is not a valid domain name", "a domain name such as hopital-nord.mssante.fr");
        }

        // The SMTP inbound keys first: a bad cipher suite is reported whatever else is missing.
        var inbound = Inbound(c);
        var store = Store(c, baseDir);
        var routes = new Dictionary<string, Route>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in c.GetSection("Routes").GetChildren())
        {
            // "host:port" or "host:port tls-name"
            var parts = (child.Value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var key = "Routes:" + child.Key;
            if (parts.Length is < 1 or > 2 || !TrySplitHostPort(parts[0], out var host, out var port))
            {
                throw new ConfigurationException(key, $"'{child.Value}' is not a route", "\"host:port\" or \"host:port tls-name\", e.g. \"127.0.0.1:2525 mx.cabinet-sud.mssante.fr\"");
            }

            routes[child.Key.ToLowerInvariant()] = new Route(host, port, parts.Length == 2 ? parts[1] : host);
        }

        return new OperatorSettings(
            Name: c["Name"] ?? domain.Split('.')[0],
            Domain: domain.ToLowerInvariant(),
            HostName: c["HostName"] ?? "mx." + domain,
            DataDir: ResolvePath(baseDir, c["DataDir"] ?? "data"),
            Listen: new OperatorListeners(
                Endpoint(c, "Listen:Mx"),
                Endpoint(c, "Listen:Submission"),
                Endpoint(c, "Listen:Imap"),
                Endpoint(c, "Listen:Https"),
                Endpoint(c, "Listen:Submissions"),
                Endpoint(c, "Listen:Imaps")),
            Tls: Tls(c, baseDir, clientRequired: true),
            WhitelistUrl: Url(c, "Whitelist:Url", required: true)!,
            WhitelistChecksumUrl: Url(c, "Whitelist:ChecksumUrl", required: false),
            WhitelistInterval: Duration(c, "Whitelist:Interval", TimeSpan.FromHours(1)),
            Routes: routes,
            MaxMessageSize: Size(c, "Limits:MaxMessageSize", 50L * 1024 * 1024),
            QueueRetryDelay: Duration(c, "Queue:RetryDelay", TimeSpan.FromMinutes(1)),
            Publication: Publication(c),
            Auth: Auth(c, baseDir),
            Inbound: inbound,
            Queue: Queue(c),
            Routing: Routing(c),
            Imap: Imap(c),
            Store: store);
    }

    /// <summary>The <c>Queue:*</c> keys (besides <c>Queue:RetryDelay</c>).</summary>
    public static QueueSettings Queue(IConfiguration c)
    {
        var d = QueueSettings.Default;
        var notice = c["Queue:DelayNotice"];
        var delayNotice = string.Equals(notice?.Trim(), "off", StringComparison.OrdinalIgnoreCase)
            ? TimeSpan.Zero
            : Duration(c, "Queue:DelayNotice", d.DelayNotice);
        var lifetime = Duration(c, "Queue:MaxLifetime", d.MaxLifetime);
        if (delayNotice >= lifetime)
        {
            throw new ConfigurationException("Queue:DelayNotice", $"'{notice}' is not shorter than Queue:MaxLifetime ({lifetime})", "a duration shorter than the lifetime, e.g. 04:00:00, or off");
        }

        return new QueueSettings(
            lifetime,
            Duration(c, "Queue:MaxRetryDelay", d.MaxRetryDelay),
            delayNotice,
            Duration(c, "Queue:ConnectionIdleTimeout", d.ConnectionIdleTimeout),
            Count(c, "Queue:MaxConnectionsPerDestination", d.MaxConnectionsPerDestination, 1, 100),
            Count(c, "Queue:MaxTransactionsPerConnection", d.MaxTransactionsPerConnection, 1, 10_000),
            Duration(c, "Queue:Lease", d.Lease),
            string.IsNullOrWhiteSpace(c["Queue:NodeId"]) ? d.NodeId : c["Queue:NodeId"]!.Trim());
    }

    /// <summary>
    /// The <c>Routing:*</c> keys: <c>Routing:Dns</c> is <c>system</c> (default: /etc/resolv.conf), <c>off</c> (static
    /// routes only) or a list of servers <c>ip[:port]</c>; <c>Routing:Port</c> (25), <c>Routing:DnsTimeout</c>,
    /// <c>Routing:DnsAttempts</c>, <c>Routing:Ipv6</c> (true).
    /// </summary>
    public static RoutingSettings Routing(IConfiguration c)
    {
        var values = List(c, "Routing:Dns");
        var mode = DnsMode.System;
        var servers = new List<IPEndPoint>();
        if (values.Count == 1 && values[0].Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            mode = DnsMode.Off;
        }
        else if (values.Count > 0 && !(values.Count == 1 && values[0].Equals("system", StringComparison.OrdinalIgnoreCase)))
        {
            mode = DnsMode.Servers;
            foreach (var value in values)
            {
                if (IPEndPoint.TryParse(value, out var endpoint))
                {
                    // No port given: 53.
                    servers.Add(endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint);
                }
                else
                {
                    throw new ConfigurationException("Routing:Dns", $"'{value}' is not a DNS server address", "system (the servers of /etc/resolv.conf), off (static routes only), or addresses such as 192.0.2.53 or 127.0.0.1:5353");
                }
            }
        }

        int? attempts = string.IsNullOrWhiteSpace(c["Routing:DnsAttempts"]) ? null : Count(c, "Routing:DnsAttempts", 2, 1, 5);
        return new RoutingSettings(
            mode,
            servers,
            Count(c, "Routing:Port", 25, 1, 65535),
            OptionalDuration(c, "Routing:DnsTimeout"),
            attempts,
            Bool(c, "Routing:Ipv6", true));
    }

    private static int Count(IConfiguration c, string key, int fallback, int min, int max)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ConfigurationException(key, $"'{value}' is not a whole number from {min} to {max}", $"e.g. {fallback}");
    }

    /// <summary>The <c>Imap:*</c> keys: MaxConnectionsPerUser, IdleTimeout (at least 30 minutes), PreAuthTimeout, CommandTimeout, MaxLineLength, MaxErrors.</summary>
    public static ImapSettings Imap(IConfiguration c)
    {
        var idle = OptionalDuration(c, "Imap:IdleTimeout");
        if (idle < TimeSpan.FromMinutes(30))
        {
            throw new ConfigurationException("Imap:IdleTimeout", $"'{c["Imap:IdleTimeout"]}' is shorter than 30 minutes", "at least 00:30:00: RFC 9051 §5.4 forbids an earlier autologout");
        }

        return new ImapSettings(
            Count(c, "Imap:MaxConnectionsPerUser", 20, min: 0, "a number of connections, e.g. 20 (0: no limit)"),
            idle,
            OptionalDuration(c, "Imap:PreAuthTimeout"),
            OptionalDuration(c, "Imap:CommandTimeout"),
            Count(c, "Imap:MaxLineLength", 64 * 1024, min: 1024, "octets, at least 1024, e.g. 65536"),
            Count(c, "Imap:MaxErrors", 20, min: 1, "a number of errors, e.g. 20"));
    }

    private static int Count(IConfiguration c, string key, int fallback, int min, string expected)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ConfigurationException(key, $"'{value}' is not allowed", expected);
    }

    /// <summary>The <c>Store:*</c> keys, checked without connecting (a database that cannot be reached is reported at start).</summary>
    public static StoreSettings Store(IConfiguration c, string baseDir)
    {
        var provider = Enum(c, "Store:Provider", StoreProvider.Sqlite);
        var connectionString = c["Store:ConnectionString"];
        var blobPath = string.IsNullOrWhiteSpace(c["Store:BlobPath"]) ? null : ResolvePath(baseDir, c["Store:BlobPath"]!.Trim());
        var flush = c["Store:BlobFlush"]?.Trim().ToLowerInvariant();
        var groupFlush = flush switch
        {
            null or "" or "group" => true,
            "file" => false,
            _ => throw new ConfigurationException("Store:BlobFlush", $"'{c["Store:BlobFlush"]}' is not allowed", "group (message files written together share one flush; the default) or file (each file flushed on its own)"),
        };
        var cache = c["Store:FolderStateCache"] is { } cacheText && !string.IsNullOrWhiteSpace(cacheText)
            ? long.TryParse(cacheText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var states)
                ? states
                : throw new ConfigurationException("Store:FolderStateCache", $"'{cacheText}' is not a number of message states", "an integer, e.g. 2000000 (about 64 MB; 0 keeps none)")
            : StoreSettings.DefaultFolderStateCache;
        if (provider == StoreProvider.Sqlite)
        {
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                throw new ConfigurationException("Store:ConnectionString", "set while Store:Provider is sqlite (the SQLite file is always DIR/caducee.db)", "Store:Provider set to postgres with it, or no Store:ConnectionString");
            }

            return new StoreSettings(provider, null, blobPath, groupFlush, cache);
        }

        const string Example = "an Npgsql connection string, e.g. \"Host=db.example;Database=caducee;Username=caducee;Password=…\" (or the environment variable CADUCEE__Store__ConnectionString, which keeps the password out of the file)";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ConfigurationException("Store:ConnectionString", "missing while Store:Provider is postgres", Example);
        }

        if (!Caducee.Storage.Postgres.PostgresDialect.TryValidate(connectionString, out var error))
        {
            throw new ConfigurationException("Store:ConnectionString", error, Example);
        }

        return new StoreSettings(provider, connectionString.Trim(), blobPath, groupFlush, cache);
    }

    /// <summary>
    /// <c>Annuaire:PublicationUrl</c> (https, the authority's FHIR base), <c>Annuaire:Publish</c> (the switch:
    /// true by default when the URL is set) and <c>Annuaire:PublicationInterval</c> (default 1 minute).
    /// </summary>
    private static AnnuairePublicationSettings? Publication(IConfiguration c)
    {
        var value = c["Annuaire:PublicationUrl"];
        var enabled = Bool(c, "Annuaire:Publish", fallback: !string.IsNullOrWhiteSpace(value));
        if (!enabled)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigurationException("Annuaire:PublicationUrl", "missing while Annuaire:Publish is true", "the authority's FHIR base, e.g. https://annuaire.mssante.fr/fhir, or Annuaire:Publish=false");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ConfigurationException("Annuaire:PublicationUrl", $"'{value}' is not an https URL", "the authority's FHIR base over TLS, e.g. https://annuaire.mssante.fr/fhir");
        }

        return new AnnuairePublicationSettings(url, Duration(c, "Annuaire:PublicationInterval", TimeSpan.FromMinutes(1)));
    }

    /// <summary>The <c>Auth:*</c> keys of an operator.</summary>
    public static OperatorAuthSettings Auth(IConfiguration c, string baseDir)
    {
        var options = new AuthOptions
        {
            PasswordMethods = Bool(c, "Auth:PasswordMethods", true),
            PasswordForPer = Bool(c, "Auth:PasswordForPer", false),
            External = Bool(c, "Auth:External", true),
        };
        var issuer = c["Auth:Oidc:Issuer"];
        if (string.IsNullOrWhiteSpace(issuer))
        {
            return new OperatorAuthSettings(options, null, null);
        }

        issuer = issuer.Trim();
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ConfigurationException("Auth:Oidc:Issuer", $"'{issuer}' is not an https URL", "the issuer identifier of the OpenID Connect provider, e.g. https://auth.esante.gouv.fr/auth/realms/esante-wallet");
        }

        var oidc = new OidcOptions
        {
            Issuer = issuer,
            Audience = Required(c, "Auth:Oidc:Audience", "the audience (aud) the issuer puts in access tokens for this operator"),
            Scope = c["Auth:Oidc:Scope"]?.Trim() ?? "scope_all",
            RppsClaim = string.IsNullOrWhiteSpace(c["Auth:Oidc:RppsClaim"]) ? "SubjectNameID" : c["Auth:Oidc:RppsClaim"]!.Trim(),
        };
        return new OperatorAuthSettings(options, oidc, OptionalFile(c, "Auth:Oidc:TrustBundle", baseDir));
    }

    /// <summary>The SMTP inbound keys: Tls:CipherSuites, Crl:*, Limits:DestinationMaxSize:*, Limits:MaxLineLength, Antivirus:*, Smtp:Timeouts:*.</summary>
    public static SmtpInboundSettings Inbound(IConfiguration c)
    {
        IReadOnlyList<TlsCipherSuite>? suites = null;
        var suiteNames = List(c, "Tls:CipherSuites");
        if (suiteNames.Count > 0)
        {
            if (!TlsPolicy.TryParseCipherSuites(suiteNames, out var parsed, out var error))
            {
                throw new ConfigurationException("Tls:CipherSuites", error!, "a list of IANA suite names, e.g. [\"TLS_AES_256_GCM_SHA384\", \"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384\"]");
            }

            suites = parsed;
        }

        var crlUrls = new List<Uri>();
        foreach (var value in List(c, "Crl:Urls"))
        {
            crlUrls.Add(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? uri
                : throw new ConfigurationException("Crl:Urls", $"'{value}' is not an http or https URL", "the URLs of the CRLs of the trust anchors' authorities, e.g. http://igc-sante.esante.gouv.fr/CRL/ACI-EL-ORG.crl"));
        }

        var limits = new Dictionary<string, long>(DestinationSizeLimits.Default.Limits, StringComparer.OrdinalIgnoreCase);
        foreach (var child in c.GetSection("Limits:DestinationMaxSize").GetChildren())
        {
            var key = "Limits:DestinationMaxSize:" + child.Key;
            if (!DomainName.IsValid(child.Key))
            {
                throw new ConfigurationException(key, $"'{child.Key}' is not a domain name", "a destination domain, e.g. \"patient.mssante.fr\": 25000000");
            }

            limits[child.Key.ToLowerInvariant()] = Size(c, key, 0);
        }

        AntivirusSettings? antivirus = null;
        if (!string.IsNullOrWhiteSpace(c["Antivirus:Clamd"]))
        {
            if (!ClamdEndpoint.TryParse(c["Antivirus:Clamd"]!, out var endpoint, out var error))
            {
                throw new ConfigurationException("Antivirus:Clamd", error!, "clamd's unix socket (an absolute path, e.g. /run/clamav/clamd.ctl) or host:port (e.g. 127.0.0.1:3310)");
            }

            antivirus = new AntivirusSettings(endpoint!, Duration(c, "Antivirus:Timeout", TimeSpan.FromMinutes(1)), Bool(c, "Antivirus:FailOpen", false));
        }

        var lineLength = c["Limits:MaxLineLength"];
        var maxLine = 1000;
        if (!string.IsNullOrWhiteSpace(lineLength) && (!int.TryParse(lineLength, NumberStyles.None, CultureInfo.InvariantCulture, out maxLine) || maxLine is > 0 and < 80))
        {
            throw new ConfigurationException("Limits:MaxLineLength", $"'{lineLength}' is not a line length", "octets including CRLF, at least 80 (RFC 5321 says 1000), or 0 for no limit");
        }

        return new SmtpInboundSettings
        {
            CipherSuites = suites,
            CrlUrls = crlUrls,
            CrlInterval = Duration(c, "Crl:Interval", TimeSpan.FromHours(1)),
            CrlRetryInterval = Duration(c, "Crl:RetryInterval", TimeSpan.FromMinutes(5)),
            DestinationLimits = new DestinationSizeLimits(limits),
            MaxLineLength = maxLine,
            Antivirus = antivirus,
            Timeouts = new SmtpTimeoutSettings(
                OptionalDuration(c, "Smtp:Timeouts:Greeting"),
                OptionalDuration(c, "Smtp:Timeouts:Mail"),
                OptionalDuration(c, "Smtp:Timeouts:Rcpt"),
                OptionalDuration(c, "Smtp:Timeouts:DataInitiation"),
                OptionalDuration(c, "Smtp:Timeouts:DataBlock"),
                OptionalDuration(c, "Smtp:Timeouts:DataTermination"),
                OptionalDuration(c, "Smtp:Timeouts:Command")),
        };
    }

    public static AuthoritySettings Authority(IConfiguration c, string baseDir)
    {
        var crls = c.GetSection("Crls").GetChildren().ToDictionary(x => x.Key, x => ExistingFile(c, "Crls:" + x.Key, baseDir));
        return new AuthoritySettings(
            DataDir: ResolvePath(baseDir, c["DataDir"] ?? "data"),
            Https: Endpoint(c, "Listen:Https") ?? throw new ConfigurationException("Listen:Https", "missing", "host:port, e.g. 0.0.0.0:443"),
            Tls: Tls(c, baseDir, clientRequired: false),
            WhitelistFile: ExistingFile(c, "Authority:WhitelistFile", baseDir),
            CaBundle: ExistingFile(c, "Tls:TrustBundle", baseDir),
            CrlFiles: crls,
            DirectoryDatabase: string.IsNullOrWhiteSpace(c["Authority:DirectoryDatabase"]) ? null : ResolvePath(baseDir, c["Authority:DirectoryDatabase"]!.Trim()),
            Psc: Bool(c, "Psc:Enabled", false)
                ? new TestPscSettings(
                    string.IsNullOrWhiteSpace(c["Psc:Issuer"]) ? null : c["Psc:Issuer"]!.Trim(),
                    c["Psc:Audience"]?.Trim() ?? "caducee-mssante",
                    c["Psc:ClientId"]?.Trim() ?? "caducee-test-client",
                    Required(c, "Psc:ClientSecret", "the secret test clients present to the test PSC's token endpoint"),
                    Duration(c, "Psc:TokenLifetime", TimeSpan.FromMinutes(10)),
                    string.IsNullOrWhiteSpace(c["Psc:Scopes"]) ? null : c["Psc:Scopes"]!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                : null);
    }

    private static TlsFiles Tls(IConfiguration c, string baseDir, bool clientRequired) => new(
        ExistingFile(c, "Tls:Certificate", baseDir),
        ExistingFile(c, "Tls:Key", baseDir),
        clientRequired ? ExistingFile(c, "Tls:ClientCertificate", baseDir) : OptionalFile(c, "Tls:ClientCertificate", baseDir),
        clientRequired ? ExistingFile(c, "Tls:ClientKey", baseDir) : OptionalFile(c, "Tls:ClientKey", baseDir),
        ExistingFile(c, "Tls:TrustBundle", baseDir));

    private static string Required(IConfiguration c, string key, string expected) =>
        string.IsNullOrWhiteSpace(c[key]) ? throw new ConfigurationException(key, "missing", expected) : c[key]!.Trim();

    private static string ExistingFile(IConfiguration c, string key, string baseDir)
    {
        var path = ResolvePath(baseDir, Required(c, key, "the path of an existing PEM or XML file"));
        return File.Exists(path) ? path : throw new ConfigurationException(key, $"file '{path}' does not exist", "the path of an existing file");
    }

    private static string? OptionalFile(IConfiguration c, string key, string baseDir) =>
        string.IsNullOrWhiteSpace(c[key]) ? null : ExistingFile(c, key, baseDir);

    private static IPEndPoint? Endpoint(IConfiguration c, string key)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!TrySplitHostPort(value, out var host, out var port) || !IPAddress.TryParse(host, out var ip))
        {
            throw new ConfigurationException(key, $"'{value}' is not a valid endpoint", "ip:port, e.g. 0.0.0.0:25 or 127.0.0.1:2525 (port 0 picks a free port)");
        }

        return new IPEndPoint(ip, port);
    }

    private static bool TrySplitHostPort(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        host = value[..colon].Trim('[', ']');
        return int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
    }

    private static Uri? Url(IConfiguration c, string key, bool required)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? throw new ConfigurationException(key, "missing", "an https:// URL, e.g. https://espacedeconfiance.mssante.fr/listeblanchemssante.xml") : null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri
            : throw new ConfigurationException(key, $"'{value}' is not an https URL", "an https:// URL (the whitelist is fetched over TLS only)");
    }

    private static TimeSpan Duration(IConfiguration c, string key, TimeSpan fallback)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new ConfigurationException(key, $"'{value}' is not a positive duration", "hh:mm:ss, e.g. 01:00:00");
    }

    /// <summary>A list given as a JSON array (Key:0, Key:1…) or as one comma- or space-separated string.</summary>
    private static List<string> List(IConfiguration c, string key)
    {
        var section = c.GetSection(key);
        var items = section.GetChildren().Select(x => x.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
        if (items.Count == 0 && !string.IsNullOrWhiteSpace(section.Value))
        {
            items.AddRange(section.Value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return items;
    }

    private static TimeSpan? OptionalDuration(IConfiguration c, string key) =>
        string.IsNullOrWhiteSpace(c[key]) ? null : Duration(c, key, TimeSpan.Zero);

    private static long Size(IConfiguration c, string key, long fallback)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ConfigurationException(key, $"'{value}' is not a positive number of octets", "an integer, e.g. 52428800 for 50 MB");
    }

    private static bool Bool(IConfiguration c, string key, bool fallback)
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return bool.TryParse(value.Trim(), out var b)
            ? b
            : throw new ConfigurationException(key, $"'{value}' is not a boolean", "true or false");
    }

    private static T Enum<T>(IConfiguration c, string key, T fallback)
        where T : struct, System.Enum
    {
        var value = c[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)
            ? parsed
            : throw new ConfigurationException(key, $"'{value}' is not allowed", "one of " + string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));
    }

    private static string ResolvePath(string baseDir, string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDir, path));
}
