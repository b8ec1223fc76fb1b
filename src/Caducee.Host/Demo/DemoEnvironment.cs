// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Caducee.Annuaire.Generation;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Core.Security;
using Caducee.Host.Nodes;
using Caducee.Hosting.Configuration;
using Caducee.Hosting.Pki;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;
using Caducee.Pki;
using Caducee.Primitives;
using Caducee.Smtp.Server.Outbound;
using Microsoft.Extensions.Logging;

namespace Caducee.Host.Demo;

/// <summary>
/// `caducee demo`: a trust-space authority and two operators on 127.0.0.1, each with its own SQLite
/// folder under the demo folder, a generated PKI, demo mailboxes owned by professionals and structures of
/// the generated directory and published to it at start, and a first message that crosses the trust
/// space. Writes <c>demo.json</c> once every listener is ready. A second start reuses the folder.
/// </summary>
public sealed partial class DemoEnvironment : IAsyncDisposable
{
    /// <summary>Size of the demo's generated Annuaire Santé.</summary>
    public const int DirectoryProfessionals = 10_000;

    /// <summary>Folder (under the authority's) of the generated national extraction files.</summary>
    public const string DirectoryFilesFolder = "annuaire-files";

    /// <summary>How often the demo operators reconcile their publications (a change shows within seconds).</summary>
    public static readonly TimeSpan PublicationInterval = TimeSpan.FromSeconds(2);

    private const int DirectorySeed = 2026;

    /// <summary>The test PSC's audience and scope, as the demo operators require them (Auth:Oidc:Audience, Auth:Oidc:Scope).</summary>
    private const string PscAudience = "caducee-mssante";
    private const string PscScope = "scope_all";
    private const string PscClientId = "caducee-demo";
    /// <summary>MX, submission, IMAP, HTTPS, submissions (465), imaps (993).</summary>
    private const int PortsPerOperator = 6;
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private readonly ILogger _logger;
    private readonly AuthoritySettings _authoritySettings;
    private readonly ILoggerFactory _loggerFactory;
    private bool _authorityStopped;

    private DemoEnvironment(string root, AuthorityNode authority, IReadOnlyList<OperatorNode> operators, DemoJson json, ILogger logger, AuthoritySettings authoritySettings, ILoggerFactory loggerFactory)
    {
        Root = root;
        Authority = authority;
        Operators = operators;
        Json = json;
        _logger = logger;
        _authoritySettings = authoritySettings;
        _loggerFactory = loggerFactory;
    }

    public string Root { get; }

    public AuthorityNode Authority { get; private set; }

    public IReadOnlyList<OperatorNode> Operators { get; }

    public DemoJson Json { get; }

    public string DemoJsonPath => Path.Combine(Root, "demo.json");

