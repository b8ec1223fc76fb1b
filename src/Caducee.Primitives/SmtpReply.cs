// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Primitives;

/// <summary>
/// An SMTP reply: a three-digit code (RFC 5321 §4.2), an RFC 3463 enhanced status code, and text lines.
/// Policies and the store produce replies; the SMTP session writes them.
/// </summary>
public sealed record SmtpReply(int Code, string? Enhanced, IReadOnlyList<string> Lines)
{
    public SmtpReply(int code, string? enhanced, string text)
        : this(code, enhanced, [text])
    {
    }

    /// <summary>2yz: the command succeeded.</summary>
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>4yz: transient failure.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>5yz: permanent failure.</summary>
    public bool IsPermanent => Code >= 500;

    /// <summary>The text, lines joined by a space (for logs of the reply kind, bounces).</summary>
    public string Text => string.Join(' ', Lines);

    public override string ToString() => Enhanced is null ? $"{Code} {Text}" : $"{Code} {Enhanced} {Text}";

    // Common replies, shared so every module answers the same way.
    public static readonly SmtpReply Ok = new(250, "2.0.0", "OK");
    public static readonly SmtpReply BadSequence = new(503, "5.5.1", "Bad sequence of commands");
    public static readonly SmtpReply SyntaxError = new(500, "5.5.2", "Syntax error, command unrecognized");
    public static readonly SmtpReply TlsRequired = new(530, "5.7.0", "Must issue a STARTTLS command first");
    public static readonly SmtpReply TemporaryLocalError = new(451, "4.3.0", "Local error in processing, try again later");
}
