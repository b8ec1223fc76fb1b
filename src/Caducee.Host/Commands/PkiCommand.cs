// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Caducee.MsSante.Trust;
using Caducee.Pki;
using Caducee.Primitives;

namespace Caducee.Host.Commands;

/// <summary>`caducee pki init|issue|revoke|crl|show`: the test IGC-Santé of a trust space, in the national naming style.</summary>
internal static partial class PkiCommand
{
    public static Command Create() => new("pki", "Administer a test IGC-Santé: root and organisations CA, certificates, revocation, CRL.")
    {
        Init(),
        Issue(),
        Revoke(),
        Crl(),
        Show(),
    };

    private static Option<string> Dir() => new("--dir")
    {
        Description = "PKI folder (root, organisations CA, bundles, CRL, issued certificates, index.json).",
        DefaultValueFactory = _ => "./data/pki",
    };

    private static Command Init()
    {
        var dir = Dir();
        var force = new Option<bool>("--force") { Description = "Replace an existing PKI: its CAs, CRL, index and the certificates it issued (nothing trusts them any more)." };
        var organisation = new Option<string>("--organisation") { Description = "O= of the authorities.", DefaultValueFactory = _ => "CADUCEE TEST" };
        var command = new Command("init", "Create the root and \"organisations\" CAs, the bundle (PEM and .p7b) and an empty CRL.") { dir, force, organisation };
        command.SetAction(parse => Guard(() =>
        {
            var o = parse.GetValue(organisation)!;
            if (string.IsNullOrWhiteSpace(o))
            {
                return Fail("--organisation: expected a non-empty organisation name, e.g. \"CADUCEE TEST\"");
            }

            using var pki = PkiFolder.Create(parse.GetValue(dir)!, parse.GetValue(force), o);
            var crl = pki.ReadCrl()!;
            Console.WriteLine($"PKI created in {pki.Directory}");
            Console.WriteLine($"  root:          {Subject(pki.Root.SubjectName)} (until {PkiText.Date(pki.Root.NotAfter)})");
            Console.WriteLine($"  organisations: {Subject(pki.Organisations.SubjectName)} (until {PkiText.Date(pki.Organisations.NotAfter)})");
            Console.WriteLine($"  bundle:        {pki.BundlePem}, {pki.BundleP7b}");
            Console.WriteLine($"  CRL:           {pki.Crl} (number {crl.Number}, next update {PkiText.Date(crl.NextUpdate)})");
            return 0;
        }));
        return command;
    }

