// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Mime;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>One recipient line of a delivery status notification.</summary>
public sealed record ReportedRecipient(MailAddress Address, string? OriginalRecipient, string Action, SmtpReply Reply, string? RemoteMta);

/// <summary>
/// The queue's RFC 3464 notifications: says in French and English what happened and what the sender can
/// do (REQ-38: explicit bounces); the multipart/report itself is written by the MIME engine.
/// </summary>
public static class DeliveryReport
{
    public static byte[] Build(string reportingMta, MailAddress recipientOfReport, string? envelopeId, DateTimeOffset arrival, IReadOnlyList<ReportedRecipient> recipients, ReadOnlyMemory<byte> original, bool returnFull, DateTimeOffset now)
    {
        var failed = recipients.Any(r => r.Action == "failed");
        var human = new StringBuilder();
        foreach (var r in recipients)
        {
            if (r.Action == "failed")
            {
                human.Append("Votre message n'a pas pu être distribué à <").Append(r.Address).Append(">.\r\n");
                human.Append("Your message could not be delivered to <").Append(r.Address).Append(">.\r\n");
            }
            else
            {
                human.Append("Statut de distribution pour <").Append(r.Address).Append("> : ").Append(r.Action).Append(".\r\n");
                human.Append("Delivery status for <").Append(r.Address).Append(">: ").Append(r.Action).Append(".\r\n");
            }

            human.Append("Réponse / Reply: ").Append(r.Reply).Append("\r\n\r\n");
        }

        var report = new DeliveryStatusReport(
            new MailboxAddress("Mail Delivery System", "MAILER-DAEMON", reportingMta),
            new MailboxAddress(null, recipientOfReport.LocalPart, recipientOfReport.Domain),
            reportingMta,
            [.. recipients.Select(r => new DsnRecipient(r.Address.ToString(), r.Action, r.Reply.Enhanced ?? (r.Reply.IsPermanent ? "5.0.0" : r.Reply.IsTransient ? "4.0.0" : "2.0.0"))
            {
                OriginalRecipient = r.OriginalRecipient,
                DiagnosticCode = "smtp; " + r.Reply,
                RemoteMta = r.RemoteMta is null ? null : "dns; " + r.RemoteMta,
            })],
            human.ToString())
        {
            Subject = failed ? "Message non distribué / Undelivered Mail Returned to Sender" : "Avis de distribution / Delivery Status Notification",
            OriginalMessage = original,
            HeadersOnly = !returnFull,
            OriginalEnvelopeId = envelopeId,
            ArrivalDate = arrival,
            Date = now,
            Allow8Bit = true,
        };
        return MimeReports.BuildDsn(report);
    }
}
