// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;

namespace Caducee.Mime.Tests;

public sealed class ParserTests
{
    private static MimeMessage P(string s, MimeParserOptions? o = null) => MimeParser.Parse(Encoding.UTF8.GetBytes(s), o);

    [Fact]
    public void Offsets_of_a_simple_multipart()
    {
        const string Msg = "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\n\r\nsecond\r\n--b--\r\nepilogue\r\n";
        MimeMessage m = P(Msg);
        MimePart root = m.Root;
        Assert.Equal(0, root.HeaderStart);
        Assert.Equal(Msg.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 2, root.HeaderEnd);
        Assert.Equal(root.HeaderEnd + 2, root.BodyStart);
        Assert.Equal(Msg.Length, root.BodyEnd);
        Assert.Equal(2, root.Children.Count);
        MimePart a = root.Children[0];
        Assert.Equal(Msg.IndexOf("Content-Type: text/plain", StringComparison.Ordinal), a.HeaderStart);
        Assert.Equal("hello", Encoding.UTF8.GetString(a.RawBody.Span));
        MimePart b = root.Children[1];
        Assert.Equal(b.HeaderStart, b.HeaderEnd); // no header fields
        Assert.Equal("second", Encoding.UTF8.GetString(b.RawBody.Span));
        Assert.Equal("text/plain", b.ContentType.MimeType);
        Assert.False(b.ContentType.IsExplicit);
        Assert.Empty(m.AllDefects());
    }

    [Fact]
    public void Lf_and_crlf_give_the_same_tree()
    {
        string lf = File.ReadAllText(Path.Combine(TestPaths.Corpus, "generated/mss-pdf-alternative.eml"));
        MimeMessage a = P(lf);
        MimeMessage b = P(lf.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(Shape(a.Root), Shape(b.Root));
        Assert.Equal(MimeContent.Decode(a.Root.Children[1]), MimeContent.Decode(b.Root.Children[1]));
    }

    private static string Shape(MimePart p) =>
        p.ContentType.MimeType + "[" + p.FileName + "](" + string.Join(",", p.Children.Select(Shape)) + (p.Message is null ? "" : Shape(p.Message)) + ")";

    [Fact]
    public void Unterminated_multipart_is_closed_by_the_parent_boundary()
    {
        MimeMessage m = MimeParser.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/unterminated-nested.eml")));
        Assert.Equal("multipart/mixed[](multipart/alternative[](text/plain[]()),text/plain[]())", Shape(m.Root));
        Assert.Contains(m.Root.Children[0].Defects, d => d.Kind == MimeDefectKind.CloseBoundaryNotFound);
        Assert.Equal("second outer part", MimeContent.GetText(m.Root.Children[1]));
    }

    [Fact]
    public void Missing_boundaries_are_defects_not_exceptions()
    {
        MimeMessage a = P("Content-Type: multipart/mixed; boundary=x\n\nno boundary here\n");
        Assert.Contains(a.Root.Defects, d => d.Kind == MimeDefectKind.StartBoundaryNotFound);
        Assert.Empty(a.Root.Children);
        MimeMessage b = P("Content-Type: multipart/mixed\n\n--x\n\nbody\n");
        Assert.Contains(b.Root.Defects, d => d.Kind == MimeDefectKind.MultipartWithoutBoundary);
        MimeMessage c = P("Content-Type: multipart/mixed; boundary=x\n\n--x\n\nlast\n");
        Assert.Contains(c.Root.Defects, d => d.Kind == MimeDefectKind.CloseBoundaryNotFound);
        Assert.Equal("last\n", MimeContent.GetText(c.Root.Children[0]));
    }

    [Fact]
    public void Limits_record_defects_and_stop_descending()
    {
        var sb = new StringBuilder("Content-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 50; i++)
        {
            sb.Append("--b\n\npart\n");
        }

        sb.Append("--b--\n");
        MimeMessage parts = P(sb.ToString(), new MimeParserOptions { MaxParts = 10 });
        Assert.Equal(9, parts.Root.Children.Count);
        Assert.Equal(10, parts.PartCount);
        Assert.Contains(parts.Root.Defects, d => d.Kind == MimeDefectKind.MaxPartsExceeded);

        MimeMessage deep = MimeParser.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/deep-nesting.eml")), new MimeParserOptions { MaxDepth = 5 });
        Assert.Contains(deep.AllDefects(), d => d.Defect.Kind == MimeDefectKind.MaxDepthExceeded);
        Assert.True(deep.Root.DescendantsAndSelf().Max(p => p.Depth) <= 5);

        var headers = new StringBuilder();
        for (int i = 0; i < 30; i++)
        {
            headers.Append("X-H").Append(i).Append(": v\n");
        }

        MimeMessage many = P(headers + "\nbody", new MimeParserOptions { MaxHeadersPerPart = 10 });
        Assert.Equal(10, many.Root.Headers.Count);
        Assert.Contains(many.Root.Defects, d => d.Kind == MimeDefectKind.TooManyHeaders);
        Assert.Equal("body", Encoding.UTF8.GetString(many.Root.RawBody.Span));

        MimeMessage big = P(headers + "\nbody", new MimeParserOptions { MaxHeaderBlockBytes = 40 });
        Assert.Contains(big.Root.Defects, d => d.Kind == MimeDefectKind.HeaderBlockTooLarge);

        MimeMessage longLine = P("X: " + new string('a', 200) + "\n\nb", new MimeParserOptions { MaxLineLength = 100 });
        Assert.Contains(longLine.Root.Defects, d => d.Kind == MimeDefectKind.HeaderLineTooLong);
    }

    [Fact]
    public void Header_oddities_are_recorded()
    {
        MimeMessage m = MimeParser.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/header-oddities.eml")));
        var kinds = m.Root.Defects.Select(d => d.Kind).ToList();
        Assert.Contains(MimeDefectKind.FirstHeaderLineIsContinuation, kinds);
        Assert.Contains(MimeDefectKind.ObsoleteHeaderSyntax, kinds);
        Assert.Contains(MimeDefectKind.MissingHeaderBodySeparator, kinds);
        Assert.Equal("space before colon", m.Subject);
        Assert.Equal("folded  over\tthree lines", m.Root.Headers.GetValue("X-Long"));
    }

    [Fact]
    public void Mbox_from_line_is_skipped()
    {
        MimeMessage m = P("From someone@x Mon Jan 1 00:00:00 2001\nSubject: hi\n\nbody");
        Assert.Equal("hi", m.Subject);
        Assert.True(m.Root.HeaderStart > 0);
    }

    [Fact]
    public void Digest_children_default_to_message_rfc822()
    {
        MimeMessage m = MimeParser.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/digest.eml")));
        Assert.Equal(3, m.Root.Children.Count);
        Assert.All(m.Root.Children, c => Assert.Equal("message/rfc822", c.ContentType.MimeType));
        Assert.Equal("digest 1", m.Root.Children[1].Message!.Headers.GetValue("Subject"));
    }

    [Fact]
    public void Attachment_bodies_are_not_copied()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/mss-xdm.eml"));
        MimeMessage m = MimeParser.Parse(bytes);
        MimePart zip = m.Root.Children[1];
        Assert.Equal("IHE_XDM.zip", zip.FileName);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(zip.RawBody, out ArraySegment<byte> seg));
        Assert.Same(bytes, seg.Array);
        Assert.Equal(zip.BodyStart, seg.Offset);
        Assert.Equal("1.0", m.Root.Headers.GetValue("X-MSS-Version"));
    }

