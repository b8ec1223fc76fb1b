// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Caducee.Mime.Tests;

public sealed class CorpusTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string f in TestPaths.CorpusFiles())
        {
            data.Add(TestPaths.Relative(f));
        }

        return data;
    }

    [Fact]
    public void Corpus_is_large_enough_and_has_the_mssante_cases()
    {
        var files = TestPaths.CorpusFiles().Select(TestPaths.Relative).ToList();
        Assert.True(files.Count >= 150, $"only {files.Count} messages");
        Assert.Contains("generated/mss-xdm.eml", files);
        Assert.Contains("generated/mss-mdn.eml", files);
        Assert.Contains("generated/mss-pdf-alternative.eml", files);
    }

    // Golden summaries: a deterministic dump beside each .eml. CADUCEE_UPDATE_GOLDEN=1 rewrites them.
    [Theory]
    [MemberData(nameof(Files))]
    public void Golden_summary_matches(string relative)
    {
        string path = Path.Combine(TestPaths.Corpus, relative);
        byte[] bytes = File.ReadAllBytes(path);
        string actual = Summary(bytes);
        string golden = Path.ChangeExtension(path, ".summary.txt");
        if (Environment.GetEnvironmentVariable("CADUCEE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(golden, actual);
        }

        Assert.True(File.Exists(golden), $"missing golden {golden}; run with CADUCEE_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    internal static string Summary(byte[] bytes)
    {
        var sb = new StringBuilder(MimeInspector.ToText(bytes));
        MimeMessage m = MimeParser.Parse(bytes);
        sb.Append("ENVELOPE ").Append(Encoding.UTF8.GetString(Imap.ImapEnvelope.Build(m))).Append('\n');
        sb.Append("BODYSTRUCTURE ").Append(Encoding.UTF8.GetString(Imap.ImapBodyStructure.Build(m))).Append('\n');
        return sb.ToString();
    }

    // The oracle: Python's email package (policy=default) over the whole corpus; every difference is
    // either fixed or listed in oracle-differences.txt with a reason.
    [Fact]
    public void Oracle_agrees_with_python_email_or_difference_is_explained()
    {
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(TestPaths.Corpus, "oracle.py"));
        psi.ArgumentList.Add(Path.Combine(TestPaths.Corpus, "python"));
        psi.ArgumentList.Add(Path.Combine(TestPaths.Corpus, "generated"));
        psi.ArgumentList.Add(Path.Combine(TestPaths.Corpus, "python-inline"));
        using Process p = Process.Start(psi)!;
        string json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        JsonObject oracle = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 1024 })!.AsObject();

        var explained = LoadExplained();
        var unexplained = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int agree = 0;
        foreach ((string file, JsonNode? expected) in oracle)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(TestPaths.Corpus, file));
            JsonNode ours = OracleNode(MimeParser.Parse(bytes).Root);
            var diffs = new List<string>();
            Compare(expected!, ours, "", diffs);
            if (diffs.Count == 0)
            {
                agree++;
            }

            foreach (string d in diffs)
            {
                string key = file + " " + d;
                if (explained.ContainsKey(key))
                {
                    seen.Add(key);
                }
                else
                {
                    unexplained.Add(key);
                }
            }
        }

        double rate = 100.0 * agree / oracle.Count;
        int differing = explained.Count + unexplained.Count;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fields compared: {s_fieldsCompared}, differing: {differing} ({100.0 * (s_fieldsCompared - differing) / s_fieldsCompared:F2}% agree)"));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Oracle agreement: {agree}/{oracle.Count} messages identical ({rate:F1}%), {explained.Count} explained differences"));
        foreach (string det in Details)
        {
            _output.WriteLine("DETAIL " + det);
        }

        foreach (string u in unexplained)
        {
            _output.WriteLine("UNEXPLAINED " + u);
        }

        var stale = explained.Keys.Where(k => !seen.Contains(k)).ToList();
        foreach (string s in stale)
        {
            _output.WriteLine("STALE " + s);
        }

        Assert.Empty(unexplained);
        Assert.Empty(stale);
        Assert.True(rate >= 80, $"agreement {rate:F1}%");
    }

    private static Dictionary<string, string> LoadExplained()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(Path.Combine(TestPaths.Corpus, "oracle-differences.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int bar = line.IndexOf(" | ", StringComparison.Ordinal);
            Assert.True(bar > 0, $"each line is 'file path | reason': {line}");
            d[line[..bar]] = line[(bar + 3)..];
        }

        return d;
    }

    private static readonly List<string> Details = [];
    private static int s_fieldsCompared;

    private static string Trunc(string s) => s.Length > 200 ? s[..200] + "..." : s;

    private static void Compare(JsonNode expected, JsonNode ours, string path, List<string> diffs)
    {
        if (expected is JsonObject eo && ours is JsonObject oo)
        {
            if (eo.ContainsKey("!error"))
            {
                diffs.Add(path + "/ python-error");
                return;
            }

            foreach (string key in new[] { "contentType", "filename", "decodedSize", "text" })
            {
                s_fieldsCompared++;
                string e = eo[key]?.ToJsonString() ?? "null";
                string o = oo[key]?.ToJsonString() ?? "null";
                if (e != o)
                {
                    diffs.Add($"{path}/{key}");
                    Details.Add($"{path}/{key}: python={Trunc(e)} ours={Trunc(o)}");
                }
            }

            JsonObject ep = eo["params"]!.AsObject();
            JsonObject op = oo["params"]!.AsObject();
            foreach (var kv in ep)
            {
                s_fieldsCompared++;
                if (op[kv.Key]?.GetValue<string>() != kv.Value?.GetValue<string>())
                {
                    Details.Add($"{path}/params/{kv.Key}: python={kv.Value?.ToJsonString()} ours={op[kv.Key]?.ToJsonString()}");
                    diffs.Add($"{path}/params/{kv.Key}");
                }
            }

            foreach (var kv in op)
            {
                if (!ep.ContainsKey(kv.Key))
                {
                    diffs.Add($"{path}/params/{kv.Key}");
                }
            }

            JsonArray ea = eo["parts"]!.AsArray();
            JsonArray oa = oo["parts"]!.AsArray();
            s_fieldsCompared++;
            if (ea.Count != oa.Count)
            {
                diffs.Add($"{path}/parts.count");
                return;
            }

            for (int i = 0; i < ea.Count; i++)
            {
                Compare(ea[i]!, oa[i]!, $"{path}/{i + 1}", diffs);
            }
        }
    }

    internal static JsonNode OracleNode(MimePart p)
    {
        var o = new JsonObject
        {
            ["contentType"] = p.ContentType.MimeType,
        };
        var ps = new JsonObject();
        if (p.ContentType.IsExplicit)
        {
            foreach (MimeParameter prm in p.ContentType.Parameters)
            {
                ps[prm.Name] ??= prm.Value;
            }
        }

        o["params"] = ps;
        o["filename"] = p.FileName;
        var parts = new JsonArray();
        bool leaf = !p.IsMultipart && p.Message is null;
        if (p.Message is { } inner)
        {
            parts.Add(OracleNode(inner));
        }

        foreach (MimePart c in p.Children)
        {
            parts.Add(OracleNode(c));
        }

        o["parts"] = parts;
        bool messageLeaf = p.ContentType.MediaType is "message" or "multipart";
        o["decodedSize"] = leaf && !messageLeaf ? MimeContent.GetDecodedLength(p) : null;
        o["text"] = leaf && !messageLeaf && p.ContentType.MediaType == "text" ? MimeContent.GetText(p) : null;
        return o;
    }

    [Fact]
    public void Every_corpus_message_parses_and_renders_json()
    {
        foreach (string f in TestPaths.CorpusFiles())
        {
            byte[] bytes = File.ReadAllBytes(f);
            string json = MimeInspector.ToJson(bytes);
            using JsonDocument doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1024 });
            Assert.True(doc.RootElement.TryGetProperty("contentType", out _), f);
        }
    }
}
