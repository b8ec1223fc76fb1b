// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Globalization;
using Caducee.Core.Model;

namespace Caducee.Host.Commands;

/// <summary>`caducee store migrate|domain|rotate-key|rotate-master-key|collect`: the message store's administration (issue 4).</summary>
internal static class StoreCommand
{
    public static Command Create() => new("store", "Administer the message store: schema, domain settings, keys, retention and blob collection.")
    {
        Migrate(),
        Domain(),
        RotateKey(),
        RotateMasterKey(),
        Collect(),
    };

    private static Command Migrate()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var command = new Command("migrate", "Create the database or upgrade its schema to this program's version (also done at every start), and print the schema version.") { data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var version = await storage.Store.GetSchemaVersionAsync(ct).ConfigureAwait(false);
            Console.WriteLine(storage.SchemaVersionBefore == version
                ? $"Schema version {version} (up to date) in {storage.Location}."
                : $"Schema version {version} (upgraded from {storage.SchemaVersionBefore}) in {storage.Location}.");
            return 0;
        }));
        return command;
    }

    private static Command Domain()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var domain = new Argument<string>("domain") { Description = "A hosted domain, e.g. hopital-nord.mssante.fr." };
        var retention = new Option<string?>("--retention-days") { Description = "Expunge messages older than N days (REQ-42); \"none\" keeps them forever." };
        var storageQuota = new Option<string?>("--quota-storage") { Description = "Default storage quota of the domain's mailboxes in bytes; \"none\" for no limit." };
        var messageQuota = new Option<string?>("--quota-messages") { Description = "Default message-count quota of the domain's mailboxes; \"none\" for no limit." };
        var command = new Command("domain", "Show a domain's retention and default quotas, or change them with the options.") { domain, retention, storageQuota, messageQuota, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var name = parse.GetValue(domain)!;
            var info = await storage.Store.GetDomainAsync(name, ct).ConfigureAwait(false);
            if (info is null)
            {
                await Console.Error.WriteLineAsync($"error: domain {name} is not hosted in {storage.Location}; see 'caducee init --domain {name}'").ConfigureAwait(false);
                return 1;
            }

            var settings = info.Settings;
            foreach (var (option, apply) in new (Option<string?> Option, Func<long?, DomainSettings> Apply)[]
            {
                (retention, v => settings with { RetentionDays = v is null ? null : (int)Math.Min(v.Value, int.MaxValue) }),
                (storageQuota, v => settings with { DefaultQuotaStorage = v }),
                (messageQuota, v => settings with { DefaultQuotaMessages = v }),
            })
            {
                if (parse.GetValue(option) is not { } text)
                {
                    continue;
                }

                if (!TryParseLimit(text, out var value))
                {
                    await Console.Error.WriteLineAsync($"error: {option.Name} '{text}' is not valid; expected a positive whole number or \"none\"").ConfigureAwait(false);
                    return 2;
                }

                settings = apply(value);
            }

            if (settings != info.Settings)
            {
                info = await storage.Store.UpdateDomainSettingsAsync(name, settings, ct).ConfigureAwait(false);
            }

            Console.WriteLine($"Domain {info.Name}: retention {Show(info.Settings.RetentionDays, " days")}, default quota {Show(info.Settings.DefaultQuotaStorage, " bytes")} and {Show(info.Settings.DefaultQuotaMessages, " messages")}, data key {info.CurrentKeyId}.");
            return 0;
        }));
        return command;
    }

    private static Command RotateKey()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var domain = new Option<string>("--domain") { Description = "The domain whose data key is replaced.", Required = true };
        var command = new Command("rotate-key", "Give a domain a new random data key for new messages; existing content stays readable with the old key (docs/keys.md).") { domain, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var id = await storage.Store.RotateDomainKeyAsync(parse.GetValue(domain)!, ct).ConfigureAwait(false);
            Console.WriteLine($"Domain {parse.GetValue(domain)!.ToLowerInvariant()} now encrypts new content with data key {id}; older keys are kept for existing content.");
            return 0;
        }));
        return command;
    }

    private static Command RotateMasterKey()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var command = new Command("rotate-master-key", "Replace the master key file: every data key is re-wrapped under a new random master key; no content is rewritten (docs/keys.md). Stop the node first, and back up the new key.") { data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            await storage.RotateMasterKeyAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"Master key replaced in {storage.Layout.MasterKey}; the data keys are re-wrapped under it. Back it up: without it nothing can be decrypted.");
            return 0;
        }));
        return command;
    }

    private static Command Collect()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var grace = new Option<double>("--grace-hours") { Description = "Only blob files untouched for this long are candidates (protects deliveries in flight).", DefaultValueFactory = _ => 1 };
        var command = new Command("collect", "Apply the domains' retention (expunge old messages), then delete message files no message or queue entry references (docs/adr/0006-message-store.md).") { grace, data, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            var hours = parse.GetValue(grace);
            if (hours is < 0 or > 24 * 365)
            {
                await Console.Error.WriteLineAsync("error: --grace-hours must be between 0 and 8760").ConfigureAwait(false);
                return 2;
            }

            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            var retention = await storage.Store.ApplyRetentionAsync(DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            var blobs = await storage.Store.CollectBlobsAsync(TimeSpan.FromHours(hours), ct).ConfigureAwait(false);
            Console.WriteLine($"Retention: {retention.Total} message(s) expunged. Blobs: {blobs.Examined} examined, {blobs.Deleted} deleted, {blobs.Restored} kept after a re-check, {blobs.TemporaryFilesDeleted} temporary file(s) removed.");
            return 0;
        }));
        return command;
    }

    private static bool TryParseLimit(string text, out long? value)
    {
        value = null;
        if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
        {
            value = v;
            return true;
        }

        return false;
    }

    private static string Show(long? value, string unit) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) + unit : "none";
}