    [Fact]
    public void Multi_segment_sequence_gives_the_same_tree()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/mss-pdf-alternative.eml"));
        var first = new Segment(bytes.AsMemory(0, 100));
        Segment last = first.Append(bytes.AsMemory(100, 1000)).Append(bytes.AsMemory(1100));
        MimeMessage a = MimeParser.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
        MimeMessage b = MimeParser.Parse(bytes);
        Assert.Equal(Shape(b.Root), Shape(a.Root));
        Assert.Equal(b.Root.Children[1].BodyStart, a.Root.Children[1].BodyStart);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> m) => Memory = m;

        public Segment Append(ReadOnlyMemory<byte> m)
        {
            var s = new Segment(m) { RunningIndex = RunningIndex + Memory.Length };
            Next = s;
            return s;
        }
    }

    [Fact]
    public void Every_prefix_of_a_corpus_message_parses_with_consistent_offsets()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/forwarded-rfc822.eml"));
        for (int i = 0; i <= bytes.Length; i++)
        {
            MimeMessage m = MimeParser.Parse(bytes.AsMemory(0, i));
            foreach (MimePart p in m.Root.DescendantsAndSelf())
            {
                Assert.InRange(p.HeaderStart, 0, i);
                Assert.InRange(p.HeaderEnd, p.HeaderStart, i);
                Assert.InRange(p.BodyStart, p.HeaderEnd, i);
                Assert.InRange(p.BodyEnd, p.BodyStart, i);
            }
        }
    }

    [Fact]
    public void Filenames_from_disposition_or_content_type_decoded()
    {
        MimeMessage m = MimeParser.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/rfc2231-continuations.eml")));
        Assert.Equal("Ordonnance pour M. Léon Charles.txt", m.Root.Children[0].FileName);
        Assert.Equal("Ordonnance pour M. Léon Ch\"arles.txt", m.Root.Children[0].ContentType.Parameters.Get("name"));
        Assert.Equal("Lettre déjà lue.txt", m.Root.Children[1].FileName);
    }

    [Fact]
    public void Pathological_messages_parse_quickly_and_bounded()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var sb = new StringBuilder("Content-Type: multipart/mixed; boundary=b\n\n");
        sb.Insert(sb.Length, "--b\n", 300_000);
        MimeMessage many = P(sb.ToString());
        Assert.Equal(MimeParserOptions.Default.MaxParts, many.PartCount);

        var deep = new StringBuilder();
        for (int i = 0; i < 64; i++)
        {
            deep.Append("Content-Type: multipart/mixed; boundary=\"level").Append(i).Append("\"\n\n--level").Append(i).Append('\n');
        }

        deep.Append('\n');
        deep.Insert(deep.Length, "--levelX\n", 100_000);
        MimeMessage d = P(deep.ToString());
        Assert.Contains(d.AllDefects(), x => x.Defect.Kind == MimeDefectKind.CloseBoundaryNotFound);

        MimeMessage headers = P(new StringBuilder().Insert(0, "X: y\n", 100_000).ToString());
        Assert.Equal(MimeParserOptions.Default.MaxHeadersPerPart, headers.Root.Headers.Count);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), sw.Elapsed.ToString());
    }

    [Fact]
    public void Parallel_parses_give_the_same_trees_as_sequential_ones()
    {
        byte[][] files = TestPaths.CorpusFiles().Select(File.ReadAllBytes).ToArray();
        string[] expected = files.Select(f => CorpusTests.Summary(f)).ToArray();
        var actual = new string[files.Length];
        Parallel.For(0, files.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int k = i % files.Length;
            actual[k] = CorpusTests.Summary(files[k]);
        });
        Assert.Equal(expected, actual);
    }
}
