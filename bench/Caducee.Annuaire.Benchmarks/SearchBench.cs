// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Benchmarks;

/// <summary>
/// Closed-loop load with N concurrent clients, in one of two models:
/// <c>threads</c>: one OS thread per client (16 CPU-bound threads on 2 cores: latency includes OS time slices);
/// <c>pool</c>: N client loops whose requests run on the .NET thread pool, as Kestrel serves concurrent
/// HTTP clients (latency includes queueing for a worker). Latencies go to per-client buffers.
/// </summary>
internal static class SearchBench
{
    public static void Run(Dictionary<string, string> options, bool fhir)
    {
        var clients = BenchCommands.GetInt(options, "clients", 16);
        var seconds = BenchCommands.GetInt(options, "seconds", 20);
        var models = BenchCommands.Get(options, "model", "threads").Split(',');
        var what = BenchCommands.Get(options, "what", fhir ? "fhir" : "search").Split(',');
        DirectoryLoader.Trace = Console.WriteLine;
        var stopwatch = Stopwatch.StartNew();
        using var store = DirectoryStore.Open(BenchCommands.Get(options, "db"));
        Console.WriteLine($"open + index load: {stopwatch.Elapsed.TotalSeconds:F1} s, {store.PractitionerCount:N0} practitioners, " +
            $"managed heap {GC.GetTotalMemory(false) / 1e6:F0} MB");
        var queries = QueryMix.Build(store, 4096, seed: 7);
        Run("warm-up", store, queries, clients: 2, seconds: 3, fhir: what.Contains("fhir"), pool: false);
        foreach (var w in what)
        {
            foreach (var model in models)
            {
                Run($"{(w == "fhir" ? "FHIR search (parse + search + Bundle JSON)" : "search")} [{model}]", store, queries, clients, seconds, w == "fhir", model == "pool");
            }
        }
    }

    private static void Run(string title, DirectoryStore store, IReadOnlyList<BenchQuery> queries, int clients, int seconds, bool fhir, bool pool)
    {
        var samples = new List<(string Kind, double Ms)>[clients];
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        var buffers = new ThreadLocal<System.Buffers.ArrayBufferWriter<byte>>(() => new System.Buffers.ArrayBufferWriter<byte>(256 * 1024));
        long Work(BenchQuery q) => fhir ? QueryMix.Fhir(store, q.Fhir, buffers.Value!) : store.Search(q.Query).Items.Count;

        if (pool)
        {
            var tasks = new Task[clients];
            for (var c = 0; c < clients; c++)
            {
                var id = c;
                samples[id] = new List<(string, double)>(100_000);
                tasks[c] = Task.Run(async () =>
                {
                    var i = id * 997;
                    while (Stopwatch.GetTimestamp() < deadline)
                    {
                        var q = queries[i++ % queries.Count];
                        var start = Stopwatch.GetTimestamp();
                        await Task.Run(() => Work(q)).ConfigureAwait(false);
                        samples[id].Add((q.Kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                    }
                });
            }

            Task.WaitAll(tasks);
        }
        else
        {
            var threads = new Thread[clients];
            for (var c = 0; c < clients; c++)
            {
                var id = c;
                samples[id] = new List<(string, double)>(100_000);
                threads[c] = new Thread(() =>
                {
                    var i = id * 997;
                    while (Stopwatch.GetTimestamp() < deadline)
                    {
                        var q = queries[i++ % queries.Count];
                        var start = Stopwatch.GetTimestamp();
                        Work(q);
                        samples[id].Add((q.Kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                    }
                });
                threads[c].Start();
            }

            foreach (var t in threads)
            {
                t.Join();
            }
        }

        var all = samples.SelectMany(s => s).ToList();
        Console.WriteLine($"{title}: {clients} clients, {seconds} s, {all.Count:N0} queries, {all.Count / (double)seconds:N0} q/s, " +
            $"GCs gen0 {GC.CollectionCount(0) - gen0} gen2 {GC.CollectionCount(2) - gen2}, GC pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms, " +
            $"pool threads {ThreadPool.ThreadCount}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Print("all", all.Select(s => s.Ms).ToList());
        foreach (var group in all.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Print(group.Key, group.Select(s => s.Ms).ToList());
        }
    }

    private static void Print(string kind, List<double> ms)
    {
        ms.Sort();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
        Console.WriteLine($"  {kind,-22} n={ms.Count,8:N0}  p50={P(0.50),7:F3} ms  p95={P(0.95),7:F3} ms  p99={P(0.99),7:F3} ms  max={ms[^1],8:F2} ms");
    }
}
