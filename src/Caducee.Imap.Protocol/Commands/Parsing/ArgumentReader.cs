// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.Imap.Protocol.Mailboxes;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Commands.Parsing;

/// <summary>
/// A cursor over a command's argument tokens with typed readers for the RFC 9051 grammar (astring,
/// nstring, mailbox, number, sequence-set, flag-list, date). Each reader returns false on mismatch and
/// records the first error, worded "COMMAND: what is wrong", for the BAD response. Expected failures are
/// return values (STYLE.md §4.7); nothing throws.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly IReadOnlyList<ImapToken> _tokens;
    private readonly ErrorSlot _slot;
    private int _position;

    public ArgumentReader(string tag, string command, IReadOnlyList<ImapToken> tokens, ImapParserOptions options)
        : this(tag, command, tokens, options, new ErrorSlot())
    {
    }

    private ArgumentReader(string tag, string command, IReadOnlyList<ImapToken> tokens, ImapParserOptions options, ErrorSlot slot)
    {
        Tag = tag;
        Command = command;
        _tokens = tokens;
        Options = options;
        _slot = slot;
    }

    public string Tag { get; }

    public string Command { get; }

    public ImapParserOptions Options { get; }

    public bool AtEnd => _position >= _tokens.Count;

    public int Remaining => _tokens.Count - _position;

    /// <summary>The first recorded error (a generic one if none was recorded).</summary>
    public ImapParseError Error => _slot.Error ?? new ImapParseError(Tag, ImapStatus.Bad, null, $"{Command}: syntax error");

    public ImapToken? Peek() => AtEnd ? null : _tokens[_position];

    public ImapToken Take() => _tokens[_position++];

    /// <summary>Records a BAD error (the first one wins) and returns false.</summary>
    public bool Fail(string text) => Fail(ImapStatus.Bad, null, text);

    /// <summary>Records an error with a status and response code and returns false.</summary>
    public bool Fail(ImapStatus status, string? code, string text)
    {
        _slot.Error ??= new ImapParseError(Tag, status, code, $"{Command}: {text}");
        return false;
    }

    /// <summary>A reader over the elements of a list token, sharing this reader's error.</summary>
    public ArgumentReader Sub(ImapToken list) => new(Tag, Command, list.Children, Options, _slot);

    /// <summary>A reader over a list argument, or over a single non-list argument as if it were a list of one.</summary>
    public bool TryListOrSingle(string what, out ArgumentReader items)
    {
        items = this;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        items = token.Kind == ImapTokenKind.List ? Sub(token) : new ArgumentReader(Tag, Command, [token], Options, _slot);
        return true;
    }

    /// <summary>A reader over a parenthesized list argument.</summary>
    public bool TryList(string what, out ArgumentReader items)
    {
        items = this;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind != ImapTokenKind.List)
        {
            return Fail($"{what} must be a parenthesized list, got {Describe(token)}");
        }

        items = Sub(token);
        return true;
    }

    /// <summary>The next token, or an error naming what was expected.</summary>
    public bool TryNext(string what, out ImapToken token)
    {
        if (AtEnd)
        {
            token = null!;
            return Fail($"missing {what}");
        }

        token = Take();
        return true;
    }

    /// <summary>Consumes the next token when it is the atom <paramref name="keyword"/> (any case).</summary>
    public bool TryKeyword(string keyword)
    {
        if (Peek() is { } t && t.IsAtom(keyword))
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>True when the next token is the atom <paramref name="keyword"/> (not consumed).</summary>
    public bool PeekKeyword(string keyword) => Peek() is { } t && t.IsAtom(keyword);

    /// <summary>No more arguments.</summary>
    public bool TryEnd()
    {
        if (AtEnd)
        {
            return true;
        }

        return Fail($"unexpected argument {Describe(Peek()!)}");
    }

    // astring = 1*ASTRING-CHAR / string
    public bool TryAstringBytes(string what, out ReadOnlyMemory<byte> value)
    {
        value = ReadOnlyMemory<byte>.Empty;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind is ImapTokenKind.List || token.IsLiteral8)
        {
            return Fail($"{what} must be a string, got {Describe(token)}");
        }

        value = token.Data;
        return true;
    }

    public bool TryAstring(string what, out string value)
    {
        value = string.Empty;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind is ImapTokenKind.List || token.IsLiteral8)
        {
            return Fail($"{what} must be a string, got {Describe(token)}");
        }

        return token.TryGetUtf8(out value) || Fail($"{what} is not valid UTF-8");
    }

    // string = quoted / literal
    public bool TryString(string what, out string value)
    {
        value = string.Empty;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind is not (ImapTokenKind.Quoted or ImapTokenKind.Literal) || token.IsLiteral8)
        {
            return Fail($"{what} must be a quoted string or a literal, got {Describe(token)}");
        }

        return token.TryGetUtf8(out value) || Fail($"{what} is not valid UTF-8");
    }

    // nstring = string / nil
    public bool TryNString(string what, out string? value)
    {
        value = null;
        if (Peek() is { Kind: ImapTokenKind.Nil })
        {
            _position++;
            return true;
        }

        var ok = TryString(what, out var s);
        value = s;
        return ok;
    }

    public bool TryAtom(string what, out string value)
    {
        value = string.Empty;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind is not (ImapTokenKind.Atom or ImapTokenKind.Nil))
        {
            return Fail($"{what} must be an atom, got {Describe(token)}");
        }

        value = token.Text;
        return true;
    }

    // number = 1*DIGIT ; unsigned 32-bit
    public bool TryNumber(string what, out uint value)
    {
        value = 0;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind != ImapTokenKind.Atom || !uint.TryParse(token.Data.Span, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return Fail($"{what} must be a number from 0 to 4294967295, got {Describe(token)}");
        }

        return true;
    }

    // nz-number = digit-nz *DIGIT
    public bool TryNzNumber(string what, out uint value) =>
        TryNumber(what, out value) && (value > 0 || Fail($"{what} must not be 0"));

    // number64 = 1*DIGIT ; 0 to 2^63-1
    public bool TryNumber64(string what, out long value)
    {
        value = 0;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind != ImapTokenKind.Atom || !long.TryParse(token.Data.Span, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return Fail($"{what} must be a number from 0 to 9223372036854775807, got {Describe(token)}");
        }

        return true;
    }

    public bool TrySequenceSet(string what, out SequenceSet set)
    {
        set = SequenceSet.SavedResult;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind != ImapTokenKind.Atom)
        {
            return Fail($"{what} must be a sequence set, got {Describe(token)}");
        }

        if (!SequenceSet.TryParse(token.Data.Span, Options.MaxSequenceRanges, out var parsed, out var error))
        {
            return Fail($"{what}: {error}");
        }

        set = parsed;
        return true;
    }

    /// <summary>
    /// mailbox = "INBOX" / astring, decoded: UTF-8 when <see cref="ImapParserOptions.Utf8MailboxNames"/>,
    /// modified UTF-7 otherwise (raw UTF-8 tolerated). "INBOX" in any case becomes "INBOX".
    /// </summary>
    public bool TryMailbox(string what, out string name)
    {
        name = string.Empty;
        return TryAstringBytes(what, out var bytes) && TryDecodeMailbox(what, bytes.Span, out name);
    }

    // list-mailbox = 1*list-char / string ; list-char = ATOM-CHAR / list-wildcards / resp-specials
    public bool TryListMailbox(string what, out string pattern) => TryMailbox(what, out pattern);

    public bool TryDecodeMailbox(string what, ReadOnlySpan<byte> bytes, out string name)
    {
        name = string.Empty;
        string text;
        try
        {
            text = s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Fail($"{what} is not valid UTF-8");
        }

        if (text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            return Fail($"{what} contains CR, LF or NUL");
        }

        if (!Options.Utf8MailboxNames && Ascii.IsValid(bytes))
        {
            if (!ModifiedUtf7.TryDecode(text, out var decoded))
            {
                return Fail($"{what} '{Shorten(text)}' is not valid modified UTF-7 (RFC 3501 §5.1.3)");
            }

            text = decoded;
        }

        name = text.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : text;
        return true;
    }

    // flag-list = "(" [flag *(SP flag)] ")"
    public bool TryFlagList(string what, out FlagList flags)
    {
        flags = FlagList.Empty;
        return TryList(what, out var items) && TryFlags(items, out flags);
    }

    /// <summary>Reads the remaining tokens of <paramref name="items"/> as flags.</summary>
    public static bool TryFlags(ArgumentReader items, out FlagList flags)
    {
        flags = FlagList.Empty;
        var system = ImapSystemFlags.None;
        var keywords = new List<string>();
        while (!items.AtEnd)
        {
            var token = items.Take();
            if (token.Kind != ImapTokenKind.Atom)
            {
                return items.Fail($"a flag must be an atom, got {items.Describe(token)}");
            }

            if (!FlagList.TryParseFlag(token.Data.Span, out var f, out var keyword, out var error))
            {
                return items.Fail(error!);
            }

            system |= f;
            if (keyword is not null && !keywords.Contains(keyword, StringComparer.OrdinalIgnoreCase))
            {
                if (keywords.Count >= items.Options.MaxItems)
                {
                    return items.Fail($"too many keywords (limit {items.Options.MaxItems})");
                }

                keywords.Add(keyword);
            }
        }

        flags = new FlagList(system, keywords);
        return true;
    }

    // date = date-text / DQUOTE date-text DQUOTE
    public bool TryDate(string what, out DateOnly date)
    {
        date = default;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind is not (ImapTokenKind.Atom or ImapTokenKind.Quoted) || !ImapDate.TryParseDate(token.Data.Span, out date))
        {
            return Fail($"{what} must be a date like 1-Feb-1994, got {Describe(token)}");
        }

        return true;
    }

    // date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
    public bool TryDateTime(string what, out DateTimeOffset value)
    {
        value = default;
        if (!TryNext(what, out var token))
        {
            return false;
        }

        if (token.Kind != ImapTokenKind.Quoted || !ImapDate.TryParseDateTime(token.Data.Span, out value))
        {
            return Fail($"{what} must be a quoted date-time like \"17-Jul-1996 02:44:25 -0700\", got {Describe(token)}");
        }

        return true;
    }

    /// <summary>
    /// Arguments may be secrets (LOGIN, AUTHENTICATE): error texts then never echo an atom. Strings are
    /// never echoed in any case.
    /// </summary>
    public bool Sensitive
    {
        get => _slot.Sensitive;
        init => _slot.Sensitive = value;
    }

    /// <summary>How a token is named in error texts.</summary>
    public string Describe(ImapToken token) => token.Kind switch
    {
        ImapTokenKind.Atom when Sensitive => "an atom",
        ImapTokenKind.Atom => $"'{Shorten(token.Text)}'",
        ImapTokenKind.Quoted => "a quoted string",
        ImapTokenKind.Literal => token.IsLiteral8 ? "a literal8" : "a literal",
        ImapTokenKind.List => "a list",
        _ => "NIL",
    };

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private sealed class ErrorSlot
    {
        public ImapParseError? Error { get; set; }

        public bool Sensitive { get; set; }
    }
}
