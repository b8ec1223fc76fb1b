// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Globalization;
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Mailboxes;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Responses;

/// <summary>
/// Builds IMAP responses into a buffer (RFC 9051 §7): status responses with response codes, every untagged
/// data response the server needs, FETCH responses (<see cref="BeginFetch"/>), and the primitives under
/// them: atoms, quoted strings when safe, literals otherwise (RFC 9051 §4.3), literal8 for binary data.
/// </summary>
/// <remarks>
/// <see cref="Utf8"/> follows the session: once UTF8=ACCEPT (RFC 6855) or IMAP4rev2 is enabled, quoted
/// strings may carry UTF-8 and mailbox names are written in UTF-8; before, 8-bit strings are literals,
/// mailbox names are modified UTF-7, and response texts are folded to ASCII. No text written here can
/// break a line: CR, LF and NUL never reach the wire outside a literal.
/// </remarks>
public sealed partial class ImapWriter
{
    /// <summary>Strings longer than this are written as literals even when they could be quoted.</summary>
    public const int MaxQuotedLength = 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    /// <summary>UTF-8 is enabled (UTF8=ACCEPT or IMAP4rev2): see the remarks.</summary>
    public bool Utf8 { get; set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    /// <summary>The number of bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>Forgets what was written (after it was sent).</summary>
    public void Clear() => _buffer.Clear();

    /// <summary>Writes text as UTF-8, unchanged. The caller guarantees it is valid protocol text.</summary>
    public ImapWriter Raw(string text)
    {
        Encoding.UTF8.GetBytes(text, _buffer);
        return this;
    }

    /// <summary>Writes bytes unchanged.</summary>
    public ImapWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>A decimal number.</summary>
    public ImapWriter Number(long value)
    {
        var span = _buffer.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        _buffer.Advance(written);
        return this;
    }

    /// <summary>An atom, written as is (capabilities, flags, keywords: ASCII without specials).</summary>
    public ImapWriter Atom(string atom)
    {
        foreach (var c in atom)
        {
            if (c is <= ' ' or >= (char)127 or '(' or ')' or '{' or '"')
            {
                throw new ArgumentException($"'{atom}' is not an atom", nameof(atom));
            }
        }

        return Raw(atom);
    }

    /// <summary>NIL.</summary>
    public ImapWriter Nil() => Raw("NIL"u8);

    /// <summary>
    /// A string: quoted when it is short and has no CR, LF or NUL (and no 8-bit character unless
    /// <see cref="Utf8"/>), a literal otherwise. NIL for null.
    /// </summary>
    public ImapWriter String(string? value)
    {
        if (value is null)
        {
            return Nil();
        }

        return CanQuote(value) ? Quoted(value) : Literal(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>nstring: NIL or a string.</summary>
    public ImapWriter NString(string? value) => String(value);

    /// <summary>astring: an atom when the value is one (and not "NIL"), else a string.</summary>
    public ImapWriter AString(string value)
    {
        if (value.Length > 0 && value.Length < 256 && !value.Equals("NIL", StringComparison.OrdinalIgnoreCase)
            && value.All(c => c is > ' ' and < (char)127 and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\')))
        {
            return Raw(value);
        }

        return String(value);
    }

    /// <summary>A quoted string; the value must be quotable (see <see cref="String"/>).</summary>
    public ImapWriter Quoted(string value)
    {
        if (!CanQuote(value))
        {
            throw new ArgumentException("the value cannot be quoted: write a literal", nameof(value));
        }

        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return Raw(sb.Append('"').ToString());
    }

    /// <summary>A literal: {n} CRLF followed by the bytes.</summary>
    public ImapWriter Literal(ReadOnlySpan<byte> bytes)
    {
        LiteralHeader(bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>A literal8 (RFC 3516): ~{n} CRLF followed by the bytes (binary data, NUL allowed).</summary>
    public ImapWriter Literal8(ReadOnlySpan<byte> bytes)
    {
        LiteralHeader(bytes.Length, literal8: true);
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>
    /// Only the "{n}" CRLF (or "~{n}" CRLF) announcing a literal: the caller then sends the n bytes itself
    /// (a large body streamed from storage rather than copied here).
    /// </summary>
    public ImapWriter LiteralHeader(long length, bool literal8 = false)
    {
        if (literal8)
        {
            Raw("~"u8);
        }

        return Raw("{"u8).Number(length).Raw("}\r\n"u8);
    }

    /// <summary>A mailbox name: encoded (modified UTF-7 unless <see cref="Utf8"/>) and written as a string.</summary>
    public ImapWriter Mailbox(string name)
    {
        var encoded = Utf8 ? name : ModifiedUtf7.Encode(name);
        return String(encoded);
    }

    /// <summary>A flag list: "(\Answered \Seen $Forwarded)".</summary>
    public ImapWriter Flags(ImapSystemFlags flags, IEnumerable<string> keywords)
    {
        Raw("("u8);
        var first = true;
        foreach (var f in FlagList.Each(flags))
        {
            Separator(ref first).Raw(FlagList.Name(f));
        }

        foreach (var k in keywords)
        {
            Separator(ref first).Atom(k);
        }

        return Raw(")"u8);
    }

    /// <summary>A date-time in quotes: "17-Jul-1996 02:44:25 -0700".</summary>
    public ImapWriter DateTime(DateTimeOffset value) => Raw("\""u8).Raw(ImapDate.FormatDateTime(value)).Raw("\""u8);

    /// <summary>"+ text" CRLF: a continuation request (before literal data, or "+ idling" for IDLE).</summary>
    public ImapWriter Continuation(string text = "Ready for literal data") => Raw("+ "u8).Raw(CleanText(text)).Raw("\r\n"u8);

    /// <summary>"+ base64" CRLF: a SASL challenge (an empty challenge writes "+ ").</summary>
    public ImapWriter SaslChallenge(ReadOnlySpan<byte> challenge) => Raw("+ "u8).Raw(Convert.ToBase64String(challenge)).Raw("\r\n"u8);

    /// <summary>"* text CRLF" (the caller guarantees the text is valid).</summary>
    public ImapWriter Untagged(string text) => Raw("* "u8).Raw(text).Raw("\r\n"u8);

    /// <summary>"tag OK|NO|BAD text CRLF" (the text may start with a [response-code]; CR and LF are replaced).</summary>
    public ImapWriter Tagged(string tag, string status, string text) => Raw(tag).Raw(" "u8).Raw(status).Raw(" "u8).Raw(CleanText(text)).Raw("\r\n"u8);

    /// <summary>"tag STATUS [code] text CRLF".</summary>
    public ImapWriter Tagged(string tag, ImapStatus status, ResponseCode? code, string text)
    {
        if (status is ImapStatus.Bye or ImapStatus.PreAuth)
        {
            throw new ArgumentException("BYE and PREAUTH are untagged only", nameof(status));
        }

        return Raw(tag).Raw(" "u8).Raw(status.ToAtom()).Raw(" "u8).ResponseText(code, text).Raw("\r\n"u8);
    }

    /// <summary>"tag STATUS text CRLF".</summary>
    public ImapWriter Tagged(string tag, ImapStatus status, string text) => Tagged(tag, status, null, text);

    /// <summary>"* STATUS [code] text CRLF" (OK, NO, BAD, PREAUTH, BYE).</summary>
    public ImapWriter Untagged(ImapStatus status, ResponseCode? code, string text) =>
        Raw("* "u8).Raw(status.ToAtom()).Raw(" "u8).ResponseText(code, text).Raw("\r\n"u8);

    /// <summary>The tagged answer to a parse error ("tag BAD COMMAND: what is wrong").</summary>
    public ImapWriter Tagged(ImapParseError error) => Raw(error.Tag).Raw(" "u8).Raw(error.Status.ToAtom()).Raw(" "u8).Raw(CleanText(error.ResponseText)).Raw("\r\n"u8);

    /// <summary>The answer to a receiver error: tagged when its tag is known, with "*" otherwise.</summary>
    public ImapWriter Tagged(in ReceiveResult error, string? fallbackTag = null) =>
        Raw(error.Tag ?? fallbackTag ?? "*").Raw(" "u8).Raw(error.ErrorStatus.ToAtom()).Raw(" "u8).Raw(CleanText(error.Error ?? "command refused")).Raw("\r\n"u8);

    /// <summary>A failure from storage or the domain, mapped once by <see cref="ImapErrorMap"/>: "tag NO [CODE] text".</summary>
    public ImapWriter Tagged(string tag, Primitives.MailFailure failure, bool destination = false)
    {
        var (status, code) = ImapErrorMap.ToResponse(failure.Error, destination);
        return Tagged(tag, status, code, failure.Message);
    }

    private ImapWriter ResponseText(ResponseCode? code, string text)
    {
        if (code is not null)
        {
            Raw("["u8).Raw(code.Text).Raw("] "u8);
        }

        return Raw(CleanText(text));
    }

    // resp-text: never empty, no CR/LF/NUL; ASCII only before UTF-8 is enabled (RFC 3501 TEXT-CHAR is 7-bit).
    private string CleanText(string text)
    {
        if (text.Length == 0)
        {
            return "completed";
        }

        var sb = new StringBuilder(text.Length);
        foreach (var c in Utf8 || Ascii.IsValid(text) ? text : Decompose(text))
        {
            if (c is '\r' or '\n' or '\0')
            {
                sb.Append(' ');
            }
            else if (c < 128 || Utf8)
            {
                sb.Append(c);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append('?');
            }
        }

        return sb.ToString();
    }

    // Accents become base letter + combining mark (dropped below); invalid UTF-16 is left as is.
    private static string Decompose(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    private bool CanQuote(string value)
    {
        if (value.Length > MaxQuotedLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\0' || (c >= 128 && !Utf8))
            {
                return false;
            }
        }

        return true;
    }

    private ImapWriter Separator(ref bool first)
    {
        if (!first)
        {
            Raw(" "u8);
        }

        first = false;
        return this;
    }
}
