// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;

namespace Caducee.Mime;

/// <summary>One recipient block of a DSN (RFC 3464 §2.3).</summary>
public sealed record DsnRecipient(string FinalRecipient, string Action, string Status)
{
    /// <summary>Original-Recipient (address type included, e.g. "rfc822;a@b"), or null.</summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>Diagnostic-Code, e.g. "smtp; 550 5.1.1 unknown user".</summary>
    public string? DiagnosticCode { get; init; }

    /// <summary>Remote-MTA, e.g. "dns; mx.example".</summary>
    public string? RemoteMta { get; init; }

    /// <summary>Last-Attempt-Date.</summary>
    public DateTimeOffset? LastAttemptDate { get; init; }

    /// <summary>Will-Retry-Until (RFC 3464 §2.3.8), for "delayed" reports.</summary>
    public DateTimeOffset? WillRetryUntil { get; init; }
}

/// <summary>A delivery status notification (RFC 3464 in multipart/report, RFC 6522).</summary>
public sealed record DeliveryStatusReport(MailboxAddress From, MailboxAddress To, string ReportingMta, IReadOnlyList<DsnRecipient> Recipients, string HumanText)
{
    /// <summary>The subject; "Delivery Status Notification" by default.</summary>
    public string Subject { get; init; } = "Delivery Status Notification";

    /// <summary>The original message (or its header block when <see cref="HeadersOnly"/>).</summary>
    public ReadOnlyMemory<byte> OriginalMessage { get; init; }

    /// <summary>Return only the original header (text/rfc822-headers) instead of the message (message/rfc822).</summary>
    public bool HeadersOnly { get; init; }

    /// <summary>Original-Envelope-Id (ENVID), or null.</summary>
    public string? OriginalEnvelopeId { get; init; }

    /// <summary>Arrival-Date, or null.</summary>
    public DateTimeOffset? ArrivalDate { get; init; }

    /// <summary>Date of the report (now when null).</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>The peer accepts 8BITMIME: an 8-bit original may be returned whole; otherwise only its header is returned, encoded.</summary>
    public bool Allow8Bit { get; init; }
}

/// <summary>A message disposition notification (RFC 8098).</summary>
public sealed record DispositionNotificationReport(MailboxAddress From, MailboxAddress To, string FinalRecipient, string Disposition, string HumanText)
{
    /// <summary>The subject.</summary>
    public string Subject { get; init; } = "Disposition notification";

    /// <summary>Reporting-UA, e.g. "mail.example; Caducee".</summary>
    public string? ReportingUa { get; init; }

    /// <summary>Original-Recipient, or null.</summary>
    public string? OriginalRecipient { get; init; }

    /// <summary>Original-Message-ID, with angle brackets.</summary>
    public string? OriginalMessageId { get; init; }

    /// <summary>The header block of the original message, returned as text/rfc822-headers when not empty.</summary>
    public ReadOnlyMemory<byte> OriginalHeaders { get; init; }

    /// <summary>Date of the report (now when null).</summary>
    public DateTimeOffset? Date { get; init; }
}

/// <summary>Writes multipart/report messages: DSN (RFC 3464) and MDN (RFC 8098), 7-bit safe.</summary>
public static class MimeReports
{
    /// <summary>multipart/report; report-type=delivery-status.</summary>
    public static byte[] BuildDsn(DeliveryStatusReport r)
    {
        var w = new MimeWriter();
        MimeMessageBuilder.WriteEnvelopeHeaders(w, r.From, [r.To], [], r.Subject, r.Date, null, null, [new("Auto-Submitted", "auto-replied")]);
        w.Header("MIME-Version", "1.0");
        string b = MimeWriter.NewBoundary();
        w.ParameterHeader("Content-Type", "multipart/report", [("report-type", "delivery-status"), ("boundary", b)]);
        w.Blank();
        w.Ascii("--" + b + "\r\n");
        MimeMessageBuilder.WriteText(w, r.HumanText, "plain", allow8Bit: false);
        w.Ascii("\r\n--" + b + "\r\n");
        w.Header("Content-Type", "message/delivery-status");
        w.Blank();
        // per-message-fields, blank line, then one block per recipient (RFC 3464 §2.1).
        if (r.OriginalEnvelopeId is not null)
        {
            w.Header("Original-Envelope-Id", r.OriginalEnvelopeId);
        }

        w.Header("Reporting-MTA", "dns; " + r.ReportingMta);
        if (r.ArrivalDate is { } ad)
        {
            w.Header("Arrival-Date", Rfc5322Date(ad));
        }

        foreach (DsnRecipient rc in r.Recipients)
        {
            w.Blank();
            if (rc.OriginalRecipient is not null)
            {
                w.Header("Original-Recipient", rc.OriginalRecipient);
            }

            w.Header("Final-Recipient", rc.FinalRecipient.Contains(';', StringComparison.Ordinal) ? rc.FinalRecipient : "rfc822; " + rc.FinalRecipient);
            w.Header("Action", rc.Action);
            w.Header("Status", rc.Status);
            if (rc.RemoteMta is not null)
            {
                w.Header("Remote-MTA", rc.RemoteMta);
            }

            if (rc.DiagnosticCode is not null)
            {
                w.Header("Diagnostic-Code", rc.DiagnosticCode);
            }

            if (rc.LastAttemptDate is { } la)
            {
                w.Header("Last-Attempt-Date", Rfc5322Date(la));
            }

            if (rc.WillRetryUntil is { } wru)
            {
                w.Header("Will-Retry-Until", Rfc5322Date(wru));
            }
        }

        if (!r.OriginalMessage.IsEmpty)
        {
            w.Ascii("\r\n--" + b + "\r\n");
            WriteOriginal(w, r.OriginalMessage, r.HeadersOnly, r.Allow8Bit);
        }

        w.Ascii("\r\n--" + b + "--\r\n");
        return w.Written.ToArray();
    }

