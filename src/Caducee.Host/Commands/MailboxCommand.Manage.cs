// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Globalization;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Hosting;
using Caducee.Primitives;

namespace Caducee.Host.Commands;

/// <summary>
/// `caducee mailbox show|update|suspend|resume|password`: what an operator's administrator does to an
/// existing box. Address and kind never change (REQ-21); the directory metadata does, and the node's
/// publisher sends the change to the Annuaire Santé at its next pass (docs/directory.md).
/// </summary>
internal static partial class MailboxCommand
{
    private static Argument<string> AddressArgument(string description) => new("address") { Description = description };

    /// <summary>Parses the address argument and finds the box; prints the error and returns the exit code otherwise.</summary>
    private static async Task<(MailboxInfo? Box, int ExitCode)> FindAsync(NodeStorage storage, string? text, string? dataFolder, CancellationToken cancellationToken)
    {
        if (!MailAddress.TryParse(text, out var mail, out var error))
        {
            await Console.Error.WriteLineAsync($"error: '{text}' is not a valid address ({error}); expected local-part@domain").ConfigureAwait(false);
            return (null, 2);
        }

        var box = await storage.Store.FindMailboxAsync(mail, cancellationToken).ConfigureAwait(false);
        if (box is null)
        {
            await Console.Error.WriteLineAsync($"error: no mailbox {mail} in {storage.Location}; see 'caducee mailbox list --data {dataFolder}'").ConfigureAwait(false);
            return (null, 1);
        }

        return (box, 0);
    }

