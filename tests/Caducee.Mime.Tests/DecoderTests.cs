// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime.Tests;

public sealed class DecoderTests
{
    private static byte[] Run(IContentDecoder dec, params byte[][] chunks)
    {
        var output = new List<byte>();
        for (int i = 0; i < chunks.Length; i++)
        {
            // Exactly the advertised maximum: a decoder writing more would throw here.
            byte[] buf = new byte[dec.MaxOutputLength(chunks[i].Length)];
            int n = dec.Decode(chunks[i], buf, i == chunks.Length - 1);
            output.AddRange(buf.AsSpan(0, n).ToArray());
        }

        return [.. output];
    }

    // Feed the input split at every byte position, and one byte at a time: the output never changes.
    private static void AssertSplitInvariant(Func<IContentDecoder> factory, byte[] input, byte[] expected)
    {
        Assert.Equal(expected, Run(factory(), input));
        for (int i = 0; i <= input.Length; i++)
        {
            byte[] got = Run(factory(), input[..i], input[i..]);
            Assert.True(expected.AsSpan().SequenceEqual(got), $"split at {i}: got '{Encoding.Latin1.GetString(got)}'");
        }

        byte[][] single = input.Select(b => new[] { b }).Append([]).ToArray();
        Assert.Equal(expected, Run(factory(), single));
    }

    [Theory]
    [InlineData("SGVsbG8gd29ybGQ=", "Hello world")]
    [InlineData("SGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n", "Hello world")]
    [InlineData("SGVsbG8gd29ybGQ", "Hello world")] // missing padding
    [InlineData("SGVsbG8g!!d29y\nbGQ*", "Hello world")] // junk skipped
    [InlineData("SGk=SGk=", "HiHi")] // concatenated streams
    [InlineData("QUJDRA", "ABCD")] // a carried quantum plus a final partial one: the output bound is exact
    [InlineData("", "")]
    public void Base64_decodes_leniently_whatever_the_split(string input, string expected) =>
        AssertSplitInvariant(() => new Base64Decoder(), Encoding.ASCII.GetBytes(input), Encoding.ASCII.GetBytes(expected));

    [Fact]
    public void Base64_long_lines_match_the_framework_decoder()
    {
        byte[] data = new byte[5000];
        new Random(42).NextBytes(data);
        string b64 = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks);
        byte[] input = Encoding.ASCII.GetBytes(b64);
        Assert.Equal(data, Run(new Base64Decoder(), input));
        Assert.Equal(data, Run(new Base64Decoder(), input[..1234], input[1234..3001], input[3001..]));
    }

    [Fact]
    public void Base64_counts_invalid_bytes()
    {
        var d = new Base64Decoder();
        Run(d, "QUJD*#QQ=="u8.ToArray());
        Assert.Equal(2, d.InvalidBytes);
    }

    [Theory]
    [InlineData("caf=C3=A9", "café")]
    [InlineData("soft=\r\nbreak", "softbreak")]
    [InlineData("soft=\nbreak", "softbreak")]
    [InlineData("soft=  \r\nbreak", "softbreak")] // whitespace after '=' before the line break
    [InlineData("trailing   \r\nnext", "trailing\r\nnext")] // RFC 2045 §6.7 (3)
    [InlineData("lower =c3=a9", "lower é")]
    [InlineData("bad =ZZ and =3", "bad =ZZ and =3")]
    [InlineData("= x", "= x")]
    [InlineData("end=", "end")]
    [InlineData("a\rb", "a\rb")]
    public void QuotedPrintable_decodes_whatever_the_split(string input, string expected) =>
        AssertSplitInvariant(() => new QuotedPrintableDecoder(), Encoding.UTF8.GetBytes(input), Encoding.UTF8.GetBytes(expected));

    [Fact]
    public void UUDecode_decodes_whatever_the_split() =>
        AssertSplitInvariant(() => new UUDecoder(), Encoding.ASCII.GetBytes("begin 644 hello.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\n"), Encoding.ASCII.GetBytes("hello world\n"));

    [Fact]
    public void Charset_fallbacks_keep_accents()
    {
        byte[] latin1 = Encoding.Latin1.GetBytes("été");
        Assert.Equal("été", Charsets.DecodeText(latin1, "iso-8859-1"));
        Assert.Equal("été", Charsets.DecodeText(latin1, null)); // Windows-1252 fallback
        Assert.Equal("été", Charsets.DecodeText(Encoding.UTF8.GetBytes("été"), "us-ascii")); // UTF-8 fallback
        Assert.Equal("été", Charsets.DecodeText(Encoding.UTF8.GetBytes("été"), "no-such-charset"));
        Assert.Equal("€", Charsets.DecodeText([0xA4], "iso-8859-15"));
        Assert.Equal("€", Charsets.DecodeText([0x80], "windows-1252"));
        Assert.Equal("Ж", Charsets.DecodeText([0xB6], "iso-8859-5"));
        Assert.Equal("日本", Charsets.DecodeText([0x93, 0xFA, 0x96, 0x7B], "shift_jis"));
        Assert.Null(Charsets.Find("x-unknown"));
        Assert.NotNull(Charsets.Find("KOI8-R"));
    }
}
