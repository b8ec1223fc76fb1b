// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Caducee.Mime.Tests;

public sealed class WriterTests
{
    private static readonly MailboxAddress s_from = new("Dr Hélène Dupré", "helene.dupre", "hopital.mssante.fr");
    private static readonly MailboxAddress s_to = new("Secrétariat, cabinet", "secretariat", "cabinet.français.fr");

    private static void AssertWireSafe(byte[] msg, bool sevenBit)
    {
        int line = 0;
        for (int i = 0; i < msg.Length; i++)
        {
            if (sevenBit)
            {
                Assert.True(msg[i] < 128, $"8-bit octet at {i}");
            }

            if (msg[i] == (byte)'\n')
            {
                Assert.True(i > 0 && msg[i - 1] == (byte)'\r', $"bare LF at {i}");
                Assert.True(line <= 998, $"line of {line} octets before {i}");
                line = 0;
            }
            else if (msg[i] != (byte)'\r')
            {
                line++;
            }
        }

        Assert.True(line <= 998);
    }

    [Fact]
    public void Build_parse_gives_the_same_tree()
    {
        byte[] pdf = new byte[20_000];
        new Random(7).NextBytes(pdf);
        var b = new MimeMessageBuilder
        {
            From = s_from,
            Subject = "Compte rendu opératoire – séjour du 3 novembre, un sujet assez long pour être plié sur plusieurs lignes",
            Text = "Bonjour,\nVeuillez trouver ci-joint le compte rendu.\nÀ bientôt.\n" + new string('x', 2000) + "\n",
            Html = "<p>Bonjour, <b>ci-joint</b> le compte rendu.</p>",
            Date = new DateTimeOffset(2025, 11, 3, 9, 15, 0, TimeSpan.FromHours(1)),
            MessageId = "<cr-1@hopital.mssante.fr>",
        };
        b.To.Add(s_to);
        b.ExtraHeaders.Add(new("X-MSS-Version", "1.0"));
        b.Attachments.Add(new MimeAttachment("Compte rendu opératoire – une très longue désignation de document médical.pdf", "application/pdf", pdf));
        b.Attachments.Add(new MimeAttachment("IHE_XDM.zip", "application/zip", "PK\u0003\u0004"u8.ToArray()));
        byte[] msg = b.Build();
        AssertWireSafe(msg, sevenBit: true);

        MimeMessage m = MimeParser.Parse(msg);
        Assert.Empty(m.AllDefects());
        Assert.Equal(b.Subject, m.Subject);
        Assert.Equal("Dr Hélène Dupré", m.From[0].DisplayName);
        Assert.Equal("cabinet.xn--franais-xxa.fr", m.To[0].Domain);
        Assert.Equal("Secrétariat, cabinet", m.To[0].DisplayName);
        Assert.Equal("1.0", m.Root.Headers.GetValue("X-MSS-Version"));
        Assert.Equal(new DateTimeOffset(2025, 11, 3, 9, 15, 0, TimeSpan.FromHours(1)), m.Date);
        Assert.Equal("multipart/mixed", m.Root.ContentType.MimeType);
        Assert.Equal(3, m.Root.Children.Count);
        MimePart alt = m.Root.Children[0];
        Assert.Equal("multipart/alternative", alt.ContentType.MimeType);
        Assert.Equal(b.Text.Replace("\n", "\r\n", StringComparison.Ordinal), MimeContent.GetText(alt.Children[0]));
        Assert.Equal(b.Html, MimeContent.GetText(alt.Children[1]));
        Assert.Equal(b.Attachments[0].FileName, m.Root.Children[1].FileName);
        Assert.Equal(pdf, MimeContent.Decode(m.Root.Children[1]));
        Assert.Equal("IHE_XDM.zip", m.Root.Children[2].FileName);
    }

