// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// A parsed command (one record per command, STYLE.md §4.5). Produced by <see cref="ImapCommandParser.Parse"/>;
/// the server switches on the record type.
/// </summary>
public abstract record ImapCommand
{
    /// <summary>The command's tag.</summary>
    public required string Tag { get; init; }

    /// <summary>The command name as the table knows it ("FETCH", "UID FETCH").</summary>
    public abstract string Name { get; }

    /// <summary>
    /// True when this command is a CONDSTORE-enabling command (RFC 7162 §3.1): after it, the server
    /// reports MODSEQ in FETCH responses and HIGHESTMODSEQ on the selected mailbox.
    /// </summary>
    public virtual bool EnablesCondStore => false;
}

/// <summary>A command refused by the parser: the tagged response to send.</summary>
/// <param name="Tag">The command's tag.</param>
/// <param name="Status">BAD for syntax errors; NO for well-formed commands the parser can already refuse (unknown charset).</param>
/// <param name="Code">The response code, if any (e.g. <c>BADCHARSET (US-ASCII UTF-8)</c>).</param>
/// <param name="Text">What is wrong, naming the command and the argument.</param>
public sealed record ImapParseError(string Tag, ImapStatus Status, string? Code, string Text)
{
    /// <summary>The response text: "[CODE] text" or "text".</summary>
    public string ResponseText => Code is null ? Text : $"[{Code}] {Text}";
}

/// <summary>Either a command or the error to answer.</summary>
public readonly struct ImapParseResult
{
    private ImapParseResult(ImapCommand? command, ImapParseError? error)
    {
        Command = command;
        Error = error;
    }

    /// <summary>The command, when parsing succeeded.</summary>
    public ImapCommand? Command { get; }

    /// <summary>The error, when parsing failed.</summary>
    public ImapParseError? Error { get; }

    /// <summary>True when <see cref="Command"/> is set.</summary>
    public bool IsSuccess => Command is not null;

    /// <summary>A success.</summary>
    public static ImapParseResult Success(ImapCommand command) => new(command, null);

    /// <summary>A failure.</summary>
    public static ImapParseResult Failure(ImapParseError error) => new(null, error);

    /// <summary>A success.</summary>
    public static implicit operator ImapParseResult(ImapCommand command) => Success(command);

    /// <summary>A failure.</summary>
    public static implicit operator ImapParseResult(ImapParseError error) => Failure(error);
}

/// <summary>The session facts that change how commands parse.</summary>
public sealed record ImapParserOptions
{
    /// <summary>The defaults: IMAP4rev1 names (modified UTF-7).</summary>
    public static ImapParserOptions Default { get; } = new();

    /// <summary>
    /// Mailbox names are UTF-8 rather than modified UTF-7: true once UTF8=ACCEPT (RFC 6855) or IMAP4rev2
    /// (RFC 9051 §5.1) is enabled. When false, names are decoded from modified UTF-7, and raw UTF-8 is
    /// tolerated (some clients send it regardless).
    /// </summary>
    public bool Utf8MailboxNames { get; init; }

    /// <summary>Most elements in one sequence set.</summary>
    public int MaxSequenceRanges { get; init; } = SequenceSet.DefaultMaxRanges;

    /// <summary>Deepest SEARCH key nesting (NOT, OR, parentheses), which also bounds evaluation recursion.</summary>
    public int MaxSearchDepth { get; init; } = 100;

    /// <summary>Most items in one FETCH, most messages in one MULTIAPPEND, most entries in one list argument.</summary>
    public int MaxItems { get; init; } = 1000;
}