    public static async Task<DemoEnvironment> StartAsync(string dataDir, int basePort, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("Caducee.Demo");
        var root = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(root);
        var pki = DemoPki.OpenOrCreate(Path.Combine(root, "pki"));
        RefreshCrlIfAging(pki);
        var secrets = await DemoSecrets.LoadAsync(Path.Combine(root, "secrets.json"), cancellationToken).ConfigureAwait(false);
        var ports = AllocatePorts(basePort, 1 + (PortsPerOperator * DemoPlan.Operators.Count));
        int Chosen(int index) => basePort == 0 ? 0 : ports[index];

        // Authority: whitelist of the operators' domains with their operator certificate DN (REQ-04).
        var authorityTls = pki.Issue("authority", NationalNames.Organisation("espacedeconfiance.mssante.test", "100000000000000", "AUTORITE DE TEST CADUCEE", null), CertificateProfile.Server, ["espacedeconfiance.mssante.test", "localhost"]);
        var authorityDir = Path.Combine(root, "authority");
        Directory.CreateDirectory(authorityDir);
        var now = DateTimeOffset.UtcNow;
        var domains = DemoPlan.Operators.Select(o => new WhitelistDomain(
            o.Domain,
            o.Organisation,
            DistinguishedName.FromX500(OperatorDn(o)).ToString(),
            "+33 1 00 00 00 00, contact@" + o.Domain,
            "+33 1 00 00 00 01, support@" + o.Domain,
            now));
        var whitelistFile = Path.Combine(authorityDir, "listeblanchemssante.xml");
        await File.WriteAllBytesAsync(whitelistFile, WhitelistXml.Write(new WhitelistDocument(now, domains)), cancellationToken).ConfigureAwait(false);
        var annuaire = await EnsureDirectoryAsync(authorityDir, logger, cancellationToken).ConfigureAwait(false);
        var pscSettings = new TestPscSettings(null, PscAudience, PscClientId, secrets.PasswordFor("psc-client:" + PscClientId), TimeSpan.FromMinutes(10));
        var authoritySettings = new AuthoritySettings(authorityDir, new IPEndPoint(IPAddress.Loopback, ports[0]), new TlsFiles(authorityTls.Certificate, authorityTls.Key, null, null, pki.BundlePem), whitelistFile, pki.BundlePem, new Dictionary<string, string> { ["organisations.crl"] = pki.Crl }, annuaire, pscSettings);
        var authority = await AuthorityNode.StartAsync(authoritySettings, loggerFactory, cancellationToken).ConfigureAwait(false);
        var authorityUrl = $"https://127.0.0.1:{authority.Endpoints["https"]!.Port}";
        var doctors = PickDoctors(authority.Annuaire!, DemoPlan.Operators);
        var psc = authority.Psc!;
        foreach (var (doctor, _) in doctors)
        {
            // The demo's doctors can get Pro Santé Connect tokens from the test PSC (test-only passwords).
            psc.RegisterProfessional(doctor.Rpps!, secrets.PasswordFor(PscPasswordKey(doctor.Rpps!)), doctor.GivenName, doctor.FamilyName);
        }

        var operatorAuth = new OperatorAuthSettings(
            new AuthOptions { PasswordForPer = true }, // the demo keeps passwords for PER boxes so password-only clients work (REQ-15 says no in production)
            new OidcOptions { Issuer = psc.Issuer, Audience = PscAudience, Scope = PscScope, RppsClaim = "SubjectNameID" },
            pki.BundlePem);

        var operators = new List<OperatorNode>();
        var operatorJson = new List<DemoOperatorJson>();
        try
        {
            for (var i = 0; i < DemoPlan.Operators.Count; i++)
            {
                var plan = WithDirectoryDoctor(DemoPlan.Operators[i], doctors[i]);
                var p = 1 + (PortsPerOperator * i);
                var serverTls = pki.Issue($"{plan.Name}-server", OperatorDn(plan), CertificateProfile.Server, [$"mx.{plan.Domain}", plan.Domain, "localhost"]);
                var clientTls = pki.Issue($"{plan.Name}-client", OperatorDn(plan), CertificateProfile.OrganisationClient);
                var routes = new Dictionary<string, Route>(StringComparer.OrdinalIgnoreCase);
                for (var j = 0; j < DemoPlan.Operators.Count; j++)
                {
                    if (j != i)
                    {
                        var other = DemoPlan.Operators[j];
                        routes[other.Domain] = new Route("127.0.0.1", ports[1 + (PortsPerOperator * j)], "mx." + other.Domain);
                    }
                }

                var settings = new OperatorSettings(
                    plan.Name,
                    plan.Domain,
                    "mx." + plan.Domain,
                    Path.Combine(root, "operators", plan.Name),
                    // With --base-port 0 only the MX ports are chosen ahead (the other operator's routes need them);
                    // the other listeners bind port 0 themselves, so no port can be taken between choice and bind.
                    new OperatorListeners(Loopback(ports[p]), Loopback(Chosen(p + 1)), Loopback(Chosen(p + 2)), Loopback(Chosen(p + 3)), Loopback(Chosen(p + 4)), Loopback(Chosen(p + 5))),
                    new TlsFiles(serverTls.Certificate, serverTls.Key, clientTls.Certificate, clientTls.Key, pki.BundlePem),
                    new Uri(authorityUrl + "/listeblanchemssante.xml"),
                    new Uri(authorityUrl + "/checksum"),
                    TimeSpan.FromMinutes(10),
                    routes,
                    50L * 1024 * 1024,
                    TimeSpan.FromSeconds(20),
                    Publication: new AnnuairePublicationSettings(new Uri(authorityUrl + "/fhir"), PublicationInterval),
                    Auth: operatorAuth,
                    Inbound: new SmtpInboundSettings
                    {
                        // REQ-09: the operators check peers against the CRL the authority publishes.
                        CrlUrls = [new Uri(authorityUrl + "/pki/crl/organisations.crl")],
                        CrlInterval = TimeSpan.FromMinutes(10),
                        CrlRetryInterval = TimeSpan.FromMinutes(1),
                    });
                var node = await OperatorNode.StartAsync(settings, loggerFactory, cancellationToken).ConfigureAwait(false);
                operators.Add(node);
                var mailboxes = await EnsureMailboxesAsync(node, plan, pki, secrets, cancellationToken).ConfigureAwait(false);

                // Published at start: once this returns, the demo's boxes are found through the FHIR API.
                var pass = await node.Publisher!.ReconcileAsync(cancellationToken).ConfigureAwait(false);
                LogPublished(logger, plan.Domain, pass.Published, pass.Refused, pass.TransientError ?? "none");
                operatorJson.Add(new DemoOperatorJson(
                    plan.Name,
                    plan.Domain,
                    Format(node.Endpoints["mx"]!),
                    Format(node.Endpoints["submission"]!),
                    Format(node.Endpoints["imap"]!),
                    "https://" + Format(node.Endpoints["https"]!),
                    new DemoCertJson(clientTls.Certificate, clientTls.Key),
                    mailboxes,
                    Format(node.Endpoints["submissions"]!),
                    Format(node.Endpoints["imaps"]!)));
            }
        }
        catch
        {
            foreach (var node in operators)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            await authority.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await secrets.SaveAsync(cancellationToken).ConfigureAwait(false);
        var pscJson = new DemoPscJson(psc.Issuer, psc.Issuer + "/.well-known/openid-configuration", psc.Issuer + "/token", PscClientId, pscSettings.ClientSecret, "openid " + PscScope, PscAudience);
        var json = new DemoJson(pki.BundlePem, new DemoAuthorityJson(authorityUrl, authorityUrl + "/listeblanchemssante.xml", authorityUrl + "/fhir", authorityUrl + "/api/annuaire", Path.Combine(authorityDir, DirectoryFilesFolder), pscJson), operatorJson);
        var environment = new DemoEnvironment(root, authority, operators, json, logger, authoritySettings, loggerFactory);
        await WritePrivateAsync(environment.DemoJsonPath, JsonSerializer.Serialize(json, s_json), cancellationToken).ConfigureAwait(false);

        if (!secrets.SampleSent)
        {
            try
            {
                await environment.SendSampleAsync(cancellationToken).ConfigureAwait(false);
                secrets.SampleSent = true;
                await secrets.SaveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await environment.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return environment;
    }

    /// <summary>
    /// Generates the demo's Annuaire Santé (<see cref="DirectoryProfessionals"/> professionals, fixed seed) into
    /// <c>authority/annuaire-files</c> and imports it into <c>authority/annuaire.db</c>, once: a marker file
    /// written after a complete import makes later starts reuse the database.
    /// </summary>
    private static async Task<string> EnsureDirectoryAsync(string authorityDir, ILogger logger, CancellationToken cancellationToken)
    {
        var database = Path.Combine(authorityDir, "annuaire.db");
        var marker = database + ".imported";
        if (File.Exists(marker) && File.Exists(database))
        {
            return database;
        }

        var started = Stopwatch.StartNew();
        foreach (var stale in new[] { database, database + "-wal", database + "-shm" }.Where(File.Exists))
        {
            File.Delete(stale);
        }

        var generated = DirectoryGenerator.Generate(DirectoryProfessionals, Path.Combine(authorityDir, DirectoryFilesFolder), DirectorySeed);
        using (var store = DirectoryStore.Open(database))
        {
            await store.ImportAsync(generated.Sources, new DirectoryImportOptions { Strict = true }, null, cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) + "\n", cancellationToken).ConfigureAwait(false);
        LogDirectory(logger, generated.Professionals, database, started.ElapsedMilliseconds);
        return database;
    }

    /// <summary>
    /// The demo's doctors are professionals of the generated directory: for each operator, the first médecin
    /// (profession 10) with an RPPS, in the directory's (deterministic) order, whose first activity is in an
    /// establishment with a FINESS (the hospital) or in a practice (the others); so every start picks the same.
    /// </summary>
    private static List<(DirectoryPractitioner Doctor, DirectoryStructure Structure)> PickDoctors(DirectoryStore directory, IReadOnlyList<DemoOperatorPlan> plans)
    {
        var picked = new List<(DirectoryPractitioner, DirectoryStructure)>();
        var candidates = directory.Search(new DirectoryQuery { ProfessionCode = "10", Count = 1000 }).Items;
        foreach (var plan in plans)
        {
            var (doctor, structure) = candidates
                .Where(p => p.Rpps is not null && p.GivenName.Length > 0 && Slug(p.GivenName).Length > 0 && Slug(p.FamilyName).Length > 0)
                .Where(p => picked.TrueForAll(q => Slug(q.Item1.GivenName) + Slug(q.Item1.FamilyName) != Slug(p.GivenName) + Slug(p.FamilyName)))
                .Select(p => (Doctor: p, Structure: p.Activities.Count > 0 ? p.Activities[0].Structure : null))
                .First(c => c.Structure is not null && (c.Structure.FinessSite is not null) == plan.Establishment);
            picked.Add((doctor, structure!));
        }

        return picked;
    }

    /// <summary>
    /// Gives the plan's personal mailbox the identity (name, RPPS) of a directory professional, and its ORG
    /// and APP boxes to the structure where that professional practises.
    /// </summary>
    private static DemoOperatorPlan WithDirectoryDoctor(DemoOperatorPlan plan, (DirectoryPractitioner Doctor, DirectoryStructure Structure) pick) => plan with
    {
        Mailboxes = [.. plan.Mailboxes.Select(m => m.Kind == MailboxKind.Per
            ? m with
            {
                LocalPart = $"{Slug(pick.Doctor.GivenName)}.{Slug(pick.Doctor.FamilyName)}",
                DisplayName = $"Dr {pick.Doctor.GivenName} {pick.Doctor.FamilyName}",
                FirstName = pick.Doctor.GivenName,
                LastName = pick.Doctor.FamilyName,
                Rpps = pick.Doctor.Rpps,
            }
            : m)],
        MailboxStructureId = pick.Structure.NationalId,
    };

    /// <summary>Stops the authority and starts it again on the same port and data (tests: publications are durable).</summary>
    public async Task RestartAuthorityAsync(CancellationToken cancellationToken)
    {
        await StopAuthorityAsync().ConfigureAwait(false);
        await StartAuthorityAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the authority (tests: operators keep their changes and retry); <see cref="StartAuthorityAsync"/> brings it back.</summary>
    public async Task StopAuthorityAsync()
    {
        if (!_authorityStopped)
        {
            _authorityStopped = true;
            await Authority.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the stopped authority again, on the same port and data.</summary>
    public async Task StartAuthorityAsync(CancellationToken cancellationToken)
    {
        if (_authorityStopped)
        {
            Authority = await AuthorityNode.StartAsync(_authoritySettings, _loggerFactory, cancellationToken).ConfigureAwait(false);
            _authorityStopped = false;
        }
    }

    /// <summary>"Hélène", "LE GOFF" → "helene", "le-goff": the local-part form of a name.</summary>
    private static string Slug(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else if ((c is ' ' or '-' or '\'') && sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        return sb.ToString().Trim('-');
    }

    /// <summary>Submits a message as a demo mailbox through its operator's submission listener (STARTTLS + AUTH PLAIN).</summary>
    public async Task<SmtpReply> SubmitAsync(DemoOperatorJson from, DemoMailboxJson mailbox, IReadOnlyList<string> to, byte[] message, CancellationToken cancellationToken)
    {
        var trust = CertificateTrust.FromPemFile(Json.Ca);
        var client = new SmtpClientConnection("demo-client.localhost", new TlsPolicy(), trust, clientCertificate: null, TimeSpan.FromSeconds(30));
        var endpoint = IPEndPoint.Parse(from.Submission);
        var recipients = to.Select((a, i) => new QueueRecipient(i, new OutboundRecipient(MailAddress.Parse(a), NotifyOn.Default, null), 0)).ToList();
        var result = await client.SendAsync(new Route(endpoint.Address.ToString(), endpoint.Port, "mx." + from.Domain), MailAddress.Parse(mailbox.Address), recipients, message, null, true, cancellationToken, new NetworkCredential(mailbox.Address, mailbox.Password)).ConfigureAwait(false);
        return result.PerRecipient.Values.FirstOrDefault(r => !r.IsPositive) ?? result.PerRecipient.Values.First();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Operators)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        await StopAuthorityAsync().ConfigureAwait(false);
    }

    private async Task SendSampleAsync(CancellationToken cancellationToken)
    {
        var from = Json.Operators[0];
        var sender = from.Mailboxes[0];
        var to = Json.Operators[1].Mailboxes[0];
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"From: {sender.DisplayName} <{sender.Address}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {to.DisplayName} <{to.Address}>\r\n")
            .Append("Subject: =?UTF-8?Q?Compte_rendu_de_consultation_=E2=80=94_d=C3=A9mo?=\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("Content-Transfer-Encoding: 8bit\r\n")
            .Append("X-MSS-NIL: CADUCEE-DEMO\r\n")
            .Append("\r\n")
            .Append("Chère consœur,\r\n\r\nCeci est un message de démonstration de Caducée : il a traversé l'espace de confiance\r\n")
            .Append("de l'hôpital Nord au cabinet Sud, en TLS mutuel.\r\n\r\nConfraternellement,\r\n")
            .Append(sender.DisplayName).Append("\r\n")
            .ToString();
        var reply = await SubmitAsync(from, sender, [to.Address], Encoding.UTF8.GetBytes(body), cancellationToken).ConfigureAwait(false);
        LogSample(_logger, sender.Address, to.Address, reply.Code);
    }

    private static async Task<IReadOnlyList<DemoMailboxJson>> EnsureMailboxesAsync(OperatorNode node, DemoOperatorPlan plan, DemoPki pki, DemoSecrets secrets, CancellationToken cancellationToken)
    {
        var result = new List<DemoMailboxJson>();
        foreach (var m in plan.Mailboxes)
        {
            var address = MailAddress.Parse($"{m.LocalPart}@{plan.Domain}");
            var password = secrets.PasswordFor(address.ToString());
            CertificateFiles? cert = null;
            string? certificateSubject = null;
            if (m.Kind == MailboxKind.Per)
            {
                // A CPS-like certificate: serialNumber = "8" + RPPS maps it to the PER boxes of that RPPS (EXTERNAL, REQ-14).
                cert = pki.Issue($"{plan.Name}-{m.LocalPart}", NationalNames.Professional(m.FirstName!, m.LastName!, m.Rpps!, plan.StructureId, plan.Organisation), CertificateProfile.PersonalClient, email: address.ToString());
            }
            else if (m.Kind == MailboxKind.App)
            {
                // An organisation certificate, registered as the APP box's certificate subject (EXTERNAL, REQ-16).
                var subject = NationalNames.Organisation($"{m.LocalPart}.{plan.Domain}", plan.StructureId, plan.Organisation, plan.Department);
                cert = pki.Issue($"{plan.Name}-{m.LocalPart}", subject, CertificateProfile.OrganisationClient);
                certificateSubject = CertificateIdentity.SubjectKey(subject);
            }

            if (await node.Store.FindMailboxAsync(address, cancellationToken).ConfigureAwait(false) is null)
            {
                var structureId = plan.MailboxStructureId ?? plan.StructureId;
                var owner = m.Rpps is not null ? PrincipalRef.Professional(m.Rpps) : PrincipalRef.Structure(structureId);
                var mailbox = new NewMailbox(address, m.Kind, owner)
                {
                    Metadata = new MailboxMetadata(m.DisplayName, StructureId: structureId),
                    PasswordHash = PasswordHasher.Hash(password),
                    CertificateSubject = certificateSubject,
                };
                await node.Store.CreateMailboxAsync(mailbox, cancellationToken).ConfigureAwait(false);
            }

            var pscPassword = m.Rpps is null ? null : secrets.PasswordFor(PscPasswordKey(m.Rpps));
            result.Add(new DemoMailboxJson(address.ToString(), m.Kind.ToCode(), password, m.DisplayName, cert?.Certificate, cert?.Key, m.Rpps, m.Kind is MailboxKind.Org or MailboxKind.App ? plan.MailboxStructureId : null, pscPassword));
        }

        return result;
    }

    private static string PscPasswordKey(string rpps) => "psc:" + rpps;

    private static System.Security.Cryptography.X509Certificates.X500DistinguishedName OperatorDn(DemoOperatorPlan plan) =>
        NationalNames.Organisation("mx." + plan.Domain, plan.StructureId, plan.Organisation, plan.Department);

    private static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    /// <summary>
    /// The demo CRL is valid <see cref="PkiFolder.CrlValidity"/>: a demo restarted later gets a fresh one
    /// (same revocations, next number) so the operators keep a usable CRL (REQ-09).
    /// </summary>
    private static void RefreshCrlIfAging(DemoPki pki)
    {
        if (File.Exists(pki.Crl))
        {
            if (CertificateRevocationList.TryParse(File.ReadAllBytes(pki.Crl), out var parsed, out _) &&
                parsed!.NextUpdate is { } next && next - DateTimeOffset.UtcNow > PkiFolder.CrlValidity / 2)
            {
                return;
            }
        }

        using var folder = PkiFolder.Open(pki.Directory);
        folder.WriteCrl();
    }

    private static string Format(IPEndPoint endpoint) => $"{endpoint.Address}:{endpoint.Port}";

    /// <summary>Consecutive ports from <paramref name="basePort"/>, or free ports chosen by the OS when it is 0.</summary>
    private static int[] AllocatePorts(int basePort, int count)
    {
        if (basePort != 0)
        {
            // Authority at base; operator i at base+10+10i (mx, submission, imap, https, submissions, imaps).
            var ports = new int[count];
            ports[0] = basePort;
            for (var i = 1; i < count; i++)
            {
                var op = (i - 1) / PortsPerOperator;
                ports[i] = basePort + 10 + (10 * op) + ((i - 1) % PortsPerOperator);
            }

            return ports;
        }

        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private static async Task WritePrivateAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, options))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Demo directory: {Count} professionals generated and imported into {Path} in {Elapsed} ms")]
    private static partial void LogDirectory(ILogger logger, int count, string path, long elapsed);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Demo mailboxes of {Domain} published to the Annuaire Santé: {Published} sent, {Refused} refused, interruption: {Error}")]
    private static partial void LogPublished(ILogger logger, string domain, int published, int refused, string error);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Demo sample message submitted from {From} to {To}: reply {Code}")]
    private static partial void LogSample(ILogger logger, string from, string to, int code);
}

/// <summary>The demo's generated passwords and progress, kept across restarts (mode 0600).</summary>
internal sealed class DemoSecrets
{
    private readonly string _path;

    private DemoSecrets(string path, Dictionary<string, string> passwords, bool sampleSent)
    {
        _path = path;
        Passwords = passwords;
        SampleSent = sampleSent;
    }

    public Dictionary<string, string> Passwords { get; }

    public bool SampleSent { get; set; }

    public static async Task<DemoSecrets> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new DemoSecrets(path, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), false);
        }

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        var passwords = doc.RootElement.GetProperty("passwords").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
        return new DemoSecrets(path, passwords, doc.RootElement.GetProperty("sampleSent").GetBoolean());
    }

    public string PasswordFor(string address)
    {
        if (!Passwords.TryGetValue(address, out var password))
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
            Passwords[address] = password;
        }

        return password;
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(_path, options);
        await JsonSerializer.SerializeAsync(stream, new { passwords = Passwords, sampleSent = SampleSent }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
