// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime;

/// <summary>
/// A parsed Content-Type (RFC 2045 §5): lower-case type and subtype, and the parameters. The type is
/// read from the raw bytes without allocation for common values; parameters are parsed on first use.
/// </summary>
public sealed class MimeContentType
{
    /// <summary>text/plain; charset=us-ascii, the RFC 2045 §5.2 default.</summary>
    internal static readonly MimeContentType s_default = new("text", "plain", MimeParameterList.s_empty, isValid: true, isExplicit: false);
    internal static readonly MimeContentType s_defaultDigest = new("message", "rfc822", MimeParameterList.s_empty, isValid: true, isExplicit: false);

    private readonly ReadOnlyMemory<byte> _rawParameters;
    private MimeParameterList? _parameters;

    internal MimeContentType(string type, string subtype, MimeParameterList parameters, bool isValid, bool isExplicit)
    {
        MediaType = type;
        MediaSubtype = subtype;
        _parameters = parameters;
        IsValid = isValid;
        IsExplicit = isExplicit;
    }

    private MimeContentType(string type, string subtype, ReadOnlyMemory<byte> rawParameters, bool isValid)
    {
        MediaType = type;
        MediaSubtype = subtype;
        _rawParameters = rawParameters;
        IsValid = isValid;
        IsExplicit = true;
    }

    /// <summary>The top-level type, lower-case ("text", "multipart").</summary>
    public string MediaType { get; }

    /// <summary>The subtype, lower-case ("plain", "mixed").</summary>
    public string MediaSubtype { get; }

    /// <summary>"type/subtype", lower-case.</summary>
    public string MimeType => MediaType + "/" + MediaSubtype;

    /// <summary>The parameters, in order (parsed on first use).</summary>
    public MimeParameterList Parameters => _parameters ??= _rawParameters.IsEmpty
        ? MimeParameterList.s_empty
        : ParameterParser.Parse(HeaderText.Unfold(_rawParameters.Span), 0);

    /// <summary>False when the header could not be parsed and text/plain was assumed.</summary>
    public bool IsValid { get; }

    /// <summary>False when no Content-Type header was present and the default applies.</summary>
    public bool IsExplicit { get; }

    /// <summary>The charset parameter, or null.</summary>
    public string? Charset => Parameters.Get("charset");

    /// <summary>The boundary parameter, or null.</summary>
    public string? Boundary => Parameters.Get("boundary");

    /// <summary>True for multipart/*.</summary>
    public bool IsMultipart => ReferenceEquals(MediaType, "multipart") || MediaType == "multipart";

    /// <summary>True for message/rfc822 and message/global, whose body is a message.</summary>
    public bool IsEncapsulatedMessage => MediaType == "message" && (MediaSubtype == "rfc822" || MediaSubtype == "global");

