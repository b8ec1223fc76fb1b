// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime.Imap;

/// <summary>IMAP BODY and BODYSTRUCTURE (RFC 9051 §7.5.2), computed from the offsets of the parsed tree.</summary>
public static class ImapBodyStructure
{
    /// <summary>BODYSTRUCTURE (extensible: MD5, disposition, language, location) or, with <paramref name="extensible"/> false, BODY.</summary>
    public static byte[] Build(MimeMessage message, bool extensible = true) => Build(message.Root, extensible);

    /// <summary>The body structure of one entity (a message root, or any part).</summary>
    public static byte[] Build(MimePart entity, bool extensible = true)
    {
        var o = new ImapOutput();
        Write(o, entity, extensible);
        return o.ToArray();
    }

    internal static void Write(ImapOutput o, MimePart p, bool ext)
    {
        MimeContentType ct = p.ContentType;
        if (p.IsMultipart)
        {
            // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            o.Raw('(');
            if (p.Children.Count == 0)
            {
                // RFC 9051 requires at least one part: an empty text part stands for the missing ones.
                o.Raw("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");
            }

            foreach (MimePart c in p.Children)
            {
                Write(o, c, ext);
            }

            o.Raw(' ').String(ct.MediaSubtype.ToUpperInvariant());
            if (ext)
            {
                o.Raw(' ');
                Params(o, ct, addCharset: false);
                o.Raw(' ');
                Extension(o, p, withMd5: false);
            }

            o.Raw(')');
            return;
        }

        // body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
        o.Raw('(').String(ct.MediaType.ToUpperInvariant()).Raw(' ').String(ct.MediaSubtype.ToUpperInvariant()).Raw(' ');
        Params(o, ct, addCharset: ct.MediaType == "text");
        o.Raw(' ').NString(p.Headers.GetUnfolded("Content-ID"));
        o.Raw(' ').NString(p.Headers.GetUnfolded("Content-Description"));
        o.Raw(' ').String(TransferEncodings.ToImap(p.TransferEncoding, p.RawTransferEncoding));
        o.Raw(' ').Number(p.BodyEnd - p.BodyStart);
        if (p.Message is { } inner)
        {
            // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
            o.Raw(' ');
            ImapEnvelope.Write(o, inner);
            o.Raw(' ');
            Write(o, inner, ext);
            o.Raw(' ').Number(Lines(p));
        }
        else if (ct.MediaType == "text")
        {
            o.Raw(' ').Number(Lines(p));
        }

        if (ext)
        {
            o.Raw(' ');
            Extension(o, p, withMd5: true);
        }

        o.Raw(')');
    }

    /// <summary>Number of lines of a body (IMAP body-fld-lines): line breaks, plus one for an unterminated last line.</summary>
    public static int Lines(MimePart p)
    {
        ReadOnlySpan<byte> body = p.RawBody.Span;
        if (body.IsEmpty)
        {
            return 0;
        }

        int n = body.Count((byte)'\n');
        return body[^1] == (byte)'\n' ? n : n + 1;
    }

    private static void Extension(ImapOutput o, MimePart p, bool withMd5)
    {
        if (withMd5)
        {
            o.NString(p.Headers.GetUnfolded("Content-MD5")).Raw(' ');
        }

        // body-fld-dsp = "(" string SP body-fld-param ")" / nil
        if (p.ContentDisposition is { } cd && cd.Disposition.Length > 0)
        {
            o.Raw('(').String(cd.Disposition.ToUpperInvariant()).Raw(' ');
            ParamList(o, cd.Parameters, addCharset: false);
            o.Raw(')');
        }
        else
        {
            o.Raw("NIL");
        }

        // body-fld-lang = nstring / "(" string *(SP string) ")"
        o.Raw(' ');
        string? lang = p.Headers.GetUnfolded("Content-Language");
        string[] langs = lang is null ? [] : lang.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (langs.Length == 0)
        {
            o.Raw("NIL");
        }
        else if (langs.Length == 1)
        {
            o.String(langs[0]);
        }
        else
        {
            o.Raw('(');
            for (int i = 0; i < langs.Length; i++)
            {
                if (i > 0)
                {
                    o.Raw(' ');
                }

                o.String(langs[i]);
            }

            o.Raw(')');
        }

        o.Raw(' ').NString(p.Headers.GetUnfolded("Content-Location"));
    }

    private static void Params(ImapOutput o, MimeContentType ct, bool addCharset) => ParamList(o, ct.Parameters, addCharset && ct.Charset is null);

    // body-fld-param = "(" string SP string *(SP string SP string) ")" / nil. Non-ASCII values are re-encoded per RFC 2231.
    private static void ParamList(ImapOutput o, MimeParameterList ps, bool addCharset)
    {
        if (ps.Count == 0 && !addCharset)
        {
            o.Raw("NIL");
            return;
        }

        o.Raw('(');
        bool first = true;
        if (addCharset)
        {
            o.Raw("\"CHARSET\" \"US-ASCII\"");
            first = false;
        }

        foreach (MimeParameter prm in ps)
        {
            if (!first)
            {
                o.Raw(' ');
            }

            first = false;
            if (IsAscii(prm.Value))
            {
                o.String(prm.Name.ToUpperInvariant()).Raw(' ').String(prm.Value);
            }
            else
            {
                o.String(prm.Name.ToUpperInvariant() + "*").Raw(' ').String("utf-8''" + Rfc2231.PercentEncode(prm.Value));
            }
        }

        o.Raw(')');
    }

    private static bool IsAscii(string s)
    {
        foreach (char c in s)
        {
            if (c >= 127 || c < 32)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>RFC 2231 encoding helpers.</summary>
internal static class Rfc2231
{
    public static string PercentEncode(string value)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' or (byte)'!' or (byte)'$' or (byte)'&' or (byte)'+';
            if (plain)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