    [Fact]
    public void Eight_bit_output_only_when_allowed()
    {
        var b = new MimeMessageBuilder { From = s_from, Subject = "é", Text = "Texte accentué : été.\n" };
        byte[] seven = b.Build(allow8Bit: false);
        byte[] eight = b.Build(allow8Bit: true);
        AssertWireSafe(seven, sevenBit: true);
        AssertWireSafe(eight, sevenBit: false);
        Assert.Equal(MimeTransferEncoding.QuotedPrintable, MimeParser.Parse(seven).Root.TransferEncoding);
        Assert.Equal(MimeTransferEncoding.EightBit, MimeParser.Parse(eight).Root.TransferEncoding);
        Assert.Equal("Texte accentué : été.\r\n", MimeContent.GetText(MimeParser.Parse(eight).Root));
        Assert.Equal("Texte accentué : été.\r\n", MimeContent.GetText(MimeParser.Parse(seven).Root));
    }

    [Fact]
    public void Round_trip_property_over_random_text_subjects_and_names()
    {
        Func<string?, string, string, bool> property = (text, subject, name) =>
        {
            text ??= string.Empty;
            string t = Clean(text);
            string s = Clean(subject).Replace("\n", " ", StringComparison.Ordinal).Trim();
            string n = Clean(name).Replace("\n", " ", StringComparison.Ordinal).Trim();
            if (n.Length == 0)
            {
                n = "x";
            }

            var b = new MimeMessageBuilder { From = s_from, Subject = s, Text = t };
            b.Attachments.Add(new MimeAttachment(n, "application/octet-stream", Encoding.UTF8.GetBytes(t)));
            byte[] msg = b.Build();
            AssertWireSafe(msg, sevenBit: true);
            MimeMessage m = MimeParser.Parse(msg);
            string expectedText = t.Replace("\n", "\r\n", StringComparison.Ordinal);
            string gotText = MimeContent.GetText(m.Root.Children[0]);
            return m.Subject == s
                && gotText == expectedText
                && m.Root.Children[1].FileName == n
                && MimeContent.Decode(m.Root.Children[1]).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(t));
        };
        Prop.ForAll(property).QuickCheckThrowOnFailure();
    }

    // Surrogate halves and CR are not representable as text lines; keep the generated strings valid.
    private static string Clean(string? s)
    {
        var sb = new StringBuilder();
        foreach (char c in s ?? string.Empty)
        {
            if (char.IsSurrogate(c) || c == '\r' || c == '\0')
            {
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    [Fact]
    public void Dsn_is_a_delivery_status_report()
    {
        byte[] original = new MimeMessageBuilder { From = s_from, Subject = "Résultats", Text = "corps" }.Build();
        var dsn = new DeliveryStatusReport(
            new MailboxAddress(null, "MAILER-DAEMON", "relais.mssante.fr"),
            s_from,
            "relais.mssante.fr",
            [new DsnRecipient("inconnu@cabinet.mssante.fr", "failed", "5.1.1") { DiagnosticCode = "smtp; 550 5.1.1 unknown user" }],
            "Le message n'a pas pu être distribué.")
        { OriginalMessage = original, OriginalEnvelopeId = "ENV1" };
        byte[] bytes = MimeReports.BuildDsn(dsn);
        AssertWireSafe(bytes, sevenBit: true);
        MimeMessage m = MimeParser.Parse(bytes);
        Assert.Empty(m.AllDefects());
        Assert.Equal("multipart/report", m.Root.ContentType.MimeType);
        Assert.Equal("delivery-status", m.Root.ContentType.Parameters.Get("report-type"));
        Assert.Equal(["text/plain", "message/delivery-status", "message/rfc822"], m.Root.Children.Select(c => c.ContentType.MimeType));
        string status = MimeContent.GetText(m.Root.Children[1]);
        Assert.Contains("Reporting-MTA: dns; relais.mssante.fr\r\n\r\nFinal-Recipient: rfc822; inconnu@cabinet.mssante.fr\r\nAction: failed\r\nStatus: 5.1.1\r\n", status, StringComparison.Ordinal);
        Assert.Equal("Résultats", m.Root.Children[2].Message!.Headers.GetValue("Subject"));
        Assert.Equal("Le message n'a pas pu être distribué.", MimeContent.GetText(m.Root.Children[0]));
    }

    [Fact]
    public void Dsn_of_an_8bit_original_returns_only_its_header_when_the_peer_is_7bit()
    {
        byte[] original = Encoding.UTF8.GetBytes("From: a@b.fr\r\nSubject: brut é\r\n\r\ncorps 8 bits é\r\n");
        var dsn = new DeliveryStatusReport(s_from, s_from, "mx.fr", [new DsnRecipient("x@y.fr", "failed", "5.0.0")], "échec") { OriginalMessage = original };
        byte[] bytes = MimeReports.BuildDsn(dsn);
        AssertWireSafe(bytes, sevenBit: true);
        MimeMessage m = MimeParser.Parse(bytes);
        Assert.Equal("text/rfc822-headers", m.Root.Children[2].ContentType.MimeType);
        Assert.Equal("From: a@b.fr\r\nSubject: brut é\r\n\r\n", MimeContent.GetText(m.Root.Children[2]).Replace("=0A", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Mdn_is_a_disposition_notification_report()
    {
        byte[] original = new MimeMessageBuilder { From = s_from, Subject = "CR", Text = "x", MessageId = "<xdm1@hopital.mssante.fr>" }.Build();
        var mdn = new DispositionNotificationReport(s_to, s_from, "secretariat@cabinet.mssante.fr", "manual-action/MDN-sent-manually; displayed", "Le message a été affiché.")
        {
            Subject = "Accusé de lecture : CR",
            ReportingUa = "cabinet.mssante.fr; Caducee",
            OriginalMessageId = "<xdm1@hopital.mssante.fr>",
            OriginalHeaders = original,
        };
        byte[] bytes = MimeReports.BuildMdn(mdn);
        AssertWireSafe(bytes, sevenBit: true);
        MimeMessage m = MimeParser.Parse(bytes);
        Assert.Empty(m.AllDefects());
        Assert.Equal("disposition-notification", m.Root.ContentType.Parameters.Get("report-type"));
        Assert.Equal("Accusé de lecture : CR", m.Subject);
        Assert.Equal(["text/plain", "message/disposition-notification", "text/rfc822-headers"], m.Root.Children.Select(c => c.ContentType.MimeType));
        string fields = MimeContent.GetText(m.Root.Children[1]);
        Assert.Contains("Disposition: manual-action/MDN-sent-manually; displayed\r\n", fields, StringComparison.Ordinal);
        Assert.Contains("Original-Message-ID: <xdm1@hopital.mssante.fr>\r\n", fields, StringComparison.Ordinal);
        Assert.Contains("Message-ID: <xdm1@hopital.mssante.fr>", MimeContent.GetText(m.Root.Children[2]), StringComparison.Ordinal);
    }

    [Fact]
    public void Long_unbreakable_header_words_are_encoded_to_stay_under_998()
    {
        var b = new MimeMessageBuilder { From = s_from, Subject = new string('a', 3000), Text = "x" };
        byte[] msg = b.Build();
        AssertWireSafe(msg, sevenBit: true);
        Assert.Equal(new string('a', 3000), MimeParser.Parse(msg).Subject);
    }

    [Fact]
    public void Header_injection_is_refused()
    {
        var a = new MimeMessageBuilder { From = s_from, Text = "x" };
        a.ExtraHeaders.Add(new("X-Bad\r\nBcc", "v"));
        Assert.Throws<ArgumentException>(() => a.Build());
        var b = new MimeMessageBuilder { From = s_from, Text = "x", MessageId = "<a@b>\r\nBcc: victim@x.fr" };
        Assert.Throws<ArgumentException>(() => b.Build());
        var c = new MimeMessageBuilder { From = s_from, Text = "x" };
        c.Attachments.Add(new MimeAttachment("a.pdf", "application/pdf\r\nBcc: victim@x.fr", new byte[1]));
        Assert.Throws<ArgumentException>(() => c.Build());
        var e = new MimeMessageBuilder { From = new MailboxAddress(null, "a\r\nBcc: v", "x.fr"), Text = "x" };
        Assert.Throws<ArgumentException>(() => e.Build());
        var d = new MimeMessageBuilder { From = s_from, Text = "x", Subject = "line\r\nBcc: victim@x.fr" };
        Assert.DoesNotContain("\r\nBcc:", System.Text.Encoding.ASCII.GetString(d.Build()), StringComparison.Ordinal);
    }
}
