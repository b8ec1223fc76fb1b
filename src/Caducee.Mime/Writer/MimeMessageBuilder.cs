// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;

namespace Caducee.Mime;

/// <summary>An attachment for <see cref="MimeMessageBuilder"/>: file name (any Unicode), media type, content.</summary>
public sealed record MimeAttachment(string FileName, string ContentType, ReadOnlyMemory<byte> Content)
{
    /// <summary>"attachment" (default) or "inline".</summary>
    public string Disposition { get; init; } = "attachment";

    /// <summary>An optional Content-ID, without angle brackets.</summary>
    public string? ContentId { get; init; }
}

/// <summary>
/// Builds a message: plain text, optional HTML alternative, attachments with RFC 2231 names,
/// RFC 2047 subjects and display names, lines ≤ 998 octets, and 7-bit-safe output unless
/// <c>allow8Bit</c> (the peer announced 8BITMIME).
/// </summary>
public sealed class MimeMessageBuilder
{
    /// <summary>The From mailbox.</summary>
    public MailboxAddress? From { get; set; }

    /// <summary>To recipients.</summary>
    public IList<MailboxAddress> To { get; } = [];

    /// <summary>Cc recipients.</summary>
    public IList<MailboxAddress> Cc { get; } = [];

    /// <summary>The subject (any Unicode; encoded as needed).</summary>
    public string? Subject { get; set; }

    /// <summary>The Date (now when null).</summary>
    public DateTimeOffset? Date { get; set; }

    /// <summary>The Message-ID with angle brackets (generated when null).</summary>
    public string? MessageId { get; set; }

    /// <summary>In-Reply-To, with angle brackets.</summary>
    public string? InReplyTo { get; set; }

    /// <summary>Extra header fields (for example X-MSS-*), values in any Unicode (encoded as needed).</summary>
    public IList<KeyValuePair<string, string>> ExtraHeaders { get; } = [];

    /// <summary>The plain-text body.</summary>
    public string? Text { get; set; }

    /// <summary>An HTML alternative to the text body.</summary>
    public string? Html { get; set; }

    /// <summary>Attachments, in order.</summary>
    public IList<MimeAttachment> Attachments { get; } = [];

    /// <summary>Writes the message. With <paramref name="allow8Bit"/> false every octet is 7-bit.</summary>
    public byte[] Build(bool allow8Bit = false)
    {
        var w = new MimeWriter();
        WriteEnvelopeHeaders(w, From, To, Cc, Subject, Date, MessageId, InReplyTo, ExtraHeaders);
        w.Header("MIME-Version", "1.0");
        bool mixed = Attachments.Count > 0;
        if (!mixed)
        {
            WriteBody(w, allow8Bit);
            return w.Written.ToArray();
        }

        string b = MimeWriter.NewBoundary();
        w.ParameterHeader("Content-Type", "multipart/mixed", [("boundary", b)]);
        w.Blank();
        w.Ascii("--" + b + "\r\n");
        WriteBody(w, allow8Bit);
        foreach (MimeAttachment a in Attachments)
        {
            w.Ascii("\r\n--" + b + "\r\n");
            WriteAttachment(w, a);
        }

        w.Ascii("\r\n--" + b + "--\r\n");
        return w.Written.ToArray();
    }

    private void WriteBody(MimeWriter w, bool allow8Bit)
    {
        if (Html is null)
        {
            WriteText(w, Text ?? string.Empty, "plain", allow8Bit);
            return;
        }

        string b = MimeWriter.NewBoundary();
        w.ParameterHeader("Content-Type", "multipart/alternative", [("boundary", b)]);
        w.Blank();
        w.Ascii("--" + b + "\r\n");
        WriteText(w, Text ?? string.Empty, "plain", allow8Bit);
        w.Ascii("\r\n--" + b + "\r\n");
        WriteText(w, Html, "html", allow8Bit);
        w.Ascii("\r\n--" + b + "--\r\n");
    }

    internal static void WriteText(MimeWriter w, string text, string subtype, bool allow8Bit)
    {
        byte[] crlf = MimeWriter.ToCrlf(text);
        MimeTransferEncoding enc = MimeWriter.ChooseTextEncoding(crlf, allow8Bit);
        w.ParameterHeader("Content-Type", "text/" + subtype, [("charset", "utf-8")]);
        w.Header("Content-Transfer-Encoding", MimeWriter.EncodingName(enc));
        w.Blank();
        w.TextBody(crlf, enc);
    }

    internal static void WriteAttachment(MimeWriter w, MimeAttachment a)
    {
        w.ParameterHeader("Content-Type", a.ContentType, [("name", a.FileName)]);
        w.Header("Content-Transfer-Encoding", "base64");
        w.ParameterHeader("Content-Disposition", a.Disposition, [("filename", a.FileName)]);
        if (a.ContentId is not null)
        {
            w.Header("Content-ID", "<" + a.ContentId + ">");
        }

        w.Blank();
        w.Base64Body(a.Content.Span);
    }

    internal static void WriteEnvelopeHeaders(
        MimeWriter w, MailboxAddress? from, IEnumerable<MailboxAddress> to, IEnumerable<MailboxAddress> cc, string? subject,
        DateTimeOffset? date, string? messageId, string? inReplyTo, IEnumerable<KeyValuePair<string, string>> extra)
    {
        w.Header("Date", (date ?? DateTimeOffset.Now).ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + (date ?? DateTimeOffset.Now).ToString("zzz", CultureInfo.InvariantCulture).Replace(":", string.Empty, StringComparison.Ordinal));
        if (from is not null)
        {
            w.ListHeader("From", [MimeWriter.Address(from)]);
        }

        List<string> toList = to.Select(MimeWriter.Address).ToList();
        if (toList.Count > 0)
        {
            w.ListHeader("To", toList);
        }

        List<string> ccList = cc.Select(MimeWriter.Address).ToList();
        if (ccList.Count > 0)
        {
            w.ListHeader("Cc", ccList);
        }

        if (subject is not null)
        {
            w.Header("Subject", EncodeUnstructured(subject));
        }

        w.Header("Message-ID", messageId ?? "<" + Guid.NewGuid().ToString("N") + "@" + (from?.AsciiDomain ?? "caducee.invalid") + ">");
        if (inReplyTo is not null)
        {
            w.Header("In-Reply-To", inReplyTo);
        }

        foreach (KeyValuePair<string, string> h in extra)
        {
            w.Header(h.Key, EncodeUnstructured(h.Value));
        }
    }

    // A value with non-ASCII, control characters, or a word too long to fold is RFC 2047 encoded.
    internal static string EncodeUnstructured(string value)
    {
        bool longWord = value.Split(' ').Any(x => x.Length > 900);
        return Rfc2047.EncodeText(value, force: longWord);
    }
}
