// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>A parsed Content-Type (RFC 2045 §5): lower-case type and subtype, and the parameters.</summary>
public sealed class MimeContentType
{
    /// <summary>text/plain; charset=us-ascii, the RFC 2045 §5.2 default.</summary>
    internal static readonly MimeContentType s_default = new("text", "plain", MimeParameterList.s_empty, isValid: true, isExplicit: false);
    internal static readonly MimeContentType s_defaultDigest = new("message", "rfc822", MimeParameterList.s_empty, isValid: true, isExplicit: false);

    internal MimeContentType(string type, string subtype, MimeParameterList parameters, bool isValid, bool isExplicit)
    {
        MediaType = type;
        MediaSubtype = subtype;
        Parameters = parameters;
        IsValid = isValid;
        IsExplicit = isExplicit;
    }

    /// <summary>The top-level type, lower-case ("text", "multipart").</summary>
    public string MediaType { get; }

    /// <summary>The subtype, lower-case ("plain", "mixed").</summary>
    public string MediaSubtype { get; }

    /// <summary>"type/subtype", lower-case.</summary>
    public string MimeType => MediaType + "/" + MediaSubtype;

    /// <summary>The parameters, in order.</summary>
    public MimeParameterList Parameters { get; }

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
    internal static MimeContentType Parse(string value)
    {
        int pos = Tokens.SkipCfws(value, 0);
        int ts = pos;
        while (pos < value.Length && IsTokenChar(value[pos]))
        {
            pos++;
        }

        string type = value[ts..pos];
        pos = Tokens.SkipCfws(value, pos);
        string subtype = string.Empty;
        if (pos < value.Length && value[pos] == '/')
        {
            pos = Tokens.SkipCfws(value, pos + 1);
            int ss = pos;
            while (pos < value.Length && IsTokenChar(value[pos]))
            {
                pos++;
            }

            subtype = value[ss..pos];
        }

        bool valid = type.Length > 0 && subtype.Length > 0;
        int semi = value.IndexOf(';', pos);
        MimeParameterList ps = semi < 0 ? MimeParameterList.s_empty : ParameterParser.Parse(value, semi);
        if (!valid)
        {
            return new MimeContentType("text", "plain", ps, isValid: false, isExplicit: true);
        }

        return new MimeContentType(InternType(type), InternSubtype(subtype), ps, isValid: true, isExplicit: true);
    }

    internal static bool IsTokenChar(char c) =>
        c > ' ' && c < 127 && c is not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=');

    private static string InternType(string s) => s.ToLowerInvariant() switch
    {
        "text" => "text",
        "multipart" => "multipart",
        "application" => "application",
        "image" => "image",
        "message" => "message",
        "audio" => "audio",
        "video" => "video",
        var other => other,
    };

    private static string InternSubtype(string s) => s.ToLowerInvariant() switch
    {
        "plain" => "plain",
        "html" => "html",
        "mixed" => "mixed",
        "alternative" => "alternative",
        "related" => "related",
        "report" => "report",
        "pdf" => "pdf",
        "octet-stream" => "octet-stream",
        "zip" => "zip",
        "rfc822" => "rfc822",
        var other => other,
    };
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
