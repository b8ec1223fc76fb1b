// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Mime.Imap;

namespace Caducee.Mime.Tests;

public sealed class ImapTests
{
    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    private static string S(ReadOnlyMemory<byte>? b) => b is null ? "<null>" : Encoding.UTF8.GetString(b.Value.Span);

    private static MimeMessage Corpus(string name) => MimeParser.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, name)));

    // RFC 3501 §6.4.5 / RFC 9051 §6.4.5 FETCH example. RFC 3501 prints a space between the two cc
    // addresses; the ABNF (env-cc = "(" 1*address ")") has none, as RFC 9051's example shows.
    [Fact]
    public void Envelope_matches_the_rfc_example()
    {
        MimeMessage m = Corpus("generated/rfc3501-example.eml");
        Assert.Equal(
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\")",
            S(ImapEnvelope.Build(m)));
        Assert.Equal(m.Raw.Length, ImapFetch.Rfc822Size(m));
        // The RFC's body is 3028 octets in 92 lines; ours is one line, the shape is the RFC's.
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1)", S(ImapBodyStructure.Build(m, extensible: false)));
    }

    // RFC 3501 §7.4.2 BODYSTRUCTURE example, rebuilt with bodies of exactly the example's sizes and lines.
    [Fact]
    public void Body_matches_the_rfc_multipart_example()
    {
        var sb = new StringBuilder();
        sb.Append("From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: MULTIPART/MIXED; BOUNDARY=\"x\"\r\n\r\n--x\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n");
        for (int i = 0; i < 22; i++)
        {
            sb.Append(new string('t', 50)).Append("\r\n");
        }

        sb.Append("12345678\r\n--x\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\nContent-ID: <960723163407.20117h@cac.washington.edu>\r\nContent-Description: Compiler diff\r\nContent-Transfer-Encoding: BASE64\r\n\r\n");
        for (int i = 0; i < 72; i++)
        {
            sb.Append(new string('A', 61)).Append("\r\n");
        }

        sb.Append("AAAAAAAAAAAAAAAAAA\r\n--x--\r\n");
        MimeMessage m = MimeParser.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")",
            S(ImapBodyStructure.Build(m, extensible: false)));
        Assert.Equal(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 NIL NIL NIL NIL)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"x\") NIL NIL NIL)",
            S(ImapBodyStructure.Build(m)));
    }

    [Fact]
    public void Bodystructure_extension_data_has_md5_disposition_language_location()
    {
        byte[] msg = Encoding.ASCII.GetBytes("Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Language: fr, en\r\nContent-Location: http://x.example/a.pdf\r\n\r\nJVBERg==\r\n");
        MimeMessage m = MimeParser.Parse(msg);
        Assert.Equal(
            "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 10 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) (\"fr\" \"en\") \"http://x.example/a.pdf\")",
            S(ImapBodyStructure.Build(m)));
    }

    [Fact]
    public void Message_rfc822_part_carries_envelope_body_and_lines()
    {
        MimeMessage m = Corpus("generated/forwarded-rfc822.eml");
        string bs = S(ImapBodyStructure.Build(m, extensible: false));
        Assert.Contains("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" ", bs, StringComparison.Ordinal);
        Assert.Contains("(NIL NIL \"inner\" \"b.example\")", bs, StringComparison.Ordinal);
        Assert.Contains("\"MIXED\")", bs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null, "Date: Mon, 3 Nov 2025", true)]
    [InlineData("HEADER", null, "Date: Mon", true)]
    [InlineData("TEXT", null, "--fwd\nContent-Type: text/plain", true)]
    [InlineData("1", null, "see attached", true)]
    [InlineData("1.MIME", null, "Content-Type: text/plain\n\n", true)]
    [InlineData("2.HEADER", null, "From: inner@b.example\nSubject:", true)]
    [InlineData("2.TEXT", null, "--in\n", true)]
    [InlineData("2.1", null, "inner body", true)]
    [InlineData("2.2.MIME", null, "Content-Type: application/pdf", true)]
    [InlineData("2.HEADER.FIELDS (SUBJECT)", null, "Subject: =?utf-8?Q?Transf=C3=A9r=C3=A9?=\n\r\n", true)]
    [InlineData("HEADER.FIELDS.NOT (DATE MESSAGE-ID MIME-VERSION FROM TO CONTENT-TYPE)", null, "Subject: Fwd: message\n\r\n", true)]
    [InlineData("1", "<0.3>", "see", true)]
    [InlineData("1", "<4>", "attached", true)]
    [InlineData("1", "<100.5>", "", true)]
    [InlineData("3", null, "", false)]
    [InlineData("2.9", null, "", false)]
    public void Body_sections(string section, string? partial, string expectedStart, bool exists)
    {
        MimeMessage m = Corpus("generated/forwarded-rfc822.eml");
        Assert.True(ImapSection.TryParse(section, partial, out ImapSection s));
        ReadOnlyMemory<byte>? r = ImapFetch.GetBody(m, s);
        Assert.Equal(exists, r is not null);
        if (exists)
        {
            string text = S(r);
            Assert.StartsWith(expectedStart, text, StringComparison.Ordinal);
            if (partial is null && section.Length > 0 && char.IsDigit(section[^1]))
            {
                Assert.Equal(text.Length, expectedStart.Length == 0 ? 0 : text.Length);
            }
        }
    }

    [Fact]
    public void Header_fields_keep_order_and_folding()
    {
        MimeMessage m = MimeParser.Parse("A: 1\r\nB: 2\r\n  folded\r\nC: 3\r\nb: 4\r\n\r\nbody"u8.ToArray());
        Assert.True(ImapSection.TryParse("HEADER.FIELDS (b)", null, out ImapSection s));
        Assert.Equal("B: 2\r\n  folded\r\nb: 4\r\n\r\n", S(ImapFetch.GetBody(m, s)));
    }

    [Fact]
    public void Binary_undoes_the_transfer_encoding()
    {
        MimeMessage m = Corpus("generated/mss-xdm.eml");
        Assert.True(ImapSection.TryParse("2", null, out ImapSection s));
        byte[] bin = ImapFetch.GetBinary(m, s)!.Value.ToArray();
        Assert.Equal(2052, bin.Length);
        Assert.Equal("PK"u8.ToArray(), bin[..2]);
        Assert.Equal(2052, ImapFetch.GetBinarySize(m, [2]));
        Assert.True(ImapSection.TryParse("2", "<0.4>", out ImapSection p));
        Assert.Equal(new byte[] { (byte)'P', (byte)'K', 3, 4 }, ImapFetch.GetBinary(m, p)!.Value.ToArray());
        Assert.True(ImapSection.TryParse("1", null, out ImapSection t));
        Assert.StartsWith("Bonjour,", Encoding.UTF8.GetString(ImapFetch.GetBinary(m, t)!.Value.Span), StringComparison.Ordinal);
        Assert.Null(ImapFetch.GetBinarySize(m, [3]));
    }

    [Fact]
    public void Non_multipart_message_has_only_part_one()
    {
        MimeMessage m = Corpus("generated/rfc3501-example.eml");
        Assert.True(ImapSection.TryParse("1", null, out ImapSection one));
        Assert.StartsWith("Hello Joe", S(ImapFetch.GetBody(m, one)), StringComparison.Ordinal);
        Assert.True(ImapSection.TryParse("2", null, out ImapSection two));
        Assert.Null(ImapFetch.GetBody(m, two));
    }

    [Theory]
    [InlineData("MIME")]
    [InlineData("0")]
    [InlineData("1.")]
    [InlineData("HEADER.FIELDS")]
    [InlineData("HEADER.FIELDS ()")]
    [InlineData("BOGUS")]
    public void Bad_section_specs_are_rejected(string spec) => Assert.False(ImapSection.TryParse(spec, null, out _));

    [Fact]
    public void Non_ascii_values_become_literals_or_rfc2231()
    {
        MimeMessage m = Corpus("generated/utf8-headers-rfc6532.eml");
        string env = S(ImapEnvelope.Build(m));
        const string Subject = "Sujet en UTF-8 brut : été";
        Assert.Contains($"{{{Encoding.UTF8.GetByteCount(Subject)}}}\r\n{Subject}", env, StringComparison.Ordinal);
        MimeMessage p = Corpus("generated/mss-pdf-alternative.eml");
        Assert.Contains("\"FILENAME*\" \"utf-8''Compte%20rendu", S(ImapBodyStructure.Build(p)), StringComparison.Ordinal);
    }
}
