// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.Core.Model;

namespace Caducee.Storage.Postgres;

/// <summary>
/// The payload of a change notification: <c>c1 NODE MAILBOX:FOLDER:MODSEQ:KINDS …</c>, one item per folder
/// (coalesced: highest MODSEQ, union of kinds), split over several notifications when longer than
/// PostgreSQL's payload limit (8,000 bytes). Ids and numbers only: no name, address or content.
/// </summary>
internal static class ChangeNotifications
{
    private const string Version = "c1";

    /// <summary>Below PostgreSQL's 8,000-byte payload limit.</summary>
    internal const int MaxPayload = 7_900;

    public static IEnumerable<string> Encode(string nodeId, IReadOnlyList<FolderChanged> changes)
    {
        var header = Version + " " + nodeId;
        var payload = new StringBuilder(header);
        foreach (var change in Coalesce(changes))
        {
            var item = string.Create(CultureInfo.InvariantCulture, $" {change.MailboxId}:{change.FolderId}:{change.HighestModSeq}:{(int)change.Kinds}");
            if (payload.Length + item.Length > MaxPayload)
            {
                yield return payload.ToString();
                payload.Clear().Append(header);
            }

            payload.Append(item);
        }

        if (payload.Length > header.Length)
        {
            yield return payload.ToString();
        }
    }

    /// <summary>
    /// The changes a notification carries; empty when it comes from <paramref name="ownNodeId"/> (already
    /// published in-process) or is not ours. Malformed items are skipped.
    /// </summary>
    public static List<FolderChanged> Decode(string payload, string ownNodeId)
    {
        var result = new List<FolderChanged>();
        var parts = payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[0] != Version || parts[1] == ownNodeId)
        {
            return result;
        }

        foreach (var item in parts.AsSpan(2))
        {
            var fields = item.Split(':');
            if (fields.Length == 4 &&
                long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var mailbox) &&
                long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var folder) &&
                long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var modseq) &&
                int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var kinds))
            {
                result.Add(new FolderChanged(mailbox, folder, modseq, (FolderChangeKinds)kinds));
            }
        }

        return result;
    }

    private static IEnumerable<FolderChanged> Coalesce(IReadOnlyList<FolderChanged> changes) =>
        changes
            .GroupBy(c => c.FolderId)
            .Select(g => g.Aggregate((a, b) => new FolderChanged(a.MailboxId, a.FolderId, Math.Max(a.HighestModSeq, b.HighestModSeq), a.Kinds | b.Kinds)));
}
