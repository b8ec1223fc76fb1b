// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Clients.Tests.Infrastructure;

/// <summary>
/// Realistic professional messages, deterministic by index (nothing checked in): trace and X-MSS headers, a
/// French RFC 2047 subject, a quoted-printable UTF-8 letter padded to about the size asked, and one message in
/// <see cref="AttachmentEvery"/> with a PDF attachment in base64. Shared by the real-client tests and the IMAP
/// benchmark (linked into bench/Caducee.Imap.Benchmarks).
/// </summary>
public static class SampleMessages
{
    public const int AttachmentEvery = 10;

    private static readonly string[] s_subjects =
    [
        "Compte rendu de consultation", "Résultats de biologie", "Lettre de liaison", "Demande d'avis",
        "Ordonnance de sortie", "Compte rendu opératoire", "Imagerie : IRM lombaire", "Suivi post-opératoire",
    ];

    private static readonly string[] s_patients = ["DUPONT Marie", "MARTIN Léa", "BERNARD Hélène", "PETIT Noël", "DURAND Zoé", "LEROY Gaëlle"];

    /// <summary>The message of index <paramref name="index"/>, about <paramref name="size"/> octets (at least the headers and one paragraph).</summary>
    public static byte[] Create(int index, string to, int size = 10 * 1024, string from = "dr.expediteur@hopital-nord.mssante.test")
    {
        var subject = s_subjects[index % s_subjects.Length] + " n°" + index.ToString(CultureInfo.InvariantCulture);
        var patient = s_patients[index % s_patients.Length];
        var date = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(index * 7);
        var attachment = index % AttachmentEvery == AttachmentEvery - 1;
        var text = new StringBuilder();
        text.Append("Cher confrère,\r\n\r\nJe vous adresse le compte rendu concernant ").Append(patient)
            .Append(", vu(e) le ").Append(date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)).Append(".\r\n\r\n");
        var paragraph = "Examen clinique : état général conservé, pas de fièvre, tension artérielle 12/8. Hémoglobine 13,2 g/dL, "
            + "créatininémie normale. Poursuite du traitement à l'identique ; contrôle biologique dans trois mois.\r\n\r\n";
        var bodyTarget = attachment ? size / 3 : size - 900;
        while (text.Length < bodyTarget)
        {
            text.Append(paragraph);
        }

        text.Append("Bien confraternellement,\r\nDr Expéditeur\r\n");
        var headers = new StringBuilder()
            .Append("Received: from mx.hopital-nord.mssante.test ([127.0.0.1]) by mx.cabinet-sud.mssante.test with ESMTPS id ")
            .Append((0xA000 + index).ToString("X6", CultureInfo.InvariantCulture)).Append(";\r\n\t").Append(date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("From: Dr Expéditeur <").Append(from).Append(">\r\n")
            .Append("To: <").Append(to).Append(">\r\n")
            .Append("Subject: ").Append(EncodedWord(subject)).Append("\r\n")
            .Append("Date: ").Append(date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Message-ID: <").Append(index.ToString(CultureInfo.InvariantCulture)).Append(".sample@hopital-nord.mssante.test>\r\n")
            .Append("X-MSS-NIL: ").Append((1_000_000 + index).ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n");
        var body = QuotedPrintable(text.ToString());
        var message = new StringBuilder();
        // Headers in UTF-8 only inside encoded words: the bytes are ASCII.
        message.Append(headers.ToString().Replace("Dr Expéditeur", "Dr Expediteur", StringComparison.Ordinal));
        if (!attachment)
        {
            message.Append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n").Append(body);
            return Encoding.ASCII.GetBytes(message.ToString());
        }

        var boundary = "=_b" + index.ToString(CultureInfo.InvariantCulture);
        var pdf = new byte[Math.Max(1024, size / 2)];
        new Random(index).NextBytes(pdf);
        "%PDF-1.4\n"u8.CopyTo(pdf);
        message.Append("Content-Type: multipart/mixed; boundary=\"").Append(boundary).Append("\"\r\n\r\n")
            .Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
            .Append(body).Append("\r\n--").Append(boundary)
            .Append("\r\nContent-Type: application/pdf; name=\"cr-").Append(index.ToString(CultureInfo.InvariantCulture)).Append(".pdf\"\r\n")
            .Append("Content-Disposition: attachment; filename=\"cr-").Append(index.ToString(CultureInfo.InvariantCulture)).Append(".pdf\"\r\n")
            .Append("Content-Transfer-Encoding: base64\r\n\r\n")
            .Append(Convert.ToBase64String(pdf, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--").Append(boundary).Append("--\r\n");
        return Encoding.ASCII.GetBytes(message.ToString());
    }

    /// <summary>The subject as decoded by a client.</summary>
    public static string Subject(int index) => s_subjects[index % s_subjects.Length] + " n°" + index.ToString(CultureInfo.InvariantCulture);

    private static string EncodedWord(string text) => "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";

    /// <summary>RFC 2045 §6.7 quoted-printable of UTF-8 text with CRLF line breaks, lines of at most 76 characters.</summary>
    private static string QuotedPrintable(string text)
    {
        var output = new StringBuilder(text.Length * 11 / 10);
        foreach (var line in text.Split("\r\n"))
        {
            var length = 0;
            foreach (var b in Encoding.UTF8.GetBytes(line))
            {
                var encoded = b is (>= 33 and <= 126) and not (byte)'=' || b == (byte)' '
                    ? ((char)b).ToString()
                    : "=" + b.ToString("X2", CultureInfo.InvariantCulture);
                if (length + encoded.Length > 75)
                {
                    output.Append("=\r\n");
                    length = 0;
                }

                output.Append(encoded);
                length += encoded.Length;
            }

            if (output.Length > 0 && output[^1] == ' ')
            {
                // A trailing space is encoded (RFC 2045 §6.7 rule 3).
                output.Length--;
                output.Append("=20");
            }

            output.Append("\r\n");
        }

        return output.ToString(0, output.Length - 2);
    }
}