    /// <summary>Is this type/subtype (case-insensitive)?</summary>
    public bool Is(string type, string subtype) =>
        string.Equals(MediaType, type, StringComparison.OrdinalIgnoreCase) && string.Equals(MediaSubtype, subtype, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override string ToString() => MimeType;

    // content := type "/" subtype *(";" parameter)
    internal static MimeContentType Parse(string value) => Parse(System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Parses a raw header value (folding allowed); the parameters keep pointing at <paramref name="raw"/>.</summary>
    internal static MimeContentType Parse(ReadOnlyMemory<byte> raw)
    {
        ReadOnlySpan<byte> v = raw.Span;
        int pos = SkipCfws(v, 0);
        int ts = pos;
        while (pos < v.Length && IsTokenByte(v[pos]))
        {
            pos++;
        }

        ReadOnlySpan<byte> type = v[ts..pos];
        pos = SkipCfws(v, pos);
        ReadOnlySpan<byte> subtype = default;
        if (pos < v.Length && v[pos] == (byte)'/')
        {
            pos = SkipCfws(v, pos + 1);
            int ss = pos;
            while (pos < v.Length && IsTokenByte(v[pos]))
            {
                pos++;
            }

            subtype = v[ss..pos];
        }

        int semi = v[pos..].IndexOf((byte)';');
        ReadOnlyMemory<byte> ps = semi < 0 ? ReadOnlyMemory<byte>.Empty : raw[(pos + semi)..];
        if (type.IsEmpty || subtype.IsEmpty)
        {
            return new MimeContentType("text", "plain", ps, isValid: false);
        }

        return new MimeContentType(InternType(type), InternSubtype(subtype), ps, isValid: true);
    }

    private static int SkipCfws(ReadOnlySpan<byte> v, int pos)
    {
        while (pos < v.Length)
        {
            byte c = v[pos];
            if (c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                pos++;
            }
            else if (c == (byte)'(')
            {
                int depth = 0;
                while (pos < v.Length)
                {
                    byte d = v[pos++];
                    if (d == (byte)'\\')
                    {
                        pos++;
                    }
                    else if (d == (byte)'(')
                    {
                        depth++;
                    }
                    else if (d == (byte)')' && --depth == 0)
                    {
                        break;
                    }
                }

                pos = Math.Min(pos, v.Length);
            }
            else
            {
                break;
            }
        }

        return pos;
    }

    private static bool IsTokenByte(byte c) => c > 32 && c < 127 && IsTokenChar((char)c);

    internal static bool IsTokenChar(char c) =>
        c > ' ' && c < 127 && c is not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=');

    private static string InternType(ReadOnlySpan<byte> s) =>
        Known(s, "text") ?? Known(s, "multipart") ?? Known(s, "application") ?? Known(s, "image") ?? Known(s, "message")
        ?? Known(s, "audio") ?? Known(s, "video") ?? Lower(s);

    private static string InternSubtype(ReadOnlySpan<byte> s) =>
        Known(s, "plain") ?? Known(s, "html") ?? Known(s, "mixed") ?? Known(s, "alternative") ?? Known(s, "related")
        ?? Known(s, "report") ?? Known(s, "pdf") ?? Known(s, "octet-stream") ?? Known(s, "zip") ?? Known(s, "rfc822")
        ?? Known(s, "delivery-status") ?? Known(s, "disposition-notification") ?? Known(s, "rfc822-headers") ?? Known(s, "digest")
        ?? Known(s, "jpeg") ?? Known(s, "png") ?? Known(s, "xml") ?? Lower(s);

    private static string? Known(ReadOnlySpan<byte> s, string literal) =>
        s.Length == literal.Length && System.Text.Ascii.EqualsIgnoreCase(s, literal) ? literal : null;

    private static string Lower(ReadOnlySpan<byte> s) => HeaderText.Latin1(s).ToLowerInvariant();
}

/// <summary>A parsed Content-Disposition (RFC 2183): lower-case disposition type and parameters.</summary>
public sealed class MimeContentDisposition
{
    internal MimeContentDisposition(string disposition, MimeParameterList parameters)
    {
        Disposition = disposition;
        Parameters = parameters;
    }

    /// <summary>"inline", "attachment", or another lower-case token (empty when missing).</summary>
    public string Disposition { get; }

    /// <summary>The parameters, in order.</summary>
    public MimeParameterList Parameters { get; }

    /// <summary>The decoded filename parameter, or null.</summary>
    public string? FileName => Parameters.Get("filename");

    internal static MimeContentDisposition Parse(string value)
    {
        int pos = Tokens.SkipCfws(value, 0);
        int ts = pos;
        while (pos < value.Length && MimeContentType.IsTokenChar(value[pos]))
        {
            pos++;
        }

        string d = value[ts..pos].ToLowerInvariant() switch
        {
            "attachment" => "attachment",
            "inline" => "inline",
            var other => other,
        };
        int semi = value.IndexOf(';', pos);
        return new MimeContentDisposition(d, semi < 0 ? MimeParameterList.s_empty : ParameterParser.Parse(value, semi));
    }
}

/// <summary>Content-Transfer-Encoding values (RFC 2045 §6).</summary>
public enum MimeTransferEncoding
{
    /// <summary>7bit, also the default when the header is absent.</summary>
    SevenBit,
    /// <summary>8bit.</summary>
    EightBit,
    /// <summary>binary.</summary>
    Binary,
    /// <summary>base64.</summary>
    Base64,
    /// <summary>quoted-printable.</summary>
    QuotedPrintable,
    /// <summary>x-uuencode and its aliases.</summary>
    UUEncode,
    /// <summary>Anything else; the body is taken as is.</summary>
    Unknown,
}

internal static class TransferEncodings
{
    /// <summary>Parses the raw header value without allocating for the usual values.</summary>
    public static MimeTransferEncoding Parse(ReadOnlySpan<byte> raw)
    {
        ReadOnlySpan<byte> v = raw.Trim(" \t\r\n\""u8);
        if (v.IsEmpty || Ascii.EqualsIgnoreCase(v, "7bit"u8))
        {
            return MimeTransferEncoding.SevenBit;
        }

        if (Ascii.EqualsIgnoreCase(v, "base64"u8))
        {
            return MimeTransferEncoding.Base64;
        }

        if (Ascii.EqualsIgnoreCase(v, "quoted-printable"u8))
        {
            return MimeTransferEncoding.QuotedPrintable;
        }

        if (Ascii.EqualsIgnoreCase(v, "8bit"u8))
        {
            return MimeTransferEncoding.EightBit;
        }

        return Parse(HeaderText.Unfold(raw));
    }

    public static MimeTransferEncoding Parse(string value)
    {
        string v = value;
        int paren = v.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            v = v[..paren];
        }

        v = v.Trim().Trim('"').Trim();
        if (v.Equals("7bit", StringComparison.OrdinalIgnoreCase) || v.Length == 0)
        {
            return MimeTransferEncoding.SevenBit;
        }

        if (v.Equals("8bit", StringComparison.OrdinalIgnoreCase))
        {
            return MimeTransferEncoding.EightBit;
        }

        if (v.Equals("binary", StringComparison.OrdinalIgnoreCase))
        {
            return MimeTransferEncoding.Binary;
        }

        if (v.Equals("base64", StringComparison.OrdinalIgnoreCase))
        {
            return MimeTransferEncoding.Base64;
        }

        if (v.Equals("quoted-printable", StringComparison.OrdinalIgnoreCase))
        {
            return MimeTransferEncoding.QuotedPrintable;
        }

        if (v.Equals("x-uuencode", StringComparison.OrdinalIgnoreCase) || v.Equals("uuencode", StringComparison.OrdinalIgnoreCase)
            || v.Equals("x-uue", StringComparison.OrdinalIgnoreCase) || v.Equals("uue", StringComparison.OrdinalIgnoreCase))
        {
            return MimeTransferEncoding.UUEncode;
        }

        return MimeTransferEncoding.Unknown;
    }

    public static string ToImap(MimeTransferEncoding e, string? raw) => e switch
    {
        MimeTransferEncoding.SevenBit => "7BIT",
        MimeTransferEncoding.EightBit => "8BIT",
        MimeTransferEncoding.Binary => "BINARY",
        MimeTransferEncoding.Base64 => "BASE64",
        MimeTransferEncoding.QuotedPrintable => "QUOTED-PRINTABLE",
        _ => raw?.Trim().ToUpperInvariant() ?? "7BIT",
    };
}
