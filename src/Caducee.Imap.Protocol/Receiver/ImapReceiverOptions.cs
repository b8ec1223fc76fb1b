// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Receiver;

/// <summary>
/// The limits of <see cref="ImapReceiver"/> (STYLE.md §4.2: every read bounded). Defaults follow
/// Dovecot's order of magnitude: 64 KiB lines, 64 MiB messages.
/// </summary>
public sealed record ImapReceiverOptions
{
    /// <summary>Longest line (one stretch of command text between literals), CRLF excluded.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>
    /// Largest literal accepted in APPEND (and SETMETADATA). Literals of other commands are held to
    /// <see cref="MaxLineLength"/>: a password or a search string has no reason to be larger.
    /// </summary>
    public long MaxLiteralSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest whole command, literals included (MULTIAPPEND sends several messages in one command).</summary>
    public long MaxCommandSize { get; init; } = 80L * 1024 * 1024;

    /// <summary>Largest sum of the text lines of one command (literals excluded).</summary>
    public int MaxCommandText { get; init; } = 1024 * 1024;

    /// <summary>Most literals in one command.</summary>
    public int MaxLiterals { get; init; } = 1000;

    /// <summary>Most argument tokens in one command (list elements included).</summary>
    public int MaxArguments { get; init; } = 10_000;

    /// <summary>Deepest nesting of parenthesized lists.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Checks the values (positive, literal sizes an array can hold).</summary>
    public void Validate()
    {
        if (MaxLineLength < 64 || MaxLiteralSize < 0 || MaxLiteralSize > Array.MaxLength || MaxCommandSize < MaxLiteralSize
            || MaxCommandText < MaxLineLength || MaxLiterals < 1 || MaxArguments < 1 || MaxDepth < 1)
        {
            throw new ArgumentException("invalid IMAP receiver limits: MaxLineLength >= 64, 0 <= MaxLiteralSize <= Array.MaxLength <= ..., MaxCommandSize >= MaxLiteralSize, MaxCommandText >= MaxLineLength, others >= 1");
        }
    }
}