    private static Command Issue()
    {
        var dir = Dir();
        var profile = new Option<string>("--profile") { Description = "server (SMTP/IMAP/HTTPS), organisation (operator mTLS, APP box) or personal (CPS-like).", Required = true };
        var name = new Option<string>("--name") { Description = "File name of the certificate: writes NAME.pem and NAME.key (0600).", Required = true };
        var cn = new Option<string?>("--cn") { Description = "server, organisation: CN (the host name for a server)." };
        var dns = new Option<string[]>("--dns") { Description = "server: a subjectAltName DNS name (repeatable; default the CN)." };
        var ip = new Option<string[]>("--ip") { Description = "server: a subjectAltName IP address (repeatable)." };
        var structureId = new Option<string?>("--structure-id") { Description = "OU: national structure identifier (e.g. 3 + SIRET: 312345678900018)." };
        var organisation = new Option<string?>("--organisation") { Description = "O: the organisation's name." };
        var department = new Option<string?>("--department") { Description = "server, organisation: ST, as \"Département (NN)\", e.g. \"Nord (59)\"." };
        var firstName = new Option<string?>("--first-name") { Description = "personal: given name." };
        var lastName = new Option<string?>("--last-name") { Description = "personal: family name." };
        var rpps = new Option<string?>("--rpps") { Description = "personal: RPPS number (11 digits); the DN carries serialNumber=8+RPPS." };
        var email = new Option<string?>("--email") { Description = "personal: MSSanté address put in the subjectAltName." };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 1095 };
        var command = new Command("issue", "Issue a certificate from the organisations CA.")
        {
            dir, profile, name, cn, dns, ip, structureId, organisation, department, firstName, lastName, rpps, email, days,
        };
        command.SetAction(parse => Guard(() =>
        {
            var request = new IssueRequest(
                parse.GetValue(profile)!,
                parse.GetValue(name)!,
                parse.GetValue(cn),
                parse.GetValue(dns) ?? [],
                parse.GetValue(ip) ?? [],
                parse.GetValue(structureId),
                parse.GetValue(organisation),
                parse.GetValue(department),
                parse.GetValue(firstName),
                parse.GetValue(lastName),
                parse.GetValue(rpps),
                parse.GetValue(email),
                parse.GetValue(days));
            if (Validate(request, out var subject, out var certificateProfile, out var addresses) is { } error)
            {
                return Fail(error);
            }

            using var pki = PkiFolder.Open(parse.GetValue(dir)!);
            var dnsNames = certificateProfile == CertificateProfile.Server ? (request.Dns.Length > 0 ? request.Dns : [request.Cn!]) : null;
            var issued = pki.Issue(request.Name, subject!, certificateProfile, dnsNames, addresses, certificateProfile == CertificateProfile.PersonalClient ? request.Email : null, request.Days);
            Console.WriteLine($"Issued '{issued.Name}' ({issued.Profile})");
            Console.WriteLine($"  subject: {Subject(issued.Subject)}");
            Console.WriteLine($"  issuer:  {Subject(pki.Organisations.SubjectName)}");
            Console.WriteLine($"  serial:  {issued.SerialHex}");
            Console.WriteLine($"  valid:   {PkiText.Date(issued.NotBefore)} to {PkiText.Date(issued.NotAfter)}");
            if (dnsNames is not null || addresses.Count > 0)
            {
                Console.WriteLine($"  SAN:     {string.Join(", ", (dnsNames ?? []).Select(d => "DNS:" + d).Concat(addresses.Select(a => "IP:" + a)))}");
            }

            Console.WriteLine($"  files:   {Path.Combine(pki.Directory, issued.Name + ".pem")}, {Path.Combine(pki.Directory, issued.Name + ".key")}");
            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var dir = Dir();
        var target = new Argument<string?>("name") { Description = "Name of the certificate to revoke.", Arity = ArgumentArity.ZeroOrOne };
        var serial = new Option<string?>("--serial") { Description = "Serial number (hex) of the certificate to revoke, instead of its name." };
        var reason = new Option<string?>("--reason") { Description = "Revocation reason: " + string.Join(", ", PkiFolder.ReasonNames) + "." };
        var command = new Command("revoke", "Revoke a certificate and publish a new CRL (next CRL number).") { target, dir, serial, reason };
        command.SetAction(parse => Guard(() =>
        {
            var byName = parse.GetValue(target);
            var bySerial = parse.GetValue(serial);
            if ((byName is null) == (bySerial is null))
            {
                return Fail("give the certificate to revoke either by NAME or by --serial HEX (exactly one), e.g. 'caducee pki revoke mx-hopital-nord'");
            }

            if (bySerial is not null && !HexSerial().IsMatch(bySerial))
            {
                return Fail($"--serial: '{bySerial}' is not a serial number; expected hexadecimal digits, e.g. 4F3A09C1…");
            }

            var why = PkiFolder.ParseReason(parse.GetValue(reason));
            using var pki = PkiFolder.Open(parse.GetValue(dir)!);
            var (revoked, crl) = pki.Revoke((byName ?? bySerial)!, why);
            Console.WriteLine($"Revoked '{revoked.Name}' (serial {revoked.SerialHex}{(why is null ? string.Empty : ", reason " + parse.GetValue(reason))}) at {PkiText.Date(revoked.RevokedAt!.Value)}");
            PrintCrl(crl);
            return 0;
        }));
        return command;
    }

    private static Command Crl()
    {
        var dir = Dir();
        var printOnly = new Option<bool>("--print-only") { Description = "Print the facts of the CRL in force without publishing a new one." };
        var command = new Command("crl", "Publish a fresh CRL (next number, valid 7 days) and print its facts.") { dir, printOnly };
        command.SetAction(parse => Guard(() =>
        {
            using var pki = PkiFolder.Open(parse.GetValue(dir)!);
            var crl = parse.GetValue(printOnly) ? pki.ReadCrl() : pki.WriteCrl();
            if (crl is null)
            {
                return Fail($"no CRL in {pki.Directory}; run 'caducee pki crl --dir {pki.Directory}' to publish one");
            }

            PrintCrl(crl);
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var dir = Dir();
        var target = new Argument<string?>("name") { Description = "A certificate's name or serial: show its details.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("show", "List the certificates issued (subject in whitelist DN order, serial, expiry, revocation).") { target, dir };
        command.SetAction(parse => Guard(() =>
        {
            using var pki = PkiFolder.Open(parse.GetValue(dir)!);
            var one = parse.GetValue(target);
            if (one is not null)
            {
                var found = pki.Find(one);
                if (found is null)
                {
                    Console.Error.WriteLine($"error: no certificate '{one}' in {pki.IndexFile}");
                    return 1;
                }

                PrintDetails(pki, found);
                return 0;
            }

            Console.WriteLine($"PKI {pki.Directory}: {Subject(pki.Organisations.SubjectName)}");
            Console.WriteLine($"{"NAME",-24} {"PROFILE",-12} {"SERIAL",-32} {"EXPIRES",-20} {"STATUS",-8} SUBJECT");
            foreach (var c in pki.Issued)
            {
                Console.WriteLine($"{c.Name,-24} {c.Profile,-12} {c.SerialHex,-32} {PkiText.Date(c.NotAfter),-20} {Status(c),-8} {Subject(c.Subject)}");
            }

            Console.WriteLine($"{pki.Issued.Count} issued, {pki.Issued.Count(c => c.IsRevoked)} revoked.");
            return 0;
        }));
        return command;
    }

    private static void PrintDetails(PkiFolder pki, IssuedCertificate c)
    {
        Console.WriteLine($"name:     {c.Name}");
        Console.WriteLine($"profile:  {c.Profile}");
        Console.WriteLine($"subject:  {Subject(c.Subject)}");
        Console.WriteLine($"serial:   {c.SerialHex}");
        Console.WriteLine($"valid:    {PkiText.Date(c.NotBefore)} to {PkiText.Date(c.NotAfter)}");
        Console.WriteLine($"status:   {Status(c)}{(c.IsRevoked ? $" at {PkiText.Date(c.RevokedAt!.Value)}{(c.RevocationReason is null ? string.Empty : " (" + c.RevocationReason + ")")}" : string.Empty)}");
        var file = Path.Combine(pki.Directory, c.Name + ".pem");
        if (File.Exists(file))
        {
            using var cert = PemFiles.LoadPublic(file);
            var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
            if (san is not null)
            {
                Console.WriteLine($"SAN:      {string.Join(", ", san.EnumerateDnsNames().Select(d => "DNS:" + d).Concat(san.EnumerateIPAddresses().Select(a => "IP:" + a)))}");
            }

            Console.WriteLine($"file:     {file}");
        }
    }

    private static void PrintCrl(CrlFacts crl)
    {
        Console.WriteLine($"CRL {crl.Path}");
        Console.WriteLine($"  number:      {crl.Number}");
        Console.WriteLine($"  this update: {PkiText.Date(crl.ThisUpdate)}");
        Console.WriteLine($"  next update: {PkiText.Date(crl.NextUpdate)}");
        Console.WriteLine($"  revoked:     {crl.RevokedCount}");
    }

    private static string Status(IssuedCertificate c) =>
        c.IsRevoked ? "revoked" : c.NotAfter < DateTimeOffset.UtcNow ? "expired" : "valid";

    private static string Subject(X500DistinguishedName name) => DistinguishedName.FromX500(name).ToString();

    /// <summary>Checks the flags of `pki issue` and builds the subject; returns the error naming the flag, or null.</summary>
    internal static string? Validate(IssueRequest r, out X500DistinguishedName? subject, out CertificateProfile profile, out IReadOnlyList<IPAddress> addresses)
    {
        subject = null;
        profile = CertificateProfile.Server;
        addresses = [];
        switch (r.Profile.ToLowerInvariant())
        {
            case "server":
                profile = CertificateProfile.Server;
                break;
            case "organisation" or "organization":
                profile = CertificateProfile.OrganisationClient;
                break;
            case "personal":
                profile = CertificateProfile.PersonalClient;
                break;
            default:
                return $"--profile: '{r.Profile}' is not a profile; expected server, organisation or personal";
        }

        if (PkiFolder.CheckName(r.Name) is { } nameError)
        {
            return "--name: " + nameError;
        }

        if (r.Days is <= 0 or > 3650)
        {
            return $"--days: {r.Days} is out of range; expected 1 to 3650";
        }

        if (string.IsNullOrWhiteSpace(r.StructureId) || !StructureId().IsMatch(r.StructureId))
        {
            return r.StructureId is null
                ? "--structure-id is required: the national structure identifier put in OU, e.g. 312345678900018 (3 + SIRET)"
                : $"--structure-id: '{r.StructureId}' is not a structure identifier; expected 1 to 32 letters or digits, e.g. 312345678900018 (3 + SIRET)";
        }

        if (string.IsNullOrWhiteSpace(r.Organisation))
        {
            return "--organisation is required: the organisation's name put in O, e.g. \"CENTRE HOSPITALIER NORD\"";
        }

        if (profile == CertificateProfile.PersonalClient)
        {
            foreach (var (flag, value) in new[] { ("--cn", r.Cn), ("--department", r.Department) })
            {
                if (value is not null)
                {
                    return $"{flag} does not apply to --profile personal; the CN is built from --first-name and --last-name";
                }
            }

            if (r.Dns.Length > 0 || r.Ip.Length > 0)
            {
                return "--dns and --ip apply to --profile server only";
            }

            if (string.IsNullOrWhiteSpace(r.FirstName))
            {
                return "--first-name is required for --profile personal, e.g. --first-name Hélène";
            }

            if (string.IsNullOrWhiteSpace(r.LastName))
            {
                return "--last-name is required for --profile personal, e.g. --last-name Dupré";
            }

            if (r.Rpps is null || !Rpps().IsMatch(r.Rpps))
            {
                return r.Rpps is null
                    ? "--rpps is required for --profile personal: the professional's RPPS number (11 digits), e.g. 10001234567"
                    : $"--rpps: '{r.Rpps}' is not an RPPS number; expected 11 digits, e.g. 10001234567";
            }

            if (r.Email is not null && !IsAddress(r.Email))
            {
                return $"--email: '{r.Email}' is not a mail address; expected local-part@domain, e.g. helene.dupre@hopital-nord.mssante.fr";
            }

            subject = NationalNames.Professional(r.FirstName.Trim(), r.LastName.Trim(), r.Rpps, r.StructureId, r.Organisation.Trim());
            return null;
        }

        if (r.FirstName is not null || r.LastName is not null || r.Rpps is not null || r.Email is not null)
        {
            return "--first-name, --last-name, --rpps and --email apply to --profile personal only";
        }

        if (string.IsNullOrWhiteSpace(r.Cn))
        {
            return profile == CertificateProfile.Server
                ? "--cn is required for --profile server: the server's host name, e.g. mx.hopital-nord.mssante.fr"
                : "--cn is required for --profile organisation: the operator's or application's name, e.g. mx.hopital-nord.mssante.fr";
        }

        if (r.Department is not null && !Department().IsMatch(r.Department))
        {
            return $"--department: '{r.Department}' is not a département; expected \"Name (NN)\", e.g. \"Nord (59)\" or \"Corse-du-Sud (2A)\"";
        }

        if (profile == CertificateProfile.Server)
        {
            if (!DomainName.IsValid(r.Cn))
            {
                return $"--cn: '{r.Cn}' is not a host name; a server's CN is its host name, e.g. mx.hopital-nord.mssante.fr";
            }

            foreach (var d in r.Dns)
            {
                if (!DomainName.IsValid(d))
                {
                    return $"--dns: '{d}' is not a DNS name; expected a host name, e.g. imap.hopital-nord.mssante.fr";
                }
            }

            var ips = new List<IPAddress>();
            foreach (var text in r.Ip)
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    return $"--ip: '{text}' is not an IP address; expected e.g. 127.0.0.1 or ::1";
                }

                ips.Add(address);
            }

            addresses = ips;
        }
        else if (r.Dns.Length > 0 || r.Ip.Length > 0)
        {
            return "--dns and --ip apply to --profile server only";
        }

        subject = NationalNames.Organisation(r.Cn.Trim(), r.StructureId, r.Organisation.Trim(), r.Department?.Trim());
        return null;
    }

    private static bool IsAddress(string text)
    {
        var at = text.LastIndexOf('@');
        return at > 0 && at < text.Length - 1 && !text[..at].Any(char.IsWhiteSpace) && DomainName.IsValid(text[(at + 1)..]);
    }

    private static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (PkiException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }

    [GeneratedRegex("^[0-9A-Za-z]{1,32}$")]
    private static partial Regex StructureId();

    [GeneratedRegex("^[0-9]{11}$")]
    private static partial Regex Rpps();

    [GeneratedRegex(@"^\S.* \(([0-9]{2,3}|2A|2B)\)$")]
    private static partial Regex Department();

    [GeneratedRegex("^[0-9A-Fa-f:]+$")]
    private static partial Regex HexSerial();

    /// <summary>The flags of `pki issue`.</summary>
    internal sealed record IssueRequest(
        string Profile,
        string Name,
        string? Cn,
        string[] Dns,
        string[] Ip,
        string? StructureId,
        string? Organisation,
        string? Department,
        string? FirstName,
        string? LastName,
        string? Rpps,
        string? Email,
        int Days);
}
