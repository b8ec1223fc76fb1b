// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Model;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Protocol.Parsing;
using Caducee.Smtp.Server.Outbound;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>
/// DATA (RFC 5321 §4.1.1.4), and the end of every message (DATA or BDAT LAST): size and line verdicts, the
/// end-of-data policy hooks (size per destination, antivirus), trace header, Message-ID and Date on submission
/// when missing (RFC 6409 §8), then one durable accept (blob fsynced, metadata committed) before the 250: a
/// message acknowledged is never lost.
/// </summary>
internal static class DataHandler
{
    public static (bool Accepted, SessionAction Action) Begin(SmtpSession session)
    {
        session.Reply(new SmtpReply(354, null, "End data with <CR><LF>.<CR><LF>"));
        return (true, SessionAction.BeginData);
    }

    public static Task EndOfDataAsync(SmtpSession session, DataReceiver receiver, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        EndOfMessageAsync(session, content, receiver.TooLarge, receiver.LineTooLong, cancellationToken);

    /// <summary>The end of a message, by DATA or by BDAT LAST: limits, end-of-data hooks, trace headers, durable accept.</summary>
    public static async Task EndOfMessageAsync(SmtpSession session, ReadOnlyMemory<byte> content, bool tooLarge, bool lineTooLong, CancellationToken cancellationToken)
    {
        var tx = session.Transaction!;
        var context = session.PolicyContext();
        session.Transaction = null;
        if (tooLarge || lineTooLong)
        {
            var reply = tooLarge
                ? new SmtpReply(552, "5.3.4", $"Message size exceeds the limit of {session.Options.MaxMessageSize} octets")
                : new SmtpReply(554, "5.6.0", $"Message refused: a line is longer than {session.Options.MaxDataLineLength} octets (RFC 5321 §4.5.3.1.6); wrap long lines or use a MIME transfer encoding");
            Log.MessageRefused(session.Logger, session.Id, reply.Code, reply.Enhanced, reply.Text);
            session.Reply(reply);
            return;
        }

        // End-of-data hooks (size per destination, antivirus) see the message as received.
        var recipients = tx.LocalRecipients.Select(r => r.Command.Recipient).Concat(tx.RemoteRecipients.Select(r => r.Recipient)).ToList();
        var verdict = await session.Services.Policy.OnEndOfDataAsync(context, new ReceivedMessage(recipients, content), cancellationToken).ConfigureAwait(false);
        if (verdict.IsRefusal)
        {
            Log.PolicyRefused(session.Logger, session.Id, "DATA", verdict.Reply!.Code, verdict.Reply.Enhanced, verdict.Reason);
            session.Reply(verdict.Reply);
            return;
        }

        var now = session.Services.Clock.GetUtcNow();
        var queueHint = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var prefix = new StringBuilder();
        prefix.Append(TraceHeader(session, tx, queueHint, now));
        if (session.Options.Kind == SmtpListenerKind.Submission)
        {
            if (!HeaderBlock.HasField(content.Span, "Message-ID"))
            {
                prefix.Append(CultureInfo.InvariantCulture, $"Message-ID: <{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}@{session.Options.HostName}>\r\n");
            }

            if (!HeaderBlock.HasField(content.Span, "Date"))
            {
                prefix.Append("Date: ").Append(now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
            }
        }

        var prefixBytes = Encoding.UTF8.GetBytes(prefix.ToString());
        var message = new byte[prefixBytes.Length + content.Length];
        prefixBytes.CopyTo(message, 0);
        content.Span.CopyTo(message.AsSpan(prefixBytes.Length));

        try
        {
            var accepted = new AcceptedMessage(
                message,
                now,
                tx.Mail.Sender,
                [.. tx.LocalRecipients.Select(r => r.Mailbox.Id)],
                [.. tx.RemoteRecipients.Select(r => new OutboundRecipient(r.Recipient, (NotifyOn)(int)r.Notify, r.OriginalRecipient))],
                tx.Mail.EnvelopeId,
                tx.Mail.Ret != DsnReturn.Headers);
            var result = await session.Services.Store.AcceptAsync(accepted, cancellationToken).ConfigureAwait(false);
            var refused = result.Local.Where(l => !l.Delivered).ToList();
            if (refused.Count > 0 && refused.Count == result.Local.Count && tx.RemoteRecipients.Count == 0)
            {
                // Nothing was taken: say so now, the client keeps the message (452 over quota, 550 closed…).
                var first = refused[0];
                var who = tx.LocalRecipients.First(r => r.Mailbox.Id == first.MailboxId).Command.Recipient;
                var reply = SmtpErrorMapping.ToSmtpReply(first.Refusal!.Value, $"Message not delivered to {who}: {first.Reason}");
                Log.MessageRefused(session.Logger, session.Id, reply.Code, reply.Enhanced, reply.Text);
                session.Reply(reply);
                return;
            }

            if (tx.RemoteRecipients.Count > 0)
            {
                session.Services.QueueSignal.Signal();
            }

            if (refused.Count > 0)
            {
                await ReportRefusedAsync(session, tx, refused, message, now, cancellationToken).ConfigureAwait(false);
            }

            await ReportDeliveredAsync(session, tx, result.Local, message, now, cancellationToken).ConfigureAwait(false);

            Log.MessageAccepted(session.Logger, session.Id, result.QueueId, message.Length, tx.LocalRecipients.Count - refused.Count, tx.RemoteRecipients.Count);
            session.Reply(new SmtpReply(250, "2.0.0", $"Ok: queued as {result.QueueId}"));
        }
        catch (MailException ex)
        {
            var reply = SmtpErrorMapping.ToSmtpReply(ex.Error, "Message not accepted: " + ex.Message);
            Log.MessageRefused(session.Logger, session.Id, reply.Code, reply.Enhanced, reply.Text);
            session.Reply(reply);
        }
    }

    /// <summary>
    /// Some local recipients refused the message while others took it (quota reached, mailbox closed since
    /// RCPT): the 250 covers the others, and the sender gets a failure report for these (never dropped).
    /// </summary>
    private static async Task ReportRefusedAsync(SmtpSession session, SmtpTransaction tx, List<LocalDelivery> refused, byte[] message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (tx.Mail.Sender is not { } sender)
        {
            return; // A null sender (a report itself) is never reported on (RFC 5321 §4.5.5).
        }

        // NOTIFY honoured (RFC 3461 §4.1): a failure report unless NOTIFY was given without FAILURE (NEVER, SUCCESS, DELAY).
        var failures = refused.Select(r => (Refused: r, Rcpt: tx.LocalRecipients.First(l => l.Mailbox.Id == r.MailboxId).Command))
            .Where(x => x.Rcpt.Notify == DsnNotify.Unspecified || ((x.Rcpt.Notify & DsnNotify.Never) == 0 && (x.Rcpt.Notify & DsnNotify.Failure) != 0))
            .Select(x =>
        {
            var (r, rcpt) = x;
            var reply = r.Refusal switch
            {
                MailError.OverQuota => new SmtpReply(552, "5.2.2", "Mailbox full: " + r.Reason),
                MailError.MailboxDisabled => new SmtpReply(550, "5.2.1", "Mailbox disabled: " + r.Reason),
                _ => new SmtpReply(550, "5.1.1", "Mailbox unavailable: " + r.Reason),
            };
            return new ReportedRecipient(rcpt.Recipient, rcpt.OriginalRecipient, DsnAction.Failed, reply, null);
        }).ToList();
        if (failures.Count == 0)
        {
            return;
        }

        try
        {
            await Bouncer.BounceAsync(session.Services, session.Options.HostName, session.Options.IsLocalDomain, sender, tx.Mail.EnvelopeId, now, failures, message, tx.Mail.Ret != DsnReturn.Headers, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException ex)
        {
            // The others are delivered and durable; the report could not be stored: leave a trace.
            Log.MessageRefused(session.Logger, session.Id, 451, "4.3.0", "failure report not stored: " + ex.Message);
        }
    }

    /// <summary>
    /// RFC 3461 §4.1: local recipients that asked NOTIFY=SUCCESS get a "delivered" report once the message is in
    /// their INBOX (remote recipients are reported by the queue: "relayed", or by the next hop).
    /// </summary>
    private static async Task ReportDeliveredAsync(SmtpSession session, SmtpTransaction tx, IReadOnlyList<LocalDelivery> local, byte[] message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (tx.Mail.Sender is not { } sender)
        {
            return;
        }

        var delivered = local.Where(l => l.Delivered)
            .Select(l => tx.LocalRecipients.First(r => r.Mailbox.Id == l.MailboxId).Command)
            .Where(c => (c.Notify & DsnNotify.Never) == 0 && (c.Notify & DsnNotify.Success) != 0)
            .Select(c => new ReportedRecipient(c.Recipient, c.OriginalRecipient, DsnAction.Delivered, new SmtpReply(250, "2.0.0", "Delivered to the recipient's mailbox"), null))
            .ToList();
        if (delivered.Count == 0)
        {
            return;
        }

        try
        {
            await Bouncer.BounceAsync(session.Services, session.Options.HostName, session.Options.IsLocalDomain, sender, tx.Mail.EnvelopeId, now, delivered, message, false, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException ex)
        {
            // The message is delivered and durable; only the courtesy report is missing: leave a trace.
            Log.MessageRefused(session.Logger, session.Id, 451, "4.3.0", "delivery report not stored: " + ex.Message);
        }
    }

    // RFC 5321 §4.4 trace information, with the TLS facts in a comment (RFC 8314 style) and RFC 3848 "with" keywords.
    private static string TraceHeader(SmtpSession session, SmtpTransaction tx, string id, DateTimeOffset now)
    {
        var with = (tx.Mail.SmtpUtf8 ? "UTF8" : string.Empty) + (session.Extended ? "ESMTP" : "SMTP") +
                   (session.Tls is not null ? "S" : string.Empty) + (session.Principal is not null ? "A" : string.Empty);
        if (tx.Mail.SmtpUtf8)
        {
            with = with.Replace("UTF8ESMTP", "UTF8SMTP", StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Received: from {Clean(session.HeloName ?? "unknown")} ([{session.Remote?.Address}])\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"\tby {session.Options.HostName} (Caducée) with {with} id {id}");
        if (session.Tls is { } tls)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\r\n\t(version={tls.Protocol} cipher={tls.CipherSuite}");
            if (tls.PeerCertificate is { } peer && session.Options.Kind == SmtpListenerKind.Mx)
            {
                sb.Append(CultureInfo.InvariantCulture, $" client-dn=\"{Clean(peer.Subject)}\"");
            }

            sb.Append(')');
        }

        if (tx.RecipientCount == 1)
        {
            var rcpt = tx.LocalRecipients.Count == 1 ? tx.LocalRecipients[0].Command.Recipient : tx.RemoteRecipients[0].Recipient;
            sb.Append(CultureInfo.InvariantCulture, $"\r\n\tfor <{rcpt}>");
        }

        sb.Append("; ").Append(now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        return sb.ToString();
    }

    // Nothing a peer sends may break the header's structure.
    private static string Clean(string text) =>
        new(text.Where(c => c >= ' ' && c != '(' && c != ')' && c != '\\' && c != '"' && c != 127).ToArray());
}
