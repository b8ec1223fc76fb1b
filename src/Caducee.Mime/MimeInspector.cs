// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Caducee.Mime;

/// <summary>
/// Renders a message's tree, offsets and defects for people (text) and for tools (JSON, a stable
/// interface). Used by <c>caducee mime inspect FILE [--json]</c>. Never throws on malformed input.
/// </summary>
public static class MimeInspector
{
    private static readonly JsonWriterOptions s_jsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The JSON form. Each part is an object with <c>contentType</c> (lower-case type/subtype),
    /// <c>charset</c>, <c>filename</c>, <c>disposition</c>, <c>transferEncoding</c>, <c>decodedSize</c>
    /// (leaves), <c>text</c> (text/* leaves), <c>parts</c> (children in order; an encapsulated message
    /// is the single child of its message/rfc822 part), <c>offsets</c> and <c>defects</c>. Message
    /// objects (the root and encapsulated messages) add <c>subject</c>, <c>from</c>, <c>to</c>, decoded.
    /// </summary>
    public static string ToJson(ReadOnlyMemory<byte> message)
    {
        MimeMessage m = MimeParser.Parse(message);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, s_jsonOptions))
        {
            WritePart(w, m.Root, isMessage: true);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>An indented, human-readable rendering of the tree with offsets and defects.</summary>
    public static string ToText(ReadOnlyMemory<byte> message)
    {
        MimeMessage m = MimeParser.Parse(message);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Size: {m.Size} bytes, {m.PartCount} entities\n");
        sb.Append(CultureInfo.InvariantCulture, $"Subject: {m.Subject}\n");
        sb.Append(CultureInfo.InvariantCulture, $"From: {string.Join(", ", m.From)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"To: {string.Join(", ", m.To)}\n");
        Text(sb, m.Root, "", "");
        return sb.ToString();
    }

    private static void Text(StringBuilder sb, MimePart p, string indent, string number)
    {
        sb.Append(indent);
        if (number.Length > 0)
        {
            sb.Append(number).Append(' ');
        }

        sb.Append(p.ContentType.MimeType);
        if (p.Charset is { } cs)
        {
            sb.Append("; charset=").Append(cs);
        }

        if (p.FileName is { } fn)
        {
            sb.Append(" \"").Append(fn).Append('"');
        }

        if (p.TransferEncoding != MimeTransferEncoding.SevenBit)
        {
            sb.Append(' ').Append(p.RawTransferEncoding ?? p.TransferEncoding.ToString());
        }

        sb.Append(CultureInfo.InvariantCulture, $"  headers [{p.HeaderStart},{p.HeaderEnd}) body [{p.BodyStart},{p.BodyEnd}) {p.BodyEnd - p.BodyStart} bytes");
        if (!p.IsMultipart && p.Message is null)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {MimeContent.GetDecodedLength(p)} decoded");
        }

        sb.Append('\n');
        foreach (MimeDefect d in p.Defects)
        {
            sb.Append(indent).Append("  ! ").Append(d.ToString()).Append('\n');
        }

        if (p.Message is { } inner)
        {
            sb.Append(indent).Append("  [message] Subject: ").Append(inner.Headers.GetValue("Subject")).Append('\n');
            Text(sb, inner, indent + "  ", "");
        }

        for (int i = 0; i < p.Children.Count; i++)
        {
            string n = number.Length == 0 ? (i + 1).ToString(CultureInfo.InvariantCulture) : number + "." + (i + 1).ToString(CultureInfo.InvariantCulture);
            Text(sb, p.Children[i], indent + "  ", n);
        }
    }

    private static void WritePart(Utf8JsonWriter w, MimePart p, bool isMessage)
    {
        w.WriteStartObject();
        if (isMessage)
        {
            w.WriteString("subject", p.Headers.GetValue("Subject"));
            w.WriteString("from", Join(AddressParser.ParseMailboxes(p.Headers.GetUnfolded("From"))));
            w.WriteString("to", Join(AddressParser.ParseMailboxes(p.Headers.GetUnfolded("To"))));
        }

        w.WriteString("contentType", p.ContentType.MimeType);
        w.WriteString("charset", p.Charset);
        w.WriteString("filename", p.FileName);
        w.WriteString("disposition", p.ContentDisposition?.Disposition);
        w.WriteString("transferEncoding", p.RawTransferEncoding is null ? "7bit" : p.RawTransferEncoding.ToLowerInvariant());
        bool leaf = !p.IsMultipart && p.Message is null;
        if (leaf)
        {
            w.WriteNumber("decodedSize", MimeContent.GetDecodedLength(p));
            if (p.ContentType.MediaType == "text")
            {
                w.WriteString("text", MimeContent.GetText(p));
            }
            else
            {
                w.WriteNull("text");
            }
        }
        else
        {
            w.WriteNull("decodedSize");
            w.WriteNull("text");
        }

        w.WriteStartObject("offsets");
        w.WriteNumber("headerStart", p.HeaderStart);
        w.WriteNumber("headerEnd", p.HeaderEnd);
        w.WriteNumber("bodyStart", p.BodyStart);
        w.WriteNumber("bodyEnd", p.BodyEnd);
        w.WriteEndObject();
        w.WriteStartArray("defects");
        foreach (MimeDefect d in p.Defects)
        {
            w.WriteStartObject();
            w.WriteString("kind", d.Kind.ToString());
            w.WriteNumber("offset", d.Offset);
            w.WriteString("detail", d.Detail);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("parts");
        if (p.Message is { } inner)
        {
            WritePart(w, inner, isMessage: true);
        }

        foreach (MimePart c in p.Children)
        {
            WritePart(w, c, isMessage: false);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Join(IReadOnlyList<MailboxAddress> list) => string.Join(", ", list);
}
