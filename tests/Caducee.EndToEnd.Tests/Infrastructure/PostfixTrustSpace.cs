// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Host.Nodes;
using Caducee.Hosting.Configuration;
using Caducee.Hosting.Pki;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A trust space of two operators, one of them Postfix (issue 5 point 7): a demo-CA PKI, an authority publishing a
/// whitelist with both domains and their operator certificate DNs and the CRL, a Caducée operator
/// (cabinet.mssante.test, in process) routing pf.mssante.test to Postfix, and a private Postfix (pf.mssante.test)
/// routing cabinet.mssante.test to Caducée's MX; both ways over mutual TLS with demo-CA certificates.
/// </summary>
public sealed class PostfixTrustSpace : IAsyncLifetime
{
    public const string Domain = "cabinet.mssante.test";
    public const string PostfixDomain = "pf.mssante.test";
    public const string Password = "interop postfix 2026";

    private ILoggerFactory? _loggerFactory;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("caducee-pfx-");

    public CapturingLoggerProvider Logs { get; } = new();

    public DemoPki Pki { get; private set; } = null!;

    public AuthorityNode Authority { get; private set; } = null!;

    public OperatorNode Operator { get; private set; } = null!;

    public PostfixInstance Postfix { get; private set; } = null!;

    public X500DistinguishedName OperatorDn { get; } = NationalNames.Organisation("mx." + Domain, "355555555500011", "CABINET TEST", "Rhône (69)");

    public X500DistinguishedName PostfixDn { get; } = NationalNames.Organisation("mx." + PostfixDomain, "312345678900018", "CH POSTFIX", "Nord (59)");

    /// <summary>The local mailbox that submits and receives.</summary>
    public static MailAddress User => MailAddress.Parse("secretariat@" + Domain);

    public string Submission => Format(Operator.Endpoints["submission"]!);

    public string Submissions => Format(Operator.Endpoints["submissions"]!);

    public int MxPort => Operator.Endpoints["mx"]!.Port;

    public async Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        var root = Directory.FullName;
        Pki = DemoPki.OpenOrCreate(Path.Combine(root, "pki"));
        var authorityTls = Pki.Issue("authority", NationalNames.Organisation("espacedeconfiance.mssante.test", "100000000000000", "AUTORITE DE TEST", null), CertificateProfile.Server, ["localhost"]);
        var opServer = Pki.Issue("op-server", OperatorDn, CertificateProfile.Server, ["mx." + Domain, "localhost"]);
        var opClient = Pki.Issue("op-client", OperatorDn, CertificateProfile.OrganisationClient);
        var pfServer = Pki.Issue("pf-server", PostfixDn, CertificateProfile.Server, ["mx." + PostfixDomain]);
        var pfClient = Pki.Issue("pf-client", PostfixDn, CertificateProfile.OrganisationClient);

        var whitelist = Path.Combine(root, "listeblanchemssante.xml");
        await File.WriteAllBytesAsync(whitelist, WhitelistXml.Write(new WhitelistDocument(DateTimeOffset.UtcNow,
        [
            new WhitelistDomain(Domain, "Cabinet de test", DistinguishedName.FromX500(OperatorDn).ToString(), null, null, null),
            new WhitelistDomain(PostfixDomain, "Opérateur Postfix", DistinguishedName.FromX500(PostfixDn).ToString(), null, null, null),
        ])));
        Authority = await AuthorityNode.StartAsync(
            new AuthoritySettings(Path.Combine(root, "authority"), new IPEndPoint(IPAddress.Loopback, 0), new TlsFiles(authorityTls.Certificate, authorityTls.Key, null, null, Pki.BundlePem), whitelist, Pki.BundlePem, new Dictionary<string, string> { ["organisations.crl"] = Pki.Crl }),
            _loggerFactory,
            CancellationToken.None);
        var authorityUrl = $"https://127.0.0.1:{Authority.Endpoints["https"]!.Port}";

