// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using Caducee.Mime.Testing;

namespace Caducee.Mime.Benchmarks;

/// <summary>
/// Long mutation fuzzing over the corpus: parse, then every view (text, envelope, bodystructure,
/// sections, binary, inspector JSON every 64th input). Counts exceptions escaping, watches for hangs
/// (one input over 5 s) and records the peak working set. Failing inputs are written to fuzz-failures/.
/// Usage: fuzz [--count N] [--seconds S] [--seed X] [--corpus DIR]
/// </summary>
internal static class Fuzzer
{
    private static long s_done;

    public static int Run(string[] args)
    {
        long count = Arg(args, "--count", 10_000_000);
        long seconds = Arg(args, "--seconds", long.MaxValue / 4);
        int seed = (int)Arg(args, "--seed", 20261122);
        string corpus = ArgS(args, "--corpus") ?? FindCorpus();
        byte[][] seeds = Directory.EnumerateFiles(corpus, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Console.WriteLine($"fuzz: {seeds.Length} seeds from {corpus}, target {count} inputs, seed {seed}");

        var rnd = new Random(seed);
        long failures = 0;
        long peak = 0;
        byte[] current = [];
        var sw = Stopwatch.StartNew();
        var watchdog = new Thread(() =>
        {
            long last = -1;
            while (true)
            {
                Thread.Sleep(5000);
                long now = Interlocked.Read(ref s_done);
                if (now == last)
                {
                    Directory.CreateDirectory("fuzz-failures");
                    File.WriteAllBytes(Path.Combine("fuzz-failures", "hang.eml"), current);
                    Console.WriteLine($"HANG after {now} inputs (one input > 5 s); input saved to fuzz-failures/hang.eml");
                    Environment.Exit(2);
                }

                last = now;
            }
        })
        { IsBackground = true };
        watchdog.Start();

        long i = 0;
        for (; i < count && sw.Elapsed.TotalSeconds < seconds; i++)
        {
            current = MimeMutator.Mutate(seeds[rnd.Next(seeds.Length)], rnd);
            try
            {
                Exercise(current, json: (i & 63) == 0);
            }
            catch (Exception e)
            {
                failures++;
                Directory.CreateDirectory("fuzz-failures");
                File.WriteAllBytes(Path.Combine("fuzz-failures", $"fail-{i}.eml"), current);
                Console.WriteLine($"EXCEPTION on input {i}: {e.GetType().Name}: {e.Message}");
                if (failures > 20)
                {
                    break;
                }
            }

            Interlocked.Increment(ref s_done);
            if ((i + 1) % 500_000 == 0)
            {
                peak = Math.Max(peak, Environment.WorkingSet);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1} inputs, {(i + 1) / sw.Elapsed.TotalSeconds:F0}/s, {failures} failures, working set {Environment.WorkingSet / 1048576} MiB (peak {peak / 1048576} MiB), GC heap {GC.GetTotalMemory(false) / 1048576} MiB"));
            }
        }

        peak = Math.Max(peak, Environment.WorkingSet);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {i} inputs in {sw.Elapsed.TotalSeconds:F0} s ({i / sw.Elapsed.TotalSeconds:F0}/s), {failures} exceptions, 0 hangs, peak working set {peak / 1048576} MiB"));
        return failures == 0 ? 0 : 1;
    }

    internal static void Exercise(byte[] input, bool json)
    {
        if (!MimeMutator.ExerciseAllViews(input))
        {
            throw new InvalidOperationException("bad offsets");
        }

        if (json)
        {
            _ = MimeInspector.ToJson(input);
        }
    }

    private static long Arg(string[] args, string name, long def)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : def;
    }

    private static string? ArgS(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindCorpus()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Caducee.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir ?? ".", "tests", "TestData", "mime");
    }
}
