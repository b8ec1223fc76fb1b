// SPDX-License-Identifier: AGPL-3.0-or-later
using BenchmarkDotNet.Running;
using Caducee.Mime;
using Caducee.Mime.Benchmarks;

// Modes:
//   inspect FILE [--json]          print the tree (debugging aid)
//   fuzz [--count N] [--seconds S] mutation fuzzing over the corpus (see docs/BENCHMARKS.md)
//   anything else                  BenchmarkDotNet (e.g. --filter '*')
if (args.Length >= 2 && args[0] == "inspect")
{
    byte[] bytes = File.ReadAllBytes(args[1]);
    Console.WriteLine(args.Contains("--json") ? MimeInspector.ToJson(bytes) : MimeInspector.ToText(bytes));
    return 0;
}

if (args.Length >= 1 && args[0] == "quick")
{
    return Quick.Run();
}

if (args.Length >= 1 && args[0] == "fuzz")
{
    return Fuzzer.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Fuzzer).Assembly).Run(args);
return 0;
