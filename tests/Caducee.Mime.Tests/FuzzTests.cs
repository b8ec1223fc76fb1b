// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Text;
using Caducee.Mime.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Caducee.Mime.Tests;

/// <summary>Fast robustness checks (a few seconds): any byte sequence parses to some tree, and every view works on it.</summary>
public sealed class FuzzTests
{
    private static readonly byte[][] s_corpus = TestPaths.CorpusFiles().Select(File.ReadAllBytes).Where(b => b.Length < 64 * 1024).ToArray();

    internal static void Exercise(byte[] input) =>
        Assert.True(MimeMutator.ExerciseAllViews(input, new MimeParserOptions { MaxDepth = 16, MaxParts = 200 }));

    [Fact]
    public void Mutated_corpus_never_throws_and_stays_bounded()
    {
        var rnd = new Random(20261122);
        var sw = Stopwatch.StartNew();
        int count = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(3))
        {
            byte[] input = MimeMutator.Mutate(s_corpus[rnd.Next(s_corpus.Length)], rnd);
            Exercise(input);
            count++;
        }

        Assert.True(count > 500, $"only {count} inputs in 3 s");
    }

    [Fact]
    public void Random_bytes_always_parse_property() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            Exercise(bytes ?? []);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Random_strings_of_mime_tokens_always_parse_property()
    {
        string[] words = ["--b", "--b--", "\r\n", "\n", "Content-Type: multipart/mixed; boundary=b", "Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", ": ", " ", "=?utf-8?b?", "?=", "\"", "(", ")", "<", ">", "@", ",", ";", "AAAA"];
        Prop.ForAll(Gen.ArrayOf(Gen.Elements(words)).ToArbitrary(), parts =>
        {
            Exercise(Encoding.UTF8.GetBytes(string.Concat(parts)));
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Date_parser_never_throws_on_out_of_range_fields_property()
    {
        string[] months = ["Jan", "Feb", "Dec", "Xyz", ""];
        string[] zones = ["+0000", "-1200", "+1400", "-9999", "+0100", "GMT", "EST", "0200", ""];
        Prop.ForAll<int, int, int>((day, year, mix) =>
        {
            int hour = mix % 30, minute = (mix / 30) % 70, z = mix / 7;
            string s = $"{day % 40} {months[Math.Abs(z % months.Length)]} {Math.Abs(year) % 10_001:0000} {hour % 30}:{minute % 70}:{minute % 61} {zones[Math.Abs(z % zones.Length)]}";
            _ = DateParser.TryParse(s, out _);
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