    private static Command Show()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var address = AddressArgument("The mailbox to show.");
        var command = new Command("show", "Show a mailbox: kind, status, owner, directory metadata (REQ-21), quota usage.") { address, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var (box, exit) = await FindAsync(storage, parse.GetValue(address), parse.GetValue(data), ct).ConfigureAwait(false);
            if (box is null)
            {
                return exit;
            }

            var m = box.Metadata;
            var quota = await storage.Store.GetQuotaAsync(box.Id, ct).ConfigureAwait(false);
            var lines = new (string Key, string? Value)[]
            {
                ("address", box.Address.ToString()),
                ("kind", box.Kind.ToCode()),
                ("status", box.Status.ToString().ToLowerInvariant()),
                ("owner", box.Owner is { } o ? $"{o.Kind.ToString().ToLowerInvariant()} {o.NationalId}" : box.OwnerId),
                ("name", m.DisplayName),
                ("liste rouge", m.ListeRouge ? "yes (never published, REQ-24)" : "no"),
                ("description", m.Description),
                ("service", m.Service),
                ("responsible", m.Responsible),
                ("rank", m.Rank?.ToString(CultureInfo.InvariantCulture)),
                ("certificate", box.CertificateSubject),
                ("created", box.CreatedAt.ToString("u", CultureInfo.InvariantCulture)),
                ("changed", box.ChangedAt.ToString("u", CultureInfo.InvariantCulture)),
                ("usage", string.Create(CultureInfo.InvariantCulture, $"{quota.StorageBytes:N0} bytes, {quota.Messages:N0} messages")),
            };
            foreach (var (key, value) in lines)
            {
                Console.WriteLine($"{key + ":",-13} {value ?? "-"}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Update()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var address = AddressArgument("The mailbox to update (its address and kind never change, REQ-21).");
        var name = new Option<string?>("--name") { Description = "Display name. An empty value removes it." };
        var listeRouge = new Option<bool?>("--liste-rouge") { Description = "true: the box is never published to the directory (REQ-24); false: it is." };
        var description = new Option<string?>("--description") { Description = "ORG and APP boxes: description published with the box. An empty value removes it." };
        var service = new Option<string?>("--service") { Description = "ORG and APP boxes: service de rattachement. An empty value removes it." };
        var responsible = new Option<string?>("--responsible") { Description = "ORG and APP boxes: the person responsible (never in open access). An empty value removes it." };
        var rank = new Option<int?>("--rank") { Description = "Preferential rank, 1 for the preferential box of its owner; 0 removes it." };
        var command = new Command("update", "Change a mailbox's directory metadata; only the options given change. The node publishes the change at its next pass.") { address, name, listeRouge, description, service, responsible, rank, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            (Option<string?> Option, string Name)[] organisational = [(description, "--description"), (service, "--service"), (responsible, "--responsible")];
            if (!organisational.Any(o => parse.GetResult(o.Option) is not null) && parse.GetResult(name) is null && parse.GetResult(listeRouge) is null && parse.GetResult(rank) is null)
            {
                await Console.Error.WriteLineAsync("error: nothing to change; give at least one of --name, --liste-rouge, --description, --service, --responsible, --rank").ConfigureAwait(false);
                return 2;
            }

            if (parse.GetValue(rank) is < 0 or > 99)
            {
                await Console.Error.WriteLineAsync("error: --rank must be between 1 and 99 (1 marks the preferential box), or 0 to remove it").ConfigureAwait(false);
                return 2;
            }

            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var (box, exit) = await FindAsync(storage, parse.GetValue(address), parse.GetValue(data), ct).ConfigureAwait(false);
            if (box is null)
            {
                return exit;
            }

            if (box.Kind is MailboxKind.Per or MailboxKind.Cab && organisational.FirstOrDefault(o => parse.GetResult(o.Option) is not null) is { Name: { } refused })
            {
                await Console.Error.WriteLineAsync($"error: {refused} is for ORG and APP boxes (REQ-21); {box.Address} is a {box.Kind.ToCode()} box, described by its owner's RPPS").ConfigureAwait(false);
                return 2;
            }

            static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            var m = box.Metadata;
            var updated = m with
            {
                DisplayName = parse.GetResult(name) is null ? m.DisplayName : Text(parse.GetValue(name)),
                ListeRouge = parse.GetValue(listeRouge) ?? m.ListeRouge,
                Description = parse.GetResult(description) is null ? m.Description : Text(parse.GetValue(description)),
                Service = parse.GetResult(service) is null ? m.Service : Text(parse.GetValue(service)),
                Responsible = parse.GetResult(responsible) is null ? m.Responsible : Text(parse.GetValue(responsible)),
                Rank = parse.GetValue(rank) is { } r ? (r == 0 ? null : r) : m.Rank,
            };
            if (updated == m)
            {
                Console.WriteLine($"Mailbox {box.Address} already has these values; nothing changed.");
                return 0;
            }

            try
            {
                await storage.Store.UpdateMailboxMetadataAsync(box.Id, updated, ct).ConfigureAwait(false);
            }
            catch (MailException ex) when (ex.Error is MailError.NotPossible or MailError.Parameters)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"Updated mailbox {box.Address}{(updated.ListeRouge != m.ListeRouge ? updated.ListeRouge ? " (now in liste rouge: the directory keeps it hidden)" : " (out of liste rouge: the directory shows it again)" : string.Empty)}.");
            return 0;
        }));
        return command;
    }

    private static Command Lifecycle(string verb, MailboxStatus target, string help)
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var address = AddressArgument($"The mailbox to {verb}.");
        var command = new Command(verb, help) { address, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var (box, exit) = await FindAsync(storage, parse.GetValue(address), parse.GetValue(data), ct).ConfigureAwait(false);
            if (box is null)
            {
                return exit;
            }

            if (!MailboxLifecycle.CanMove(box.Status, target))
            {
                await Console.Error.WriteLineAsync($"error: {box.Address} is closed, and a closed mailbox stays closed (REQ-23); create a new mailbox instead").ConfigureAwait(false);
                return 1;
            }

            if (box.Status == target)
            {
                Console.WriteLine($"Mailbox {box.Address} is already {target.ToString().ToLowerInvariant()}.");
                return 0;
            }

            await storage.Store.SetMailboxStatusAsync(box.Address, target, ct).ConfigureAwait(false);
            Console.WriteLine($"Mailbox {box.Address} is now {target.ToString().ToLowerInvariant()}.");
            return 0;
        }));
        return command;
    }

    private static Command Password()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var address = AddressArgument("The mailbox whose password is replaced.");
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the new password (12 characters or more) from standard input instead of generating one." };
        var command = new Command("password", "Replace a mailbox's password (PBKDF2-SHA256 hash); a generated one is printed once. Sessions already open are not closed.") { address, passwordStdin, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            var generated = !parse.GetValue(passwordStdin);
            if (await NewPasswordAsync(generated, ct).ConfigureAwait(false) is not { } password)
            {
                return 2;
            }

            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var (box, exit) = await FindAsync(storage, parse.GetValue(address), parse.GetValue(data), ct).ConfigureAwait(false);
            if (box is null)
            {
                return exit;
            }

            await storage.Store.SetPasswordHashAsync(box.Id, PasswordHasher.Hash(password), ct).ConfigureAwait(false);
            Console.WriteLine($"Password of {box.Address} replaced.");
            if (generated)
            {
                Console.WriteLine($"Password (shown once): {password}");
            }

            return 0;
        }));
        return command;
    }
}
