// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;

namespace Caducee.Core.Model;

/// <summary>
/// A folder of a mailbox (an IMAP mailbox), with its UID and MODSEQ counters and the counts STATUS needs
/// (kept in the folder row, so STATUS and LIST-STATUS never scan messages).
/// </summary>
public sealed record FolderInfo(
    long Id,
    long MailboxId,
    string Name,
    string? SpecialUse,
    long UidValidity,
    long UidNext,
    long HighestModSeq,
    int MessageCount)
{
    /// <summary>Messages without \Seen.</summary>
    public int UnseenCount { get; init; }

    /// <summary>Messages with \Deleted.</summary>
    public int DeletedCount { get; init; }

    /// <summary>Sum of the message sizes (STATUS SIZE, RFC 8438).</summary>
    public long TotalSize { get; init; }

    /// <summary>False for a \Noselect placeholder: a deleted folder kept because it has children (RFC 9051 §6.3.4).</summary>
    public bool Selectable { get; init; } = true;

    /// <summary>Whether the owner is subscribed to this name (LSUB / LIST (SUBSCRIBED)).</summary>
    public bool Subscribed { get; init; }
}

/// <summary>The folders every new mailbox gets (RFC 6154 special-use attributes).</summary>
public static class DefaultFolders
{
    public const string Inbox = "INBOX";

    public static readonly IReadOnlyList<(string Name, string? SpecialUse)> All =
    [
        (Inbox, null),
        ("Sent", "\\Sent"),
        ("Drafts", "\\Drafts"),
        ("Trash", "\\Trash"),
        ("Junk", "\\Junk"),
        ("Archive", "\\Archive"),
    ];
}

/// <summary>Folder names: "/" is the hierarchy delimiter; INBOX is case-insensitive (RFC 9051 §5.1).</summary>
public static class FolderNames
{
    public const char Delimiter = '/';
    public const int MaxLength = 255;
    public const int MaxDepth = 32;

    /// <summary>The RFC 6154 special-use attributes a folder may carry.</summary>
    public static readonly IReadOnlyList<string> SpecialUses = ["\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"];

    /// <summary>The canonical spelling of a special-use attribute, whatever its case; false if unknown.</summary>
    public static bool TryNormalizeSpecialUse(string specialUse, [NotNullWhen(true)] out string? canonical)
    {
        canonical = SpecialUses.FirstOrDefault(u => string.Equals(u, specialUse, StringComparison.OrdinalIgnoreCase));
        return canonical is not null;
    }

    /// <summary>"inbox" in any case is INBOX; other names are returned as given.</summary>
    public static string Normalize(string name) =>
        string.Equals(name, DefaultFolders.Inbox, StringComparison.OrdinalIgnoreCase) ? DefaultFolders.Inbox : name;

    public static bool IsInbox(string name) => string.Equals(name, DefaultFolders.Inbox, StringComparison.OrdinalIgnoreCase);

    /// <summary>The parent name ("a/b" for "a/b/c"), or null at the top level.</summary>
    public static string? Parent(string name)
    {
        var i = name.LastIndexOf(Delimiter);
        return i <= 0 ? null : name[..i];
    }

    /// <summary>Every ancestor, outermost first ("a", "a/b" for "a/b/c").</summary>
    public static IEnumerable<string> Ancestors(string name)
    {
        for (var i = name.IndexOf(Delimiter); i > 0; i = name.IndexOf(Delimiter, i + 1))
        {
            yield return name[..i];
        }
    }

    /// <summary>True when <paramref name="name"/> is strictly below <paramref name="ancestor"/>.</summary>
    public static bool IsBelow(string name, string ancestor) =>
        name.Length > ancestor.Length + 1 && name[ancestor.Length] == Delimiter && name.StartsWith(ancestor, StringComparison.Ordinal);

    /// <summary>
    /// Checks a name a client may create: not empty, no empty level ("a//b", leading or trailing "/"), no
    /// control characters, no IMAP wildcards ("*", "%"), bounded length and depth.
    /// </summary>
    public static bool IsValid(string name, [NotNullWhen(false)] out string? error)
    {
        error = name switch
        {
            { Length: 0 } => "a folder name cannot be empty",
            { Length: > MaxLength } => $"a folder name is limited to {MaxLength} characters",
            _ when name[0] == Delimiter || name[^1] == Delimiter || name.Contains("//", StringComparison.Ordinal) => "a folder name cannot have an empty level (leading, trailing or doubled \"/\")",
            _ when name.Any(c => char.IsControl(c) || c is '*' or '%') => "a folder name cannot contain control characters, \"*\" or \"%\"",
            _ when name.Count(c => c == Delimiter) >= MaxDepth => $"folders are limited to {MaxDepth} levels",
            _ => null,
        };
        return error is null;
    }
}
