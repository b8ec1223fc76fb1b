// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.Mime;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>
/// One recipient line of a delivery status notification. <paramref name="Action"/> is an RFC 3464 action:
/// failed, delayed, delivered or relayed. <paramref name="WillRetryUntil"/> goes with "delayed".
/// </summary>
public sealed record ReportedRecipient(MailAddress Address, string? OriginalRecipient, string Action, SmtpReply Reply, string? RemoteMta, DateTimeOffset? WillRetryUntil = null);

/// <summary>RFC 3464 actions used by the queue and the local delivery.</summary>
public static class DsnAction
{
    public const string Failed = "failed";
    public const string Delayed = "delayed";
    public const string Delivered = "delivered";
    public const string Relayed = "relayed";
}

/// <summary>
/// The queue's RFC 3464 notifications: says in French and English what happened and what the sender can
/// do (REQ-38: explicit bounces); the multipart/report itself is written by the MIME engine.
/// </summary>
public static class DeliveryReport
{
    public static byte[] Build(string reportingMta, MailAddress recipientOfReport, string? envelopeId, DateTimeOffset arrival, IReadOnlyList<ReportedRecipient> recipients, ReadOnlyMemory<byte> original, bool returnFull, DateTimeOffset now)
    {
        var failed = recipients.Any(r => r.Action == DsnAction.Failed);
        var delayed = !failed && recipients.Any(r => r.Action == DsnAction.Delayed);
        var human = new StringBuilder();
        foreach (var r in recipients)
        {
            switch (r.Action)
            {
                case DsnAction.Failed:
                    human.Append("Votre message n'a pas pu être distribué à <").Append(r.Address).Append(">.\r\n");
                    human.Append("Your message could not be delivered to <").Append(r.Address).Append(">.\r\n");
                    break;
                case DsnAction.Delayed:
                    var until = r.WillRetryUntil?.ToString("dd/MM/yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "?";
                    human.Append("Votre message pour <").Append(r.Address).Append("> n'a pas encore pu être distribué. ")
                        .Append("De nouvelles tentatives auront lieu jusqu'au ").Append(until).Append(" ; vous n'avez rien à faire, sauf s'il est urgent.\r\n");
                    human.Append("Your message to <").Append(r.Address).Append("> has not been delivered yet. ")
                        .Append("Delivery will be retried until ").Append(until).Append("; you need not resend it.\r\n");
                    break;
                case DsnAction.Delivered:
                    human.Append("Votre message a été distribué dans la boîte de <").Append(r.Address).Append(">.\r\n");
                    human.Append("Your message was delivered to the mailbox of <").Append(r.Address).Append(">.\r\n");
                    break;
                case DsnAction.Relayed:
                    human.Append("Votre message pour <").Append(r.Address).Append("> a été remis à l'opérateur destinataire, qui ne confirme pas la distribution.\r\n");
                    human.Append("Your message to <").Append(r.Address).Append("> was handed to the recipient's operator, which does not report delivery.\r\n");
                    break;
                default:
                    human.Append("Statut de distribution pour <").Append(r.Address).Append("> : ").Append(r.Action).Append(".\r\n");
                    human.Append("Delivery status for <").Append(r.Address).Append(">: ").Append(r.Action).Append(".\r\n");
                    break;
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
                WillRetryUntil = r.Action == DsnAction.Delayed ? r.WillRetryUntil : null,
            })],
            human.ToString())
        {
            Subject = failed ? "Message non distribué / Undelivered Mail Returned to Sender"
                : delayed ? "Message retardé / Delayed Mail (still being retried)"
                : "Avis de distribution / Delivery Status Notification",
            OriginalMessage = original,
            // RFC 3461 §4.3: RET applies to failure reports; the others carry the header only.
            HeadersOnly = !returnFull || !failed,
            OriginalEnvelopeId = envelopeId,
            ArrivalDate = arrival,
            Date = now,
            Allow8Bit = true,
        };
        return MimeReports.BuildDsn(report);
    }
}
