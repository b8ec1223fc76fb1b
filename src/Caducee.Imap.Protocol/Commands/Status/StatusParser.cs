// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses STATUS, and the status item lists of LIST RETURN (STATUS …) (RFC 5819).</summary>
internal static class StatusParser
{
    // status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
    public static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryMailbox("mailbox name", out var mailbox) || !r.TryList("status items", out var list) || !TryItems(list, out var items) || !r.TryEnd())
        {
            return r.Error;
        }

        return new StatusCommand(mailbox, items) { Tag = r.Tag };
    }

    // status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE" / "RECENT" / "HIGHESTMODSEQ" / "APPENDLIMIT" / "DELETED-STORAGE"
    public static bool TryItems(ArgumentReader list, out List<StatusItem> items)
    {
        items = [];
        while (!list.AtEnd)
        {
            if (!list.TryAtom("status item", out var name))
            {
                return false;
            }

            StatusItem? item = name.ToUpperInvariant() switch
            {
                "MESSAGES" => StatusItem.Messages,
                "UIDNEXT" => StatusItem.UidNext,
                "UIDVALIDITY" => StatusItem.UidValidity,
                "UNSEEN" => StatusItem.Unseen,
                "DELETED" => StatusItem.Deleted,
                "SIZE" => StatusItem.Size,
                "RECENT" => StatusItem.Recent,
                "HIGHESTMODSEQ" => StatusItem.HighestModSeq,
                "APPENDLIMIT" => StatusItem.AppendLimit,
                "DELETED-STORAGE" => StatusItem.DeletedStorage,
                _ => null,
            };
            if (item is null)
            {
                return list.Fail($"unknown status item '{name}' (expected MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, APPENDLIMIT or DELETED-STORAGE)");
            }

            if (!items.Contains(item.Value))
            {
                items.Add(item.Value);
            }
        }

        return items.Count > 0 || list.Fail("at least one status item is needed");
    }
}
