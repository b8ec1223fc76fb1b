// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Selection;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>Message sets of the selected mailbox: resolution through the session's sequence map (RFC 9051 §9), and reading in batches.</summary>
internal static class MessageSets
{
    /// <summary>Messages read from the store per query (bounded memory for 1:* on a large mailbox).</summary>
    public const int BatchSize = 1000;

    /// <summary>
    /// Resolves sequence numbers or UIDs ("$" included) to the messages the client knows. A sequence number
    /// beyond the mailbox is a client error (BAD); in an empty mailbox every set is empty.
    /// </summary>
    public static bool TryResolve(SelectedMailbox selected, SequenceSet set, bool uid, out List<MessageRef> messages, out Completion error)
    {
        error = default;
        var map = selected.Map;
        if (uid || map.Count == 0)
        {
            messages = map.Count == 0 ? [] : map.ResolveUidSet(set, selected.SavedResult);
            return true;
        }

        if (!map.TryResolveSequenceSet(set, selected.SavedResult, out messages, out var text))
        {
            error = Completion.Bad(text);
            return false;
        }

        return true;
    }

    /// <summary>The messages in batches, each with its summary (null when it was expunged meanwhile), in the order given.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<(MessageRef Ref, MessageSummary? Message)>> ReadAsync(
        ImapSession session, long folderId, IReadOnlyList<MessageRef> messages, bool withViews, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var start = 0; start < messages.Count; start += BatchSize)
        {
            var batch = new List<MessageRef>(Math.Min(BatchSize, messages.Count - start));
            for (var i = start; i < messages.Count && i < start + BatchSize; i++)
            {
                batch.Add(messages[i]);
            }

            var found = await session.Services.Store.GetMessagesAsync(folderId, [.. batch.Select(m => (long)m.Uid)], withViews, cancellationToken).ConfigureAwait(false);
            var byUid = found.ToDictionary(m => m.Uid);
            yield return [.. batch.Select(m => (m, byUid.GetValueOrDefault(m.Uid)))];
        }
    }

    /// <summary>Core flags and keywords from a protocol flag list (\Recent is never stored).</summary>
    public static (MessageFlags Flags, string[] Keywords) ToStore(FlagList flags) =>
        ((MessageFlags)(flags.System & ~ImapSystemFlags.Recent), [.. flags.Keywords]);

    /// <summary>
    /// The rights a flag change needs (RFC 4314 §4): "s" for \Seen, "t" for \Deleted, "w" for the other
    /// flags and keywords; FLAGS (replace) touches all of them.
    /// </summary>
    public static string RequiredRights(StoreAction action, FlagList flags)
    {
        if (action == StoreAction.Replace)
        {
            return "stw";
        }

        var rights = string.Empty;
        if ((flags.System & ImapSystemFlags.Seen) != 0)
        {
            rights += "s";
        }

        if ((flags.System & ImapSystemFlags.Deleted) != 0)
        {
            rights += "t";
        }

        if ((flags.System & (ImapSystemFlags.Answered | ImapSystemFlags.Flagged | ImapSystemFlags.Draft)) != 0 || flags.Keywords.Count > 0)
        {
            rights += "w";
        }

        return rights;
    }
}