    /// <summary>multipart/report; report-type=disposition-notification.</summary>
    public static byte[] BuildMdn(DispositionNotificationReport r)
    {
        var w = new MimeWriter();
        MimeMessageBuilder.WriteEnvelopeHeaders(w, r.From, [r.To], [], r.Subject, r.Date, null, r.OriginalMessageId, [new("Auto-Submitted", "auto-replied")]);
        w.Header("MIME-Version", "1.0");
        string b = MimeWriter.NewBoundary();
        w.ParameterHeader("Content-Type", "multipart/report", [("report-type", "disposition-notification"), ("boundary", b)]);
        w.Blank();
        w.Ascii("--" + b + "\r\n");
        MimeMessageBuilder.WriteText(w, r.HumanText, "plain", allow8Bit: false);
        w.Ascii("\r\n--" + b + "\r\n");
        w.Header("Content-Type", "message/disposition-notification");
        w.Blank();
        if (r.ReportingUa is not null)
        {
            w.Header("Reporting-UA", r.ReportingUa);
        }

        if (r.OriginalRecipient is not null)
        {
            w.Header("Original-Recipient", r.OriginalRecipient);
        }

        w.Header("Final-Recipient", r.FinalRecipient.Contains(';', StringComparison.Ordinal) ? r.FinalRecipient : "rfc822; " + r.FinalRecipient);
        if (r.OriginalMessageId is not null)
        {
            w.Header("Original-Message-ID", r.OriginalMessageId);
        }

        w.Header("Disposition", r.Disposition);
        if (!r.OriginalHeaders.IsEmpty)
        {
            w.Ascii("\r\n--" + b + "\r\n");
            WriteOriginal(w, r.OriginalHeaders, headersOnly: true, allow8Bit: false);
        }

        w.Ascii("\r\n--" + b + "--\r\n");
        return w.Written.ToArray();
    }

    private static void WriteOriginal(MimeWriter w, ReadOnlyMemory<byte> original, bool headersOnly, bool allow8Bit)
    {
        ReadOnlySpan<byte> o = original.Span;
        bool eightBit = o.ContainsAnyExceptInRange((byte)0, (byte)127);
        if (eightBit && !allow8Bit)
        {
            // message/rfc822 may not be base64 or quoted-printable (RFC 2046 §5.2.1): fall back to the header only.
            headersOnly = true;
        }

        if (headersOnly)
        {
            MimeMessage m = MimeParser.Parse(original);
            o = m.Root.RawHeaders.Span;
            w.Header("Content-Type", "text/rfc822-headers");
        }
        else
        {
            w.Header("Content-Type", "message/rfc822");
        }

        eightBit = o.ContainsAnyExceptInRange((byte)0, (byte)127);
        if (eightBit && headersOnly && !allow8Bit)
        {
            w.Header("Content-Transfer-Encoding", "quoted-printable");
            w.Blank();
            w.QuotedPrintableBody(o);
            return;
        }

        if (eightBit)
        {
            w.Header("Content-Transfer-Encoding", "8bit");
        }

        w.Blank();
        w.Bytes(o);
        if (o.Length == 0 || o[^1] != (byte)'\n')
        {
            w.Blank();
        }
    }

    private static string Rfc5322Date(DateTimeOffset d) =>
        d.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + d.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", string.Empty, StringComparison.Ordinal);
}
