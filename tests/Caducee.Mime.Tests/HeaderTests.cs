// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime.Tests;

public sealed class HeaderTests
{
    [Theory]
    [InlineData("=?UTF-8?Q?Compte_rendu_d=27hospitalisation?=", "Compte rendu d'hospitalisation")]
    [InlineData("=?ISO-8859-1?Q?R=E9sultats_=E0_v=E9rifier?=", "Résultats à vérifier")]
    [InlineData("=?utf-8?b?w6k=?= =?utf-8?b?w6g=?=", "éè")] // whitespace between words dropped
    [InlineData("=?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?=", "été")] // multibyte split across words
    [InlineData("avant=?utf-8?q?=C3=A9?=apres", "avantéapres")] // missing spaces
    [InlineData("=?UTF-8?b?w6k?=", "é")] // missing padding
    [InlineData("=?utf-8*fr?q?caf=C3=A9?=", "café")] // RFC 2231 language in the charset
    [InlineData("=?x-unknown?q?caf=C3=A9?=", "café")] // unknown charset: UTF-8 fallback
    [InlineData("=?utf-8?q?a?= b", "a b")]
    [InlineData("plain text", "plain text")]
    [InlineData("=?utf-8?x?bad?=", "=?utf-8?x?bad?=")] // not an encoded word
    [InlineData("=?utf-8?q?unterminated", "=?utf-8?q?unterminated")]
    [InlineData("=?koi8-r?b?8NLJ18XU?=", "Привет")]
    [InlineData("=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=", "日本")]
    [InlineData("=?windows-1252?q?=80_=9C?=", "€ œ")]
    [InlineData("=?gb2312?b?1tDOxA==?=", "中文")]
    public void Rfc2047_decodes_with_tolerance(string input, string expected) => Assert.Equal(expected, Rfc2047.DecodeText(input));

    [Fact]
    public void Rfc2047_encoding_round_trips_and_stays_short()
    {
        string s = "Compte rendu opératoire – Dr Hélène Dupré, très long sujet pour forcer plusieurs mots encodés";
        string enc = Rfc2047.EncodeText(s);
        Assert.All(enc.Split("\r\n "), w => Assert.True(w.Length <= 75, w));
        Assert.Equal(s, Rfc2047.DecodeText(enc.Replace("\r\n", "", StringComparison.Ordinal)));
        Assert.Equal("ascii", Rfc2047.EncodeText("ascii"));
    }

    [Fact]
    public void Rfc2231_continuations_and_charsets_merge()
    {
        MimeContentDisposition cd = MimeContentDisposition.Parse(
            "attachment; filename*0*=iso-8859-1'fr'Ordonnance%20L%E9on; filename*1=\" final.pdf\"; size=12");
        Assert.Equal("attachment", cd.Disposition);
        Assert.Equal("Ordonnance Léon final.pdf", cd.FileName);
        Assert.Equal("iso-8859-1", cd.Parameters[0].Charset);
        Assert.Equal("fr", cd.Parameters[0].Language);
        Assert.Equal("12", cd.Parameters.Get("size"));
    }

