// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using Caducee.Annuaire.Generation;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Benchmarks;

/// <summary>
/// Directory benchmarks (docs/BENCHMARKS.md, "Directory"):
///   generate --count N --out DIR [--seed S]
///   import   --data DIR --db FILE          (fresh import, then a no-change re-import)
///   search   --db FILE [--clients 16] [--seconds 20]
///   fhir     --db FILE [--clients 16] [--seconds 20]
/// </summary>
internal static class BenchCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: generate|import|search|fhir [options]  (see docs/BENCHMARKS.md)");
            return 2;
        }

        var options = Options(args.Skip(1).ToArray());
        switch (args[0])
        {
            case "generate":
                Generate(options);
                return 0;
            case "import":
                await ImportAsync(options);
                return 0;
            case "search":
                SearchBench.Run(options, fhir: false);
                return 0;
            case "probe":
                Probe(options);
                return 0;
            case "fhir":
                SearchBench.Run(options, fhir: true);
                return 0;
            default:
                Console.Error.WriteLine($"unknown command {args[0]}");
                return 2;
        }
    }

    internal static string Get(Dictionary<string, string> options, string name, string? fallback = null) =>
        options.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

    internal static int GetInt(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    private static void Generate(Dictionary<string, string> options)
    {
        var count = GetInt(options, "count", 2_000_000);
        var stopwatch = Stopwatch.StartNew();
        var result = DirectoryGenerator.Generate(count, Get(options, "out"), GetInt(options, "seed", 42));
        Console.WriteLine($"generated {result.Professionals:N0} professionals, {result.ActivityRows:N0} activity rows, " +
            $"{result.MailboxRows:N0} BAL, {result.ListeRougeRows:N0} liste-rouge BAL in {stopwatch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  {result.PersonneActivitePath} ({new FileInfo(result.PersonneActivitePath).Length / 1e6:F0} MB)");
        Console.WriteLine($"  {result.CorrespondanceMssantePath} ({new FileInfo(result.CorrespondanceMssantePath).Length / 1e6:F0} MB)");
    }

    private static async Task ImportAsync(Dictionary<string, string> options)
    {
        var db = Get(options, "db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(db + suffix);
        }

        var sources = DirectoryImportSources.FromDirectory(Get(options, "data"));
        var stopwatch = Stopwatch.StartNew();
        using var store = DirectoryStore.Open(db);
        Console.WriteLine($"open (empty): {stopwatch.Elapsed.TotalSeconds:F1} s");
        var progress = new Progress<ImportProgress>(p =>
        {
            if (p.Completed || p.Rows % 500_000 == 0)
            {
                Console.WriteLine($"  {p.Kind} {p.Fraction:P0} {p.Rows:N0} rows, {p.Errors} errors");
            }
        });

        var ps = await store.ImportAsync(sources with { CorrespondanceMssante = null, ListeRouge = null }, progress: progress);
        Report("import PS_LibreAcces (fresh)", ps);
        var mss = await store.ImportAsync(sources with { PersonneActivite = null }, progress: progress);
        Report("import MSSanté + liste rouge (fresh)", mss);
        var again = await store.ImportAsync(sources, progress: progress);
        Report("re-import all (no change)", again);
        Console.WriteLine($"practitioners indexed: {store.PractitionerCount:N0}; managed memory {GC.GetTotalMemory(true) / 1e6:F0} MB");
    }

    private static void Probe(Dictionary<string, string> options)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Get(options, "db"));
        connection.Open();
        var stopwatch = Stopwatch.StartNew();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, line FROM ps_activity";
        using var reader = command.ExecuteReader();
        long chars = 0;
        Span<Range> ranges = stackalloc Range[60];
        while (reader.Read())
        {
            var line = reader.GetString(1);
            chars += line.Length + reader.GetString(0).Length;
            chars += Fields.Split(line, ranges);
        }

        Console.WriteLine($"read + split ps_activity: {stopwatch.Elapsed.TotalSeconds:F1} s, {chars / 1e6:F0} M chars, gen0 {GC.CollectionCount(0)} gen2 {GC.CollectionCount(2)}");
    }

    private static void Report(string title, DirectoryImportReport report)
    {
        Console.WriteLine($"{title}: import {report.ImportElapsed.TotalSeconds:F1} s, index rebuild {report.IndexElapsed.TotalSeconds:F1} s");
        foreach (var f in report.Files)
        {
            Console.WriteLine($"  {f.File} [{f.Encoding}]: {f.Rows:N0} rows, +{f.Added:N0} ~{f.Changed:N0} -{f.Removed:N0} ={f.Unchanged:N0}, " +
                $"{f.Duplicates:N0} duplicates, {f.ErrorCount} errors, {f.Elapsed.TotalSeconds:F1} s");
        }
    }
}
