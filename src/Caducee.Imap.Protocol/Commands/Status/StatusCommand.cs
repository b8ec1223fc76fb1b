// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>STATUS data items (RFC 9051 §6.3.11, RFC 7162 HIGHESTMODSEQ, RFC 7889 APPENDLIMIT, RFC 9208 DELETED-STORAGE).</summary>
public enum StatusItem
{
    /// <summary>MESSAGES: number of messages.</summary>
    Messages,
    /// <summary>UIDNEXT: the next UID.</summary>
    UidNext,
    /// <summary>UIDVALIDITY.</summary>
    UidValidity,
    /// <summary>UNSEEN: messages without \Seen.</summary>
    Unseen,
    /// <summary>DELETED: messages with \Deleted (IMAP4rev2).</summary>
    Deleted,
    /// <summary>SIZE: total size in octets (IMAP4rev2).</summary>
    Size,
    /// <summary>RECENT (IMAP4rev1).</summary>
    Recent,
    /// <summary>HIGHESTMODSEQ (CONDSTORE).</summary>
    HighestModSeq,
    /// <summary>APPENDLIMIT (RFC 7889): NIL when unlimited.</summary>
    AppendLimit,
    /// <summary>DELETED-STORAGE (RFC 9208): octets freed by an EXPUNGE.</summary>
    DeletedStorage,
}

/// <summary>STATUS (RFC 9051 §6.3.11).</summary>
/// <param name="Mailbox">The mailbox (decoded).</param>
/// <param name="Items">The items asked for, in order (at least one).</param>
public sealed record StatusCommand(string Mailbox, IReadOnlyList<StatusItem> Items) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "STATUS";

    /// <inheritdoc/>
    public override bool EnablesCondStore => Items.Contains(StatusItem.HighestModSeq);

    /// <summary>The wire name of an item ("UIDNEXT").</summary>
    public static string ItemName(StatusItem item) => item switch
    {
        StatusItem.Messages => "MESSAGES",
        StatusItem.UidNext => "UIDNEXT",
        StatusItem.UidValidity => "UIDVALIDITY",
        StatusItem.Unseen => "UNSEEN",
        StatusItem.Deleted => "DELETED",
        StatusItem.Size => "SIZE",
        StatusItem.Recent => "RECENT",
        StatusItem.HighestModSeq => "HIGHESTMODSEQ",
        StatusItem.AppendLimit => "APPENDLIMIT",
        StatusItem.DeletedStorage => "DELETED-STORAGE",
        _ => throw new ArgumentOutOfRangeException(nameof(item)),
    };
}
