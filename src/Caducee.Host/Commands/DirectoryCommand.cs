// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Globalization;
using Caducee.Annuaire.Generation;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;
using Caducee.Hosting;

namespace Caducee.Host.Commands;

/// <summary>`caducee directory import|generate|search|export`: the Annuaire Santé from its national extraction files.</summary>
internal static class DirectoryCommand
{
    public static Command Create() => new("directory", "Import, generate, search and export the Annuaire Santé (PS_LibreAcces, Extraction_Correspondance_MSSante).")
    {
        Import(),
        Generate(),
        Search(),
        Export(),
    };

    private static Command Export()
    {
        var data = CommonOptions.Data();
        var output = new Option<string>("--out") { Description = "Folder to write Extraction_Correspondance_MSSante_AAAAMMJJhhmm.zip into.", Required = true };
        var command = new Command("export", "Write the public Extraction_Correspondance_MSSante (31 columns, PER and ORG boxes, no liste-rouge box, one row per address) from the directory and the operators' publications, as the authority serves it.") { output, data };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            var layout = new DataLayout(parse.GetValue(data)!);
            if (!File.Exists(layout.Directory))
            {
                await Console.Error.WriteLineAsync($"error: no directory in {layout.Root}; give the authority's data folder (--data), or run 'caducee directory import FILES --data {parse.GetValue(data)}' first").ConfigureAwait(false);
                return 2;
            }

            using var store = DirectoryStore.Open(layout.Directory);
            var report = await store.ExportCorrespondanceAsync(parse.GetValue(output)!, DateTime.UtcNow, ct).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Path}: {report.Rows:N0} mailboxes ({report.EntryName})."));
            return 0;
        }));
        return command;
    }

    private static Command Import()
    {
        var data = CommonOptions.Data();
        var files = new Argument<string[]>("files") { Description = "PS_LibreAcces_Personne_activite_*.txt|.zip, Extraction_Correspondance_MSSante_*.txt|.zip, Caducee_BAL_ListeRouge_*.txt, or a folder holding them.", Arity = ArgumentArity.OneOrMore };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first malformed row (nothing is applied) instead of reporting it and going on." };
        var command = new Command("import", "Import the national extraction files; a re-import applies only the differences.") { files, strict, data };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            if (!TrySources(parse.GetValue(files)!, out var sources, out var error))
            {
                await Console.Error.WriteLineAsync("error: " + error).ConfigureAwait(false);
                return 2;
            }

            var layout = new DataLayout(parse.GetValue(data)!);
            Directory.CreateDirectory(layout.Root);
            using var store = DirectoryStore.Open(layout.Directory);
            var progress = new Progress<ImportProgress>(p =>
            {
                var width = 30;
                var done = (int)Math.Round(p.Fraction * width);
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', done)}{new string('.', width - done)}] {p.Fraction,4:P0} {Path.GetFileName(p.File)}: {p.Rows:N0} rows, {p.Errors} error(s)   "));
                if (p.Completed)
                {
                    Console.Error.WriteLine();
                }
            });
            DirectoryImportReport report;
            try
            {
                report = await store.ImportAsync(sources!, new DirectoryImportOptions { Strict = parse.GetValue(strict) }, progress, ct).ConfigureAwait(false);
            }
            catch (DirectoryImportException ex)
            {
                await Console.Error.WriteLineAsync($"\nerror: {ex.Error}; nothing was applied").ConfigureAwait(false);
                return 1;
            }

            foreach (var f in report.Files)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(f.File)} ({f.Encoding}): {f.Rows:N0} rows, {f.Added:N0} added, {f.Changed:N0} changed, {f.Removed:N0} removed, {f.Unchanged:N0} unchanged, {f.Duplicates:N0} duplicates, {f.ErrorCount} malformed"));
                foreach (var e in f.Errors)
                {
                    Console.WriteLine("  " + e);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Directory: {store.PractitionerCount:N0} professionals in {layout.Directory} (import {report.ImportElapsed.TotalSeconds:F1} s, index {report.IndexElapsed.TotalSeconds:F1} s)."));
            return report.ErrorCount > 0 ? 3 : 0;
        }));
        return command;
    }

    private static Command Generate()
    {
        var count = new Option<int>("--professionals") { Description = "How many professionals (2000000 for national scale).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the files into.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed gives the same files.", DefaultValueFactory = _ => 42 };
        var command = new Command("generate", "Write realistic PS_LibreAcces and Extraction_Correspondance_MSSante files (synthetic people, real code tables).") { count, output, seed };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n <= 0)
            {
                Console.Error.WriteLine("error: --professionals must be a positive number, e.g. 10000");
                return 2;
            }

            var g = DirectoryGenerator.Generate(n, parse.GetValue(output)!, parse.GetValue(seed));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Professionals:N0} professionals, {g.ActivityRows:N0} activity rows, {g.MailboxRows:N0} mailboxes ({g.ListeRougeRows:N0} liste rouge):"));
            Console.WriteLine("  " + g.PersonneActivitePath);
            Console.WriteLine("  " + g.CorrespondanceMssantePath);
            Console.WriteLine("  " + g.ListeRougePath);
            return 0;
        });
        return command;
    }

    private static Command Search()
    {
        var data = CommonOptions.Data();
        var name = new Option<string?>("--name") { Description = "Name or first name, accent- and case-insensitive, prefixes allowed." };
        var profession = new Option<string?>("--profession") { Description = "Profession code (10 médecin, 21 pharmacien, 60 infirmier…)." };
        var specialty = new Option<string?>("--specialty") { Description = "Savoir-faire code (SM26 médecine générale, SM54 cardiologie…)." };
        var city = new Option<string?>("--city") { Description = "City of practice." };
        var postcode = new Option<string?>("--postcode") { Description = "Postcode, or a department prefix such as 59." };
        var id = new Option<string?>("--id") { Description = "RPPS or national identifier." };
        var mailbox = new Option<string?>("--mailbox") { Description = "A mailbox address, or part of one." };
        var count = new Option<int>("--count") { Description = "How many results.", DefaultValueFactory = _ => 20 };
        var command = new Command("search", "Search professionals; liste-rouge mailboxes are never shown.") { name, profession, specialty, city, postcode, id, mailbox, count, data };
        command.SetAction(parse =>
        {
            var layout = new DataLayout(parse.GetValue(data)!);
            if (!File.Exists(layout.Directory))
            {
                Console.Error.WriteLine($"error: no directory in {layout.Root}; run 'caducee directory import FILES --data {parse.GetValue(data)}' first");
                return 2;
            }

            using var store = DirectoryStore.Open(layout.Directory);
            var mailboxText = parse.GetValue(mailbox);
            var results = store.Search(new DirectoryQuery
            {
                Name = parse.GetValue(name),
                ProfessionCode = parse.GetValue(profession),
                SavoirFaireCode = parse.GetValue(specialty),
                City = parse.GetValue(city),
                PostalCode = parse.GetValue(postcode),
                Identifier = parse.GetValue(id),
                Mailbox = mailboxText,
                MailboxMatch = mailboxText is not null && mailboxText.Contains('@', StringComparison.Ordinal) ? MailboxMatch.Exact : MailboxMatch.Contains,
                Count = Math.Clamp(parse.GetValue(count), 1, DirectoryQuery.MaxCount),
            });
            foreach (var p in results.Items)
            {
                var activity = p.Activities.Count > 0 ? p.Activities[0] : null;
                var where = activity?.Structure?.Address is { } a ? $"{a.PostalCode} {a.City}" : string.Empty;
                Console.WriteLine($"{p.IdPP,-12} {p.FamilyName.ToUpperInvariant()} {p.GivenName} — {activity?.ProfessionLabel} {activity?.SavoirFaireLabel} — {where}");
                foreach (var m in p.Mailboxes)
                {
                    Console.WriteLine($"             {m.Type.ToString().ToUpperInvariant()} {m.Address}");
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.Items.Count} shown of {results.Total:N0}."));
            return 0;
        });
        return command;
    }

    private static bool TrySources(string[] paths, out DirectoryImportSources? sources, out string? error)
    {
        sources = null;
        error = null;
        if (paths.Length == 1 && Directory.Exists(paths[0]))
        {
            sources = DirectoryImportSources.FromDirectory(paths[0]);
            return true;
        }

        string? ps = null, mss = null, red = null;
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                error = $"file '{path}' does not exist";
                return false;
            }

            var fileName = Path.GetFileName(path);
            if (fileName.StartsWith("PS_LibreAcces", StringComparison.OrdinalIgnoreCase))
            {
                ps = path;
            }
            else if (fileName.StartsWith("Extraction_Correspondance_MSSante", StringComparison.OrdinalIgnoreCase) || fileName.StartsWith("extraction-correspondance-mssante", StringComparison.OrdinalIgnoreCase))
            {
                mss = path;
            }
            else if (fileName.StartsWith("Caducee_BAL_ListeRouge", StringComparison.OrdinalIgnoreCase))
            {
                red = path;
            }
            else
            {
                error = $"'{fileName}' is not a national extraction file name; expected PS_LibreAcces_Personne_activite_*, Extraction_Correspondance_MSSante_* or Caducee_BAL_ListeRouge_*";
                return false;
            }
        }

        sources = new DirectoryImportSources(ps, mss, red);
        return true;
    }
}
