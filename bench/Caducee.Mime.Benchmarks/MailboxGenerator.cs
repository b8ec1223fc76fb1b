// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime.Benchmarks;

/// <summary>
/// Generates, at benchmark time, messages like those of a professional health mailbox: trace and
/// MSSanté headers, a French quoted-printable text (sometimes with an HTML alternative) and a PDF
/// attachment in base64 (30–300 KB). Deterministic for a seed. Nothing is checked in.
/// </summary>
internal static class MailboxGenerator
{
    public static List<byte[]> Mailbox(long totalBytes, int seed = 1)
    {
        var rnd = new Random(seed);
        var list = new List<byte[]>();
        long size = 0;
        int i = 0;
        while (size < totalBytes)
        {
            byte[] m = Typical(rnd, i++, rnd.Next(30_000, 300_000));
            list.Add(m);
            size += m.Length;
        }

        return list;
    }

    public static byte[] Typical(Random rnd, int n, int pdfSize)
    {
        byte[] pdf = new byte[pdfSize];
        rnd.NextBytes(pdf);
        "%PDF-1.7\n"u8.CopyTo(pdf);
        var b = new MimeMessageBuilder
        {
            From = new MailboxAddress("Dr Hélène Dupré", "helene.dupre", "hopital.mssante.fr"),
            Subject = $"Compte rendu d'hospitalisation n°{n} – séjour du {rnd.Next(1, 28)} novembre",
            Text = string.Concat(Enumerable.Repeat("Chère consœur, cher confrère,\nVeuillez trouver ci-joint le compte rendu de votre patient, hospitalisé du 3 au 7 novembre.\nBien confraternellement.\n", rnd.Next(3, 12))),
            Html = rnd.Next(3) == 0 ? "<html><body><p>Chère consœur, cher confrère, veuillez trouver ci-joint le compte rendu.</p></body></html>" : null,
            Date = new DateTimeOffset(2025, 11, 3, 9, 15, 0, TimeSpan.FromHours(1)).AddMinutes(n),
            MessageId = $"<cr-{n}@hopital.mssante.fr>",
        };
        b.To.Add(new MailboxAddress("Secrétariat", "secretariat", "cabinet.mssante.fr"));
        b.ExtraHeaders.Add(new("X-MSS-Version", "1.0"));
        b.ExtraHeaders.Add(new("X-MSS-Identifiant-Patient", "1234567890123^^^&1.2.250.1.213.1.4.8&ISO^NH"));
        b.Attachments.Add(new MimeAttachment($"CR-hospitalisation-{n}.pdf", "application/pdf", pdf));
        byte[] body = b.Build();
        string trace = $"Received: from relais.mssante.fr (relais.mssante.fr [192.0.2.{n % 250}])\r\n\tby mx.cabinet.mssante.fr with ESMTPS id {n:x8}\r\n\tfor <secretariat@cabinet.mssante.fr>; Mon, 3 Nov 2025 09:15:02 +0100\r\n"
            + "Received: from hopital.mssante.fr by relais.mssante.fr with ESMTPS; Mon, 3 Nov 2025 09:15:01 +0100\r\n"
            + "Return-Path: <helene.dupre@hopital.mssante.fr>\r\n";
        return [.. Encoding.ASCII.GetBytes(trace), .. body];
    }

    public static byte[] LargeAttachment(int attachmentBytes, int seed = 2)
    {
        var rnd = new Random(seed);
        return Typical(rnd, 0, attachmentBytes);
    }
}