        var postfixMx = PostfixInstance.FreePort();
        var any = new IPEndPoint(IPAddress.Loopback, 0);
        var settings = new OperatorSettings(
            "cabinet",
            Domain,
            "mx." + Domain,
            Path.Combine(root, "operator"),
            new OperatorListeners(any, any, null, null, any),
            new TlsFiles(opServer.Certificate, opServer.Key, opClient.Certificate, opClient.Key, Pki.BundlePem),
            new Uri(authorityUrl + "/listeblanchemssante.xml"),
            new Uri(authorityUrl + "/checksum"),
            TimeSpan.FromMinutes(10),
            new Dictionary<string, Route> { [PostfixDomain] = new("127.0.0.1", postfixMx, "mx." + PostfixDomain) },
            50L * 1024 * 1024,
            TimeSpan.FromSeconds(1),
            Auth: new OperatorAuthSettings(new AuthOptions(), null, null),
            Inbound: new SmtpInboundSettings { CrlUrls = [new Uri(authorityUrl + "/pki/crl/organisations.crl")] },
            Queue: QueueSettings.Default with { NodeId = "postfix-interop" },
            Routing: RoutingSettings.StaticOnly);
        Operator = await OperatorNode.StartAsync(settings, _loggerFactory, CancellationToken.None);
        await Operator.Store.CreateMailboxAsync(new NewMailbox(User, MailboxKind.Org, PrincipalRef.Structure("355555555500011")) { PasswordHash = PasswordHasher.Hash(Password) }, CancellationToken.None);

        // Postfix presents its certificate with the chain (leaf, then the organisations CA).
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(Pki.BundlePem);
        var intermediate = bundle.Single(c => c.Subject != c.Issuer).ExportCertificatePem();
        var serverChain = Path.Combine(root, "pf-server-chain.pem");
        var clientChain = Path.Combine(root, "pf-client-chain.pem");
        await File.WriteAllTextAsync(serverChain, await File.ReadAllTextAsync(pfServer.Certificate) + "\n" + intermediate + "\n");
        await File.WriteAllTextAsync(clientChain, await File.ReadAllTextAsync(pfClient.Certificate) + "\n" + intermediate + "\n");
        var caducee = $"[127.0.0.1]:{MxPort}";
        Postfix = await PostfixInstance.StartAsync(
            new PostfixOptions
            {
                Domain = PostfixDomain,
                HostName = "mx." + PostfixDomain,
                Mailboxes = ["alice", "bob"],
                ServerCertificate = serverChain,
                ServerKey = pfServer.Key,
                CaBundle = Pki.BundlePem,
                ClientCertificate = clientChain,
                ClientKey = pfClient.Key,
                Transports = new Dictionary<string, string> { [Domain] = caducee },
                // Postfix checks Caducée's certificate against the demo CA and the MX name (level "secure").
                TlsPolicies = new Dictionary<string, string> { [caducee] = "secure match=mx." + Domain },
            },
            postfixMx);
    }

    /// <summary>The messages in the user's INBOX, as stored.</summary>
    public async Task<IReadOnlyList<byte[]>> InboxAsync()
    {
        var store = Operator.Store;
        var mailbox = (await store.FindMailboxAsync(User, CancellationToken.None))!;
        var inbox = (await store.GetFolderAsync(mailbox.Id, "INBOX", CancellationToken.None))!;
        var result = new List<byte[]>();
        foreach (var m in await store.ListMessagesAsync(inbox.Id, CancellationToken.None))
        {
            result.Add(await Blobs.ReadAsync(m.BlobId, CancellationToken.None));
        }

        return result;
    }

    private Caducee.Core.Ports.IBlobStore Blobs => Operator.Blobs;

    /// <summary>Waits for a message containing <paramref name="marker"/> in the user's INBOX.</summary>
    public async Task<string> WaitForInboxAsync(string marker, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = (await InboxAsync()).Select(System.Text.Encoding.UTF8.GetString).FirstOrDefault(m => m.Contains(marker, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no message with {marker} in {User}'s INBOX; postfix log:\n{Postfix.Log}");
            }

            await Task.Delay(100);
        }
    }

    private static string Format(IPEndPoint endpoint) => $"{endpoint.Address}:{endpoint.Port}";

    public async Task DisposeAsync()
    {
        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        if (Operator is not null)
        {
            await Operator.DisposeAsync();
        }

        if (Authority is not null)
        {
            await Authority.DisposeAsync();
        }

        _loggerFactory?.Dispose();
        Directory.Delete(recursive: true);
    }
}
