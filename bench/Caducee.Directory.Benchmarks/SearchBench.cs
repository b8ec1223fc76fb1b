// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using Caducee.Directory.Store;

namespace Caducee.Directory.Benchmarks;

/// <summary>Closed-loop load: N client threads issue queries back to back; latencies go to per-thread buffers.</summary>
internal static class SearchBench
{
    public static void Run(Dictionary<string, string> options, bool fhir)
    {
        var clients = BenchCommands.GetInt(options, "clients", 16);
        var seconds = BenchCommands.GetInt(options, "seconds", 20);
        DirectoryLoader.Trace = Console.WriteLine;
        var stopwatch = Stopwatch.StartNew();
        using var store = DirectoryStore.Open(BenchCommands.Get(options, "db"));
        Console.WriteLine($"open + index load: {stopwatch.Elapsed.TotalSeconds:F1} s, {store.PractitionerCount:N0} practitioners");
        var queries = QueryMix.Build(store, 4096, seed: 7);
        Run("warm-up", store, queries, clients: 2, seconds: 3, fhir);
        Run(fhir ? "FHIR search (search + Bundle JSON)" : "search", store, queries, clients, seconds, fhir);
    }

    private static void Run(string title, DirectoryStore store, IReadOnlyList<BenchQuery> queries, int clients, int seconds, bool fhir)
    {
        var samples = new List<(string Kind, double Ms)>[clients];
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var threads = new Thread[clients];
        for (var c = 0; c < clients; c++)
        {
            var id = c;
            samples[id] = new List<(string, double)>(100_000);
            threads[c] = new Thread(() =>
            {
                var i = id * 997;
                long bytes = 0;
                var response = new System.Buffers.ArrayBufferWriter<byte>(256 * 1024);
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var q = queries[i++ % queries.Count];
                    var start = Stopwatch.GetTimestamp();
                    if (fhir)
                    {
                        bytes += QueryMix.Fhir(store, q.Fhir, response);
                    }
                    else
                    {
                        bytes += store.Search(q.Query).Items.Count;
                    }

                    samples[id].Add((q.Kind, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                }

                GC.KeepAlive(bytes);
            });
            threads[c].Start();

        }

        foreach (var t in threads)
        {
            t.Join();
        }

        var all = samples.SelectMany(s => s).ToList();
        Console.WriteLine($"{title}: {clients} clients, {seconds} s, {all.Count:N0} queries, {all.Count / (double)seconds:N0} q/s, " +
            $"GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, GC pause {GC.GetTotalPauseDuration().TotalSeconds:F1} s (process)");
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
