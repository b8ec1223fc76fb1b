// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Caducee.Mime.Benchmarks;

/// <summary>Shared work: structure-only parse, and full decode (every leaf's content decoded, text converted).</summary>
internal static class Work
{
    public static int Structure(byte[] message) => MimeParser.Parse(message).PartCount;

    public static long FullDecode(byte[] message, ArrayBufferWriter<byte> scratch)
    {
        MimeMessage m = MimeParser.Parse(message);
        long total = 0;
        foreach (MimePart p in m.Root.DescendantsAndSelf())
        {
            if (p.IsMultipart || p.Message is not null)
            {
                continue;
            }

            if (p.ContentType.MediaType == "text")
            {
                total += MimeContent.GetText(p).Length;
            }
            else
            {
                scratch.ResetWrittenCount();
                total += MimeContent.DecodeTo(p, scratch);
            }
        }

        return total;
    }
}

/// <summary>
/// In-process (the artifacts output layout does not suit BenchmarkDotNet's generated projects), one
/// launch, 3 warm-ups, 10 iterations, with the memory diagnoser.
/// </summary>
public sealed class MimeBenchConfig : ManualConfig
{
    public MimeBenchConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance);
        AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub);
    }
}

/// <summary>(a) A 100 MB mailbox of typical professional messages (text + PDF), generated at setup.</summary>
[Config(typeof(MimeBenchConfig))]
public class MailboxBenchmarks
{
    private List<byte[]> _messages = [];
    private byte[] _one = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        _messages = MailboxGenerator.Mailbox(100L * 1024 * 1024);
        _one = _messages[0];
        Console.WriteLine($"// mailbox: {_messages.Count} messages, {_messages.Sum(m => (long)m.Length)} bytes");
    }

    [Benchmark(Description = "structure, 100 MB mailbox")]
    public int StructureMailbox()
    {
        int n = 0;
        foreach (byte[] m in _messages)
        {
            n += Work.Structure(m);
        }

        return n;
    }

    [Benchmark(Description = "full decode, 100 MB mailbox")]
    public long FullDecodeMailbox()
    {
        long n = 0;
        foreach (byte[] m in _messages)
        {
            n += Work.FullDecode(m, _scratch);
        }

        return n;
    }

    [Benchmark(Description = "structure, one typical message")]
    public int StructureOne() => Work.Structure(_one);
}

/// <summary>(b) A message with a 20 MB attachment.</summary>
[Config(typeof(MimeBenchConfig))]
public class LargeAttachmentBenchmarks
{
    private byte[] _message = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(32 << 20);

    [GlobalSetup]
    public void Setup()
    {
        _message = MailboxGenerator.LargeAttachment(20 * 1024 * 1024);
        Console.WriteLine($"// message: {_message.Length} bytes");
    }

    [Benchmark(Description = "structure, 20 MB attachment")]
    public int Structure() => Work.Structure(_message);

    [Benchmark(Description = "full decode, 20 MB attachment")]
    public long FullDecode() => Work.FullDecode(_message, _scratch);
}