    [Fact]
    public void Rfc2231_extended_value_wins_over_plain_one()
    {
        MimeContentDisposition cd = MimeContentDisposition.Parse("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
        Assert.Equal("résumé.pdf", cd.FileName);
    }

    [Theory]
    [InlineData("text/plain", "text/plain", null)]
    [InlineData("TEXT/HTML; CHARSET=\"UTF-8\"", "text/html", "UTF-8")]
    [InlineData("text/plain (a comment); charset=us-ascii (Plain text)", "text/plain", "us-ascii")]
    [InlineData("text / plain ; charset = utf-8", "text/plain", "utf-8")]
    [InlineData("garbage", "text/plain", null)]
    [InlineData(";charset=utf-8", "text/plain", "utf-8")]
    public void Content_type_is_parsed_leniently(string value, string mime, string? charset)
    {
        MimeContentType ct = MimeContentType.Parse(value);
        Assert.Equal(mime, ct.MimeType);
        Assert.Equal(charset, ct.Charset);
    }

    [Fact]
    public void Address_lists_with_groups_quotes_comments_routes_and_idn()
    {
        IReadOnlyList<AddressEntry> list = AddressParser.Parse(
            "\"Dupré, Hélène\" <helene@hopital.fr>, A Group: a@x.fr, \"quoted local\"@y.fr;, <@r1,@r2:jqp@example.com> (comment), zoë@exemple.français.fr, =?utf-8?q?Jos=C3=A9?= <jose@x.fr>");
        Assert.Equal(5, list.Count);
        Assert.Equal("Dupré, Hélène", list[0].Mailbox!.DisplayName);
        Assert.Equal("helene@hopital.fr", list[0].Mailbox!.Address);
        Assert.True(list[1].IsGroup);
        Assert.Equal("A Group", list[1].GroupName);
        Assert.Equal(2, list[1].Members.Count);
        Assert.Equal("quoted local", list[1].Members[1].LocalPart);
        Assert.Equal("\"quoted local\"@y.fr", list[1].Members[1].Address);
        Assert.Equal("@r1,@r2", list[2].Mailbox!.Route);
        Assert.Equal("jqp@example.com", list[2].Mailbox!.Address);
        Assert.Equal("exemple.français.fr", list[3].Mailbox!.Domain);
        Assert.Equal("exemple.xn--franais-xxa.fr", list[3].Mailbox!.AsciiDomain);
        Assert.Equal("José", list[4].Mailbox!.DisplayName);
        Assert.Equal("=?utf-8?q?Jos=C3=A9?=", list[4].Mailbox!.RawDisplayName);
    }

    [Fact]
    public void Address_parser_survives_broken_input()
    {
        Assert.Empty(AddressParser.Parse(""));
        Assert.Single(AddressParser.Parse("Name <missing-bracket@x.fr"));
        Assert.Equal("John Q. Public", AddressParser.ParseMailboxes("John Q. Public <jqp@x.fr>")[0].DisplayName);
        Assert.Equal("A.B", AddressParser.ParseMailboxes("A.B <ab@x.fr>")[0].DisplayName);
        Assert.Equal("a@b", AddressParser.ParseMailboxes("<<a@b>>")[0].Address);
        Assert.Equal(2, AddressParser.ParseMailboxes("a@b,,, c@d").Count);
        _ = AddressParser.Parse("\"unterminated <x@y>");
        _ = AddressParser.Parse("((((((nested comment");
        _ = AddressParser.Parse("group: ; : ; < > @ @ ,");
    }

    [Theory]
    [InlineData("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", "1996-07-17T02:23:25-07:00")]
    [InlineData("Mon, 3 Nov 2025 09:15:00 +0100", "2025-11-03T09:15:00+01:00")]
    [InlineData("3 Nov 2025 09:15 +0100", "2025-11-03T09:15:00+01:00")] // no day name, no seconds
    [InlineData("Monday, 3 November 25 09:15:00 GMT", "2025-11-03T09:15:00+00:00")] // full names, 2-digit year
    [InlineData("Mon,3 Nov 1999 9:05:00 EST", "1999-11-03T09:05:00-05:00")]
    [InlineData("Thu, 13 Feb 969 23:32:54 -0330", "2869-02-13T23:32:54-03:30")] // RFC 5322 §A.6.2 three-digit year (+1900)
    [InlineData("Mon Jan  2 15:04:05 2006", "2006-01-02T15:04:05+00:00")] // asctime
    [InlineData("2006-01-02T15:04:05Z", "2006-01-02T15:04:05+00:00")]
    [InlineData("Tue, 1 Jul 2003 10:52:37 0200", "2003-07-01T10:52:37+02:00")] // zone without sign
    public void Dates_in_rfc5322_and_common_malformed_forms(string input, string expected)
    {
        Assert.True(DateParser.TryParse(input, out DateTimeOffset d), input);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), d);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).Offset, d.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a date")]
    [InlineData("31 Feb 2020 10:00:00 +0000")]
    [InlineData("32 Jan 2020 10:00:00 +0000")]
    [InlineData("1 Jan 2020 25:00:00 +0000")]
    [InlineData("1 Jan 0001 00:00:00 +0100")]
    [InlineData("31 Dec 9999 23:00:00 -0200")]
    public void Invalid_dates_are_rejected_without_throwing(string input) => Assert.False(DateParser.TryParse(input, out _));

    [Fact]
    public void Header_values_are_unfolded_and_decoded()
    {
        byte[] msg = Encoding.UTF8.GetBytes("Subject: =?utf-8?q?premi=C3=A8re?=\r\n =?utf-8?q?_ligne?= suite\r\nX-Raw: café brut\r\n\r\nbody");
        MimeMessage m = MimeParser.Parse(msg);
        Assert.Equal("première ligne suite", m.Subject);
        Assert.Equal("=?utf-8?q?premi=C3=A8re?= =?utf-8?q?_ligne?= suite", m.Root.Headers.GetUnfolded("subject"));
        Assert.Equal("café brut", m.Root.Headers.GetValue("X-RAW"));
        Assert.Equal("Subject", m.Root.Headers[0].Name);
        Assert.Equal(0, m.Root.Headers[0].Offset);
    }

    [Fact]
    public void Pathological_headers_decode_in_linear_time()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string many = string.Concat(Enumerable.Repeat("=?a?q?x", 40_000));
        Assert.Equal(many, Rfc2047.DecodeText(many));
        string comments = new string('(', 100_000);
        Assert.Empty(AddressParser.Parse(comments));
        string quotes = string.Concat(Enumerable.Repeat("\"a\" ", 20_000));
        _ = AddressParser.Parse(quotes);
        _ = MimeContentType.Parse("text/plain" + string.Concat(Enumerable.Repeat("; a=b", 2_000)));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
    }
}
