// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Caducee.Core.Security;
using Caducee.Hosting;
using Caducee.MsSante.Whitelist;
using Caducee.Primitives;
using Microsoft.Extensions.Logging.Abstractions;

namespace Caducee.Host.Commands;

/// <summary>`caducee whitelist sync|show|check`: the liste blanche of an operator's data folder (REQ-02..06).</summary>
internal static class WhitelistCommand
{
    public static Command Create() => new("whitelist", "Fetch, show and query the liste blanche MSSanté held in a data folder.")
    {
        Sync(),
        Show(),
        Check(),
    };

    private static Command Sync()
    {
        var data = CommonOptions.Data();
        var url = new Option<string>("--url") { Description = "HTTPS address of listeblanchemssante.xml.", Required = true };
        var checksumUrl = new Option<string?>("--checksum-url") { Description = "HTTPS address of the published SHA-256 (checksum file); the list is applied only if it matches." };
        var ca = new Option<string>("--ca") { Description = "PEM bundle of the IGC-Santé authorities the source's certificate must chain to (REQ-02: not the OS store).", Required = true };
        var command = new Command("sync", "Fetch the whitelist over pinned HTTPS, verify it and apply it atomically; on failure the last good list stays.") { url, checksumUrl, ca, data };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            if (!TryHttpsUrl(parse.GetValue(url)!, "--url", out var source, out var error)
                || (parse.GetValue(checksumUrl) is { } cu && !TryHttpsUrl(cu, "--checksum-url", out _, out error)))
            {
                return Fail(error!);
            }

            var checksumSource = parse.GetValue(checksumUrl) is { } c ? new Uri(c) : null;
            var bundle = parse.GetValue(ca)!;
            if (!File.Exists(bundle))
            {
                return Fail($"--ca: file '{bundle}' does not exist; expected the IGC-Santé bundle as PEM, e.g. data/pki/ca-bundle.pem");
            }

            CertificateTrust trust;
            try
            {
                trust = CertificateTrust.FromPemFile(bundle);
            }
            catch (CryptographicException ex)
            {
                return Fail($"--ca: '{bundle}' is not a PEM certificate bundle ({ex.Message})");
            }

            if (trust.Roots.Count == 0)
            {
                return Fail($"--ca: '{bundle}' holds no root (self-signed) certificate; expected the IGC-Santé bundle as PEM, e.g. data/pki/ca-bundle.pem");
            }

            var layout = new DataLayout(parse.GetValue(data)!);
            var store = new WhitelistStore(layout.WhitelistCache);
            store.LoadLastGood();
            using var sync = new WhitelistSynchronizer(store, new WhitelistSource(source!, checksumSource, TimeSpan.FromHours(1)), trust, NullLogger<WhitelistSynchronizer>.Instance);
            var failure = await sync.SyncOnceAsync(ct).ConfigureAwait(false);
            if (failure is not null)
            {
                await Console.Error.WriteLineAsync("error: whitelist not applied: " + failure).ConfigureAwait(false);
                var held = store.Held;
                await Console.Error.WriteLineAsync(held is null
                    ? $"no last good list in {layout.WhitelistCache}: no domain is trusted until a sync succeeds"
                    : string.Create(CultureInfo.InvariantCulture, $"kept the last good list: {held.Document.Domains.Count} domains, sha256 {held.Checksum}, generated {Date(held.Document.GeneratedAt)}, obtained {Date(held.ObtainedAt)} ({Age(held.ObtainedAt)} ago)")).ConfigureAwait(false);
                return 1;
            }

            var applied = store.Held!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Whitelist applied: {applied.Document.Domains.Count} domains, {applied.Document.DomainsByOperator().Count} operator DNs"));
            Console.WriteLine($"  sha256:    {applied.Checksum}{(checksumSource is null ? " (no --checksum-url: not verified against a published checksum)" : " (matches the published checksum)")}");
            Console.WriteLine($"  generated: {Date(applied.Document.GeneratedAt)} ({Age(applied.Document.GeneratedAt)} ago)");
            Console.WriteLine($"  saved:     {layout.WhitelistCache}");
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var data = CommonOptions.Data();
        var command = new Command("show", "Print the list held: generation date, age, domains, checksum and domains per operator DN.") { data };
        command.SetAction(parse =>
        {
            var layout = new DataLayout(parse.GetValue(data)!);
            var store = new WhitelistStore(layout.WhitelistCache);
            if (!store.LoadLastGood())
            {
                return NoList(layout, store);
            }

            var held = store.Held!;
            var byOperator = held.Document.DomainsByOperator();
            Console.WriteLine($"Whitelist {layout.WhitelistCache}");
            Console.WriteLine($"  generated: {Date(held.Document.GeneratedAt)} ({Age(held.Document.GeneratedAt)} ago)");
            Console.WriteLine($"  obtained:  {Date(held.ObtainedAt)} ({Age(held.ObtainedAt)} ago){(store.Current is null ? $"; older than {store.MaxAge.TotalDays:0} days: not used, run 'caducee whitelist sync'" : string.Empty)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  domains:   {held.Document.Domains.Count}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  operators: {byOperator.Count}"));
            Console.WriteLine($"  sha256:    {held.Checksum}");
            Console.WriteLine("Domains per operator certificate DN:");
            foreach (var (dn, domains) in byOperator)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {domains.Count,6}  {dn}"));
            }

            return 0;
        });
        return command;
    }

    private static Command Check()
    {
        var data = CommonOptions.Data();
        var domain = new Argument<string>("domain") { Description = "The domain to look up, e.g. ch-quimper.mssante.fr." };
        var command = new Command("check", "Say whether a domain is in the trust space and which operator DN serves it (exit 0 listed, 1 not listed, 2 no usable list).") { domain, data };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(domain)!.Trim().TrimEnd('.');
            if (!DomainName.IsValid(name))
            {
                return Fail($"'{name}' is not a domain name; expected e.g. ch-quimper.mssante.fr");
            }

            var layout = new DataLayout(parse.GetValue(data)!);
            var store = new WhitelistStore(layout.WhitelistCache);
            store.LoadLastGood();
            var current = store.Current;
            if (current is null)
            {
                return NoList(layout, store);
            }

            var entry = current.Document.Find(name);
            if (entry is null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} is NOT in the trust space (whitelist of {Date(current.Document.GeneratedAt)}, {current.Document.Domains.Count} domains)"));
                return 1;
            }

            Console.WriteLine($"{entry.Nom} is in the trust space");
            Console.WriteLine($"  operator DN: {MsSante.Trust.DistinguishedName.Parse(entry.DnCertificatOperateur)}");
            if (!string.IsNullOrEmpty(entry.Description))
            {
                Console.WriteLine($"  description: {entry.Description}");
            }

            if (entry.DateMaj is { } updated)
            {
                Console.WriteLine($"  updated:     {Date(updated)}");
            }

            return 0;
        });
        return command;
    }

    private static int NoList(DataLayout layout, WhitelistStore store)
    {
        if (store.Held is { } held)
        {
            Console.Error.WriteLine($"error: the whitelist held in {layout.WhitelistCache} was obtained {Date(held.ObtainedAt)}, more than {store.MaxAge.TotalDays:0} days ago: not usable; run 'caducee whitelist sync --url URL --ca BUNDLE.pem --data {layout.Root}'");
        }
        else
        {
            Console.Error.WriteLine($"error: no usable whitelist in {layout.WhitelistCache}{(store.LastError is null ? string.Empty : " (" + store.LastError + ")")}; run 'caducee whitelist sync --url URL --ca BUNDLE.pem --data {layout.Root}' first");
        }

        return 2;
    }

    private static bool TryHttpsUrl(string text, string flag, out Uri? uri, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            error = $"{flag}: '{text}' is not an https:// address; the whitelist is fetched over HTTPS only (REQ-02), e.g. https://espacedeconfiance.mssante.fr/listeblanchemssante.xml";
            uri = null;
            return false;
        }

        return true;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }

    private static string Date(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Age(DateTimeOffset since)
    {
        var age = DateTimeOffset.UtcNow - since;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays}d {age.Hours}h")
            : age.TotalHours >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h {age.Minutes}m")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes}m {age.Seconds}s");
    }
}
