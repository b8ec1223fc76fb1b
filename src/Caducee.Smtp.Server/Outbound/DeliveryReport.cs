// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>One recipient line of a delivery status notification.</summary>
public sealed record ReportedRecipient(MailAddress Address, string? OriginalRecipient, string Action, SmtpReply Reply, string? RemoteMta);

/// <summary>
/// Builds RFC 3464 delivery status notifications (multipart/report; report-type=delivery-status), with
/// a human part in French and English that says what happened and what to do (REQ-38: explicit bounces).
/// </summary>
public static class DeliveryReport
{
    public static byte[] Build(string reportingMta, MailAddress recipientOfReport, string? envelopeId, DateTimeOffset arrival, IReadOnlyList<ReportedRecipient> recipients, ReadOnlySpan<byte> original, bool returnFull, DateTimeOffset now)
    {
        var boundary = "=_caducee_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var failed = recipients.Any(r => r.Action == "failed");
        var subject = failed ? "Message non distribué / Undelivered Mail Returned to Sender" : "Avis de distribution / Delivery Status Notification";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"From: Mail Delivery System <MAILER-DAEMON@{reportingMta}>\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"To: <{recipientOfReport}>\r\n");
        sb.Append("Subject: =?UTF-8?B?").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))).Append("?=\r\n");
        sb.Append("Date: ").Append(now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Message-ID: <{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}@{reportingMta}>\r\n");
        sb.Append("Auto-Submitted: auto-replied\r\n");
        sb.Append("MIME-Version: 1.0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\r\n\r\n");
        sb.Append("This is a MIME-formatted delivery status notification.\r\n\r\n");

        sb.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        foreach (var r in recipients)
        {
            if (r.Action == "failed")
            {
                sb.Append(CultureInfo.InvariantCulture, $"Votre message n'a pas pu être distribué à <{r.Address}>.\r\n");
                sb.Append(CultureInfo.InvariantCulture, $"Your message could not be delivered to <{r.Address}>.\r\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"Statut de distribution pour <{r.Address}> : {r.Action}.\r\n");
                sb.Append(CultureInfo.InvariantCulture, $"Delivery status for <{r.Address}>: {r.Action}.\r\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"Réponse / Reply: {r.Reply}\r\n\r\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Reporting-MTA: dns; {reportingMta}\r\n");
        if (envelopeId is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Original-Envelope-Id: {envelopeId}\r\n");
        }

        sb.Append("Arrival-Date: ").Append(arrival.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var r in recipients)
        {
            sb.Append("\r\n");
            if (r.OriginalRecipient is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Original-Recipient: {r.OriginalRecipient}\r\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"Final-Recipient: rfc822; {r.Address}\r\n");
            sb.Append(CultureInfo.InvariantCulture, $"Action: {r.Action}\r\n");
            sb.Append(CultureInfo.InvariantCulture, $"Status: {r.Reply.Enhanced ?? (r.Reply.IsPermanent ? "5.0.0" : r.Reply.IsTransient ? "4.0.0" : "2.0.0")}\r\n");
            if (r.RemoteMta is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Remote-MTA: dns; {r.RemoteMta}\r\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"Diagnostic-Code: smtp; {r.Reply}\r\n");
        }

        sb.Append("\r\n");
        var head = Encoding.UTF8.GetBytes(sb.ToString());
        var returned = returnFull ? original : HeaderPart(original);
        var partHeader = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: {(returnFull ? "message/rfc822" : "text/rfc822-headers")}\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var result = new byte[head.Length + partHeader.Length + returned.Length + tail.Length];
        head.CopyTo(result, 0);
        partHeader.CopyTo(result, head.Length);
        returned.CopyTo(result.AsSpan(head.Length + partHeader.Length));
        tail.CopyTo(result, head.Length + partHeader.Length + returned.Length);
        return result;
    }

    private static ReadOnlySpan<byte> HeaderPart(ReadOnlySpan<byte> message)
    {
        var end = message.IndexOf("\r\n\r\n"u8);
        return end < 0 ? message : message[..(end + 2)];
    }
}
