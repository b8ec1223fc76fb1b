// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// STORE and UID STORE (RFC 9051 §6.4.6): FLAGS, +FLAGS, -FLAGS, with .SILENT, and UNCHANGEDSINCE (RFC 7162
/// §3.1.3: messages changed since are left alone and listed in [MODIFIED]). Each message of the set gets a
/// FETCH with its flags unless .SILENT; with CONDSTORE the changed ones always get one with their MODSEQ.
/// Rights (RFC 4314): "s" for \Seen, "t" for \Deleted, "w" for the others, refused with NO [NOPERM].
/// </summary>
internal static class StoreOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, StoreCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (!MessageSets.TryResolve(selected, command.Set, command.Uid, out var refs, out var bad))
        {
            return bad;
        }

        if (selected.ReadOnly)
        {
            return Completion.No(ResponseCode.Cannot, "The mailbox is read-only");
        }

        foreach (var right in MessageSets.RequiredRights(command.Action, command.Flags))
        {
            if (!Access.Check(session, selected.Mailbox, right, right switch { 's' => "set \\Seen", 't' => "set \\Deleted", _ => "change flags" }, out var refusal))
            {
                return refusal;
            }
        }

        var (flags, keywords) = MessageSets.ToStore(command.Flags);
        var change = command.Action switch
        {
            StoreAction.Add => FlagChange.Add(flags, keywords),
            StoreAction.Remove => FlagChange.Remove(flags, keywords),
            _ => FlagChange.Replace(flags, keywords),
        };
        var result = await session.Services.Store.StoreFlagsAsync(selected.FolderId, [.. refs.Select(r => (long)r.Uid)], change, command.UnchangedSince, cancellationToken).ConfigureAwait(false);
        selected.Acknowledge(result.HighestModSeq);
        SelectedUpdates.AnnounceKeywords(session, selected, result.Changed);

        var changed = result.Changed.ToDictionary(m => m.Uid);
        var modified = new HashSet<long>(result.Modified);
        var current = new Dictionary<long, MessageSummary>();
        if (!command.Silent)
        {
            var unchanged = refs.Where(r => !changed.ContainsKey(r.Uid) && !modified.Contains(r.Uid)).Select(r => (long)r.Uid).ToList();
            if (unchanged.Count > 0)
            {
                foreach (var m in await session.Services.Store.GetMessagesAsync(selected.FolderId, unchanged, withViews: false, cancellationToken).ConfigureAwait(false))
                {
                    current[m.Uid] = m;
                }
            }
        }

        foreach (var reference in refs)
        {
            if (changed.TryGetValue(reference.Uid, out var message))
            {
                if (!command.Silent)
                {
                    SelectedUpdates.WriteFlags(session, reference.SequenceNumber, message, includeUid: command.Uid);
                }
                else if (session.CondStore)
                {
                    // RFC 7162 §3.1.3: even with .SILENT, the new MODSEQ of each changed message.
                    var fetch = session.Out.BeginFetch(reference.SequenceNumber);
                    if (command.Uid)
                    {
                        fetch.Uid(reference.Uid);
                    }

                    fetch.ModSeq(message.ModSeq).End();
                }
            }
            else if (current.TryGetValue(reference.Uid, out var unchanged))
            {
                SelectedUpdates.WriteFlags(session, reference.SequenceNumber, unchanged, includeUid: command.Uid);
            }

            await session.FlushIfLargeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (modified.Count > 0)
        {
            var numbers = refs.Where(r => modified.Contains(r.Uid)).Select(r => command.Uid ? r.Uid : (uint)r.SequenceNumber);
            return Completion.Ok("Conditional STORE failed for some messages", ResponseCode.Modified(numbers));
        }

        return Completion.Ok($"{command.Name} completed");
    }
}
