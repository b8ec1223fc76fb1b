// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Diagnostics;

namespace Caducee.Mime.Benchmarks;

/// <summary>A quick Stopwatch measurement (mode "quick") for iterating on performance; the figures of record come from BenchmarkDotNet.</summary>
internal static class Quick
{
    public static int Run()
    {
        List<byte[]> box = MailboxGenerator.Mailbox(100L * 1024 * 1024);
        long bytes = box.Sum(m => (long)m.Length);
        var scratch = new ArrayBufferWriter<byte>(1 << 20);
        for (int round = 0; round < 3; round++)
        {
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            foreach (byte[] m in box)
            {
                Work.Structure(m);
            }

            double s = sw.Elapsed.TotalSeconds;
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            foreach (byte[] m in box)
            {
                Work.FullDecode(m, scratch);
            }

            double f = sw.Elapsed.TotalSeconds;
            long a2 = GC.GetAllocatedBytesForCurrentThread();
            Console.WriteLine($"{box.Count} msgs {bytes / 1e6:F0} MB: structure {bytes / s / 1e6:F0} MB/s {(a1 - a0) / box.Count} B/msg; full {bytes / f / 1e6:F0} MB/s {(a2 - a1) / box.Count} B/msg");
        }

        return 0;
    }
}
