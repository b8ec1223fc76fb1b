// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>System flags (RFC 9051 §2.3.2). Bit values match <c>Caducee.Core.Model.MessageFlags</c>, so a cast converts.</summary>
[Flags]
public enum ImapSystemFlags
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>\Seen.</summary>
    Seen = 1,
    /// <summary>\Answered.</summary>
    Answered = 2,
    /// <summary>\Flagged.</summary>
    Flagged = 4,
    /// <summary>\Deleted.</summary>
    Deleted = 8,
    /// <summary>\Draft.</summary>
    Draft = 16,
    /// <summary>\Recent (IMAP4rev1 only; never stored by a client).</summary>
    Recent = 32,
}

/// <summary>A set of flags: system flags plus keywords (flag-keyword atoms such as <c>$Forwarded</c>, <c>$MDNSent</c>).</summary>
/// <param name="System">The system flags.</param>
/// <param name="Keywords">The keywords as the client spelled them (keywords compare case-insensitively).</param>
public sealed record FlagList(ImapSystemFlags System, IReadOnlyList<string> Keywords)
{
    private static readonly ImapSystemFlags[] s_order = [ImapSystemFlags.Answered, ImapSystemFlags.Flagged, ImapSystemFlags.Deleted, ImapSystemFlags.Seen, ImapSystemFlags.Draft, ImapSystemFlags.Recent];

    /// <summary>No flags.</summary>
    public static FlagList Empty { get; } = new(ImapSystemFlags.None, []);

    /// <summary>The wire name of one system flag ("\Seen").</summary>
    public static string Name(ImapSystemFlags flag) => flag switch
    {
        ImapSystemFlags.Seen => "\\Seen",
        ImapSystemFlags.Answered => "\\Answered",
        ImapSystemFlags.Flagged => "\\Flagged",
        ImapSystemFlags.Deleted => "\\Deleted",
        ImapSystemFlags.Draft => "\\Draft",
        ImapSystemFlags.Recent => "\\Recent",
        _ => throw new ArgumentOutOfRangeException(nameof(flag)),
    };

    /// <summary>The system flags in wire order.</summary>
    public static IEnumerable<ImapSystemFlags> Each(ImapSystemFlags flags)
    {
        foreach (var f in s_order)
        {
            if ((flags & f) != 0)
            {
                yield return f;
            }
        }
    }

    /// <summary>
    /// Parses one flag: a system flag (any case) or a keyword atom. \Recent, \* and unknown system flags
    /// are refused (RFC 9051 §2.3.2: \Recent cannot be set by a client).
    /// </summary>
    public static bool TryParseFlag(ReadOnlySpan<byte> text, out ImapSystemFlags system, out string? keyword, out string? error)
    {
        system = ImapSystemFlags.None;
        keyword = null;
        error = null;
        if (text.IsEmpty)
        {
            error = "empty flag";
            return false;
        }

        if (text[0] == (byte)'\\')
        {
            var name = text[1..];
            system = Ascii.EqualsIgnoreCase(name, "Seen"u8) ? ImapSystemFlags.Seen
                : Ascii.EqualsIgnoreCase(name, "Answered"u8) ? ImapSystemFlags.Answered
                : Ascii.EqualsIgnoreCase(name, "Flagged"u8) ? ImapSystemFlags.Flagged
                : Ascii.EqualsIgnoreCase(name, "Deleted"u8) ? ImapSystemFlags.Deleted
                : Ascii.EqualsIgnoreCase(name, "Draft"u8) ? ImapSystemFlags.Draft
                : ImapSystemFlags.None;
            if (system != ImapSystemFlags.None)
            {
                return true;
            }

            error = Ascii.EqualsIgnoreCase(name, "Recent"u8)
                ? "\\Recent cannot be set by a client"
                : $"unknown system flag '{Shown(text)}' (expected \\Seen, \\Answered, \\Flagged, \\Deleted or \\Draft)";
            return false;
        }

        // flag-keyword = atom: no atom-specials, no 8-bit.
        foreach (var b in text)
        {
            if (b <= (byte)' ' || b >= 0x7F || b is (byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']')
            {
                error = $"invalid keyword '{Shown(text)}'";
                return false;
            }
        }

        keyword = Encoding.ASCII.GetString(text);
        return true;
    }

    private static string Shown(ReadOnlySpan<byte> text) =>
        Encoding.UTF8.GetString(text.Length > 40 ? text[..40] : text);
}
