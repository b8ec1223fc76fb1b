// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Host.Nodes;
using Caducee.Hosting.Configuration;
using Caducee.Hosting.Pki;
using Caducee.Pki;
using Caducee.Primitives;
using Microsoft.Extensions.Logging.Abstractions;

namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The demo, plus what the auth tests need around it: a second mailbox owned by the practice's doctor
/// (so a certificate or token fits two boxes), and two more operators on the same trust space with the
/// production password rules: one where PER boxes may not use passwords (REQ-15, the default), one with
/// password methods switched off entirely.
/// </summary>
public sealed class AuthFixture : IAsyncLifetime
{
    public const string StrictDomain = "clinique-est.mssante.test";
    public const string NoPasswordDomain = "clinique-ouest.mssante.test";

    private readonly List<OperatorNode> _extra = [];

    public DemoFixture Demo { get; } = new();

    /// <summary>The practice doctor's second box (a CAB owned by the same RPPS).</summary>
    public string SecondBox => $"cabinet.{Demo.Practice.Mailboxes[0].Address.Split('@')[0]}@{Demo.Practice.Domain}";

    /// <summary>Operator with the production default: passwords on, but not for PER boxes.</summary>
    public OperatorNode Strict => _extra[0];

    /// <summary>Operator with Auth:PasswordMethods = false.</summary>
    public OperatorNode NoPassword => _extra[1];

    /// <summary>The password of every mailbox created on the extra operators.</summary>
    public static string PasswordOf(string address) => "pw-" + address;

    public async Task InitializeAsync()
    {
        await Demo.InitializeAsync();
        var practiceDoctor = Demo.Practice.Mailboxes[0];
        await Demo.Demo.Operators[1].Store.CreateMailboxAsync(
            new NewMailbox(MailAddress.Parse(SecondBox), MailboxKind.Cab, PrincipalRef.Professional(practiceDoctor.Rpps!)) { Metadata = new MailboxMetadata("Cabinet"), PasswordHash = PasswordHasher.Hash("unused-" + Guid.NewGuid()) }, default);

        var doctorRpps = Demo.Hospital.Mailboxes[0].Rpps!;
        _extra.Add(await StartOperatorAsync("clinique-est", StrictDomain, new AuthOptions(), doctorRpps));
        _extra.Add(await StartOperatorAsync("clinique-ouest", NoPasswordDomain, new AuthOptions { PasswordMethods = false, PasswordForPer = true }, doctorRpps));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _extra)
        {
            await node.DisposeAsync();
        }

        await Demo.DisposeAsync();
    }

    public static string Endpoint(OperatorNode node, string listener)
    {
        var ep = node.Endpoints[listener]!;
        return $"{ep.Address}:{ep.Port}";
    }

    private async Task<OperatorNode> StartOperatorAsync(string name, string domain, AuthOptions auth, string doctorRpps)
    {
        var pki = DemoPki.OpenOrCreate(Path.Combine(Demo.Directory.FullName, "pki"));
        var dn = NationalNames.Organisation("mx." + domain, "355555555500011", "CLINIQUE " + name.ToUpperInvariant(), "Rhône (69)");
        var server = pki.Issue(name + "-server", dn, CertificateProfile.Server, ["mx." + domain, "localhost"]);
        var client = pki.Issue(name + "-client", dn, CertificateProfile.OrganisationClient);
        var psc = Demo.Json.Authority.Psc!;
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        var settings = new OperatorSettings(
            name,
            domain,
            "mx." + domain,
            Path.Combine(Demo.Directory.FullName, "extra", name),
            new OperatorListeners(null, loopback, loopback, null),
            new TlsFiles(server.Certificate, server.Key, client.Certificate, client.Key, pki.BundlePem),
            new Uri(Demo.Json.Authority.Whitelist),
            null,
            TimeSpan.FromHours(1),
            new Dictionary<string, Route>(),
            10L * 1024 * 1024,
            TimeSpan.FromMinutes(1),
            Auth: new OperatorAuthSettings(auth, new OidcOptions { Issuer = psc.Issuer, Audience = psc.Audience, Scope = "scope_all" }, pki.BundlePem));
        var node = await OperatorNode.StartAsync(settings, NullLoggerFactory.Instance, default);
        foreach (var (local, kind, owner) in new[] { ("dr.dupont", MailboxKind.Per, doctorRpps), ("accueil", MailboxKind.Org, "355555555500011") })
        {
            var address = $"{local}@{domain}";
            await node.Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse(address), kind, kind is MailboxKind.Per or MailboxKind.Cab ? PrincipalRef.Professional(owner) : PrincipalRef.Structure(owner)) { Metadata = new MailboxMetadata(local), PasswordHash = PasswordHasher.Hash(PasswordOf(address), iterations: 1000) }, default);
        }

        return node;
    }
}
