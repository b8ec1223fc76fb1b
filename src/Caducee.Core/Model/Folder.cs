// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Model;

/// <summary>A folder of a mailbox (an IMAP mailbox), with its UID and MODSEQ counters.</summary>
public sealed record FolderInfo(
    long Id,
    long MailboxId,
    string Name,
    string? SpecialUse,
    long UidValidity,
    long UidNext,
    long HighestModSeq,
    int MessageCount);

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
