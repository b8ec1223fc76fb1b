// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Host.Commands;

/// <summary>
/// `caducee mailbox add|list|show|update|suspend|resume|password|remove`: administration of a node's
/// mailboxes (BAL); the lifecycle and directory verbs are in MailboxCommand.Manage.cs.
/// </summary>
internal static partial class MailboxCommand
{
    public static Command Create() => new("mailbox", "Create, list, show, update, suspend, resume and close mailboxes (BAL).")
    {
        Add(),
        List(),
        Show(),
        Update(),
        Lifecycle("suspend", MailboxStatus.Suspended, "Suspend a mailbox (REQ-23): mail to it is refused (550 5.2.1 mailbox disabled) and it cannot log in until resumed; nothing is deleted."),
        Lifecycle("resume", MailboxStatus.Active, "Resume a suspended mailbox (REQ-23). A closed mailbox cannot be resumed."),
        Password(),
        Remove(),
    };

    private static Command Add()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var address = new Argument<string>("address") { Description = "The mailbox address, e.g. jean.dupont@hopital-nord.mssante.fr." };
        var kind = new Option<string>("--kind") { Description = "Mailbox kind: PER (personal), ORG (organisational), APP (applicative), CAB (practice).", DefaultValueFactory = _ => "PER" };
        kind.AcceptOnlyFromAmong("PER", "ORG", "APP", "CAB", "per", "org", "app", "cab");
        var name = new Option<string?>("--name") { Description = "Display name, e.g. \"Dr Jean DUPONT\"." };
        var owner = new Option<string?>("--owner") { Description = "Owner identifier (REQ-20): the RPPS (11 digits) for PER/CAB, the national structure id for ORG/APP (or an application id with --owner-kind application). Required." };
        var ownerKind = new Option<string?>("--owner-kind") { Description = "Owner kind: professional, structure or application (default: professional for PER/CAB, structure for ORG/APP)." };
        ownerKind.AcceptOnlyFromAmong("professional", "structure", "application");
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input instead of generating one." };
        var certificate = new Option<string?>("--certificate") { Description = "APP boxes: the organisation certificate (PEM) whose subject logs in with SASL EXTERNAL (REQ-16)." };
        var command = new Command("add", "Create a mailbox with its default folders. A password is generated and printed once unless --password-stdin is given.") { address, kind, name, owner, ownerKind, passwordStdin, certificate, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            if (!MailAddress.TryParse(parse.GetValue(address), out var mail, out var error))
            {
                await Console.Error.WriteLineAsync($"error: '{parse.GetValue(address)}' is not a valid address ({error}); expected local-part@domain").ConfigureAwait(false);
                return 2;
            }

            if (!MailboxKinds.TryParse(parse.GetValue(kind), out var mailboxKind))
            {
                await Console.Error.WriteLineAsync("error: --kind must be PER, ORG, APP or CAB").ConfigureAwait(false);
                return 2;
            }

            string? certificateSubject = null;
            if (parse.GetValue(certificate) is { } certificateFile)
            {
                if (mailboxKind != MailboxKind.App)
                {
                    await Console.Error.WriteLineAsync("error: --certificate is for APP boxes; personal boxes are reached by the RPPS in the CPS certificate (give it with --owner)").ConfigureAwait(false);
                    return 2;
                }

                try
                {
                    using var cert = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificateFile, ct).ConfigureAwait(false));
                    certificateSubject = CertificateIdentity.SubjectKey(cert.SubjectName);
                }
                catch (Exception ex) when (ex is CryptographicException or IOException)
                {
                    await Console.Error.WriteLineAsync($"error: --certificate: cannot read a PEM certificate from '{certificateFile}' ({ex.Message})").ConfigureAwait(false);
                    return 2;
                }
            }

            var generated = !parse.GetValue(passwordStdin);
            if (await NewPasswordAsync(generated, ct).ConfigureAwait(false) is not { } password)
            {
                return 2;
            }

            if (string.IsNullOrWhiteSpace(parse.GetValue(owner)))
            {
                await Console.Error.WriteLineAsync("error: --owner is required (REQ-20): the RPPS of the professional for PER/CAB, the national structure id for ORG/APP").ConfigureAwait(false);
                return 2;
            }

            var ownerRef = new PrincipalRef(
                parse.GetValue(ownerKind) is { } k ? Enum.Parse<PrincipalKind>(k, ignoreCase: true) : OwnershipRules.DefaultOwnerKind(mailboxKind),
                parse.GetValue(owner)!.Trim());
            if (!ownerRef.IsValid(out var ownerError))
            {
                await Console.Error.WriteLineAsync($"error: --owner {ownerError}").ConfigureAwait(false);
                return 2;
            }

            if (!OwnershipRules.MayOwn(ownerRef.Kind, mailboxKind))
            {
                await Console.Error.WriteLineAsync($"error: a {mailboxKind.ToCode()} mailbox cannot be owned by a {ownerRef.Kind.ToString().ToLowerInvariant()} (REQ-20: PER and CAB by a professional, ORG by a structure, APP by a structure or an application)").ConfigureAwait(false);
                return 2;
            }

            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var domains = await storage.Store.ListDomainsAsync(ct).ConfigureAwait(false);
            if (!domains.Any(d => string.Equals(d.Name, mail.Domain, StringComparison.OrdinalIgnoreCase)))
            {
                await Console.Error.WriteLineAsync($"error: domain {mail.Domain} is not hosted in {storage.Location}; run 'caducee init --domain {mail.Domain} --data {parse.GetValue(data)}' first").ConfigureAwait(false);
                return 2;
            }

            try
            {
                var created = await storage.Store.CreateMailboxAsync(
                    new NewMailbox(mail, mailboxKind, ownerRef) { Metadata = new MailboxMetadata(parse.GetValue(name)), PasswordHash = PasswordHasher.Hash(password), CertificateSubject = certificateSubject },
                    ct).ConfigureAwait(false);
                Console.WriteLine($"Created {created.Kind.ToCode()} mailbox {created.Address}.");
                if (certificateSubject is not null)
                {
                    Console.WriteLine($"Certificate subject for SASL EXTERNAL: {certificateSubject}");
                }
            }
            catch (MailException ex) when (ex.Error == MailError.Exists)
            {
                await Console.Error.WriteLineAsync($"error: mailbox {mail} already exists; address and kind cannot change (REQ-21)").ConfigureAwait(false);
                return 1;
            }

            if (generated)
            {
                Console.WriteLine($"Password (shown once): {password}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// A new password: generated (16 characters), or read from standard input (12 characters or more; otherwise
    /// the error is printed and null returned).
    /// </summary>
    private static async Task<string?> NewPasswordAsync(bool generate, CancellationToken cancellationToken)
    {
        if (generate)
        {
            return Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        }

        var password = (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.TrimEnd('\r', '\n') ?? string.Empty;
        if (password.Length < 12)
        {
            await Console.Error.WriteLineAsync("error: the password read from standard input must have at least 12 characters").ConfigureAwait(false);
            return null;
        }

        return password;
    }

    private static Command List()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var command = new Command("list", "List the mailboxes with their kind and status.") { data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var mailboxes = await storage.Store.ListMailboxesAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"{"ADDRESS",-48} {"KIND",-4} {"STATUS",-9} NAME");
            foreach (var m in mailboxes)
            {
                Console.WriteLine($"{m.Address,-48} {m.Kind.ToCode(),-4} {m.Status.ToString().ToLowerInvariant(),-9} {m.DisplayName}");
            }

            Console.WriteLine($"{mailboxes.Count} mailbox(es).");
            return 0;
        }));
        return command;
    }

    private static Command Remove()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var address = new Argument<string>("address") { Description = "The mailbox to close." };
        var command = new Command("remove", "Close a mailbox: it stops receiving mail and logging in; its messages are kept for the retention period.") { address, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            if (!MailAddress.TryParse(parse.GetValue(address), out var mail, out var error))
            {
                await Console.Error.WriteLineAsync($"error: '{parse.GetValue(address)}' is not a valid address ({error})").ConfigureAwait(false);
                return 2;
            }

            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            if (!await storage.Store.SetMailboxStatusAsync(mail, MailboxStatus.Closed, ct).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"error: no mailbox {mail} in {storage.Location}; see 'caducee mailbox list'").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"Closed mailbox {mail}.");
            return 0;
        }));
        return command;
    }
}
