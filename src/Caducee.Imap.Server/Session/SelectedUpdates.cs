// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Session;

/// <summary>
/// Untagged updates of the selected mailbox (issue 6 point 3, RFC 9051 §7.5): what other sessions — on this
/// node or, through the change feed, on others — changed since the MODSEQ the client knows, read from the
/// store with <c>GetChangesSinceAsync</c>, reported in the order that keeps sequence numbers right:
/// expunges (EXPUNGE in decreasing order, or VANISHED with QRESYNC), then new messages (EXISTS), then flag
/// changes (FETCH with UID, and MODSEQ once CONDSTORE is on). Expunges are held back while the command in
/// progress uses sequence numbers, or while more commands are already waiting (RFC 9051 §7.5.1, §5.5).
/// </summary>
internal static class SelectedUpdates
{
    /// <param name="session">The session; nothing happens unless a mailbox is selected.</param>
    /// <param name="allowExpunges">Expunges may be reported now.</param>
    /// <param name="force">Ask the store even if the change feed said nothing (NOOP, CHECK, IDLE start): a feed event may be late or lost across nodes.</param>
    /// <param name="cancellationToken">Cancels the store read.</param>
    public static async Task ReportAsync(ImapSession session, bool allowExpunges, bool force, CancellationToken cancellationToken)
    {
        if (session.Selected is not { } selected)
        {
            return;
        }

        var poll = force || selected.Watch.IsStale;
        if (!poll && !(allowExpunges && selected.PendingExpunges.Count > 0))
        {
            return;
        }

        FolderChanges? changes = null;
        if (poll)
        {
            selected.Watch.ClearStale();
            try
            {
                if (selected.Watch.MaybeDeleted && await session.Services.Store.GetFolderByIdAsync(selected.FolderId, cancellationToken).ConfigureAwait(false) is not { Selectable: true })
                {
                    throw new MailException(MailError.NotFound, "the selected folder was deleted");
                }

                changes = await session.Services.Store.GetChangesSinceAsync(selected.FolderId, selected.KnownModSeq, cancellationToken).ConfigureAwait(false);
            }
            catch (MailException ex) when (ex.Error == MailError.NotFound)
            {
                // Deleted by another session: nothing the client could do with it any more (as Dovecot does).
                session.Out.Untagged(ImapStatus.Bye, null, "The selected mailbox was deleted");
                session.LogOut();
                return;
            }

            foreach (var uid in changes.Expunged)
            {
                if (uid <= uint.MaxValue && selected.Map.SequenceOf((uint)uid) > 0)
                {
                    selected.PendingExpunges.Add((uint)uid);
                }
            }
        }

        if (allowExpunges && selected.PendingExpunges.Count > 0)
        {
            ReportExpunges(session, selected, [.. selected.PendingExpunges]);
            selected.PendingExpunges.Clear();
        }

        if (changes is null)
        {
            return;
        }

        var previousMax = selected.Map.MaxUid;
        var added = false;
        foreach (var message in changes.Changed)
        {
            if (message.Uid > previousMax && message.Uid <= uint.MaxValue)
            {
                selected.Map.Append((uint)message.Uid);
                added = true;
            }
        }

        AnnounceKeywords(session, selected, changes.Changed);
        if (added)
        {
            session.Out.Exists(selected.Map.Count);
        }

        foreach (var message in changes.Changed)
        {
            if (message.Uid > previousMax)
            {
                continue;
            }

            var uid = (uint)message.Uid;
            var seq = selected.Map.SequenceOf(uid);
            if (seq == 0 || selected.PendingExpunges.Contains(uid))
            {
                continue;
            }

            WriteFlags(session, seq, message, includeUid: true);
            await session.FlushIfLargeAsync(cancellationToken).ConfigureAwait(false);
        }

        selected.KnownModSeq = Math.Max(selected.KnownModSeq, changes.HighestModSeq);
    }

    /// <summary>Reports expunged messages and removes them from the sequence map: VANISHED with QRESYNC, else EXPUNGE in decreasing order.</summary>
    public static void ReportExpunges(ImapSession session, SelectedMailbox selected, IReadOnlyCollection<uint> uids)
    {
        if (uids.Count == 0)
        {
            return;
        }

        if (session.QResync)
        {
            var present = uids.Where(u => selected.Map.SequenceOf(u) > 0).ToList();
            selected.Map.ExpungeMany(present);
            session.Out.Vanished(present, earlier: false);
        }
        else
        {
            foreach (var seq in selected.Map.ExpungeMany(uids))
            {
                session.Out.Expunge(seq);
            }
        }

        foreach (var uid in uids)
        {
            selected.PendingExpunges.Remove(uid);
        }
    }

    /// <summary>"* n FETCH (FLAGS (…) [UID u] [MODSEQ (m)])": a flag change, with MODSEQ once CONDSTORE is on (RFC 7162 §3.1.4).</summary>
    public static void WriteFlags(ImapSession session, int sequenceNumber, MessageSummary message, bool includeUid)
    {
        var fetch = session.Out.BeginFetch(sequenceNumber);
        if (includeUid)
        {
            fetch.Uid((uint)message.Uid);
        }

        fetch.Flags((ImapSystemFlags)message.Flags, message.Keywords);
        if (session.CondStore)
        {
            fetch.ModSeq(message.ModSeq);
        }

        fetch.End();
    }

    /// <summary>A keyword the client has not seen in FLAGS yet: a new FLAGS and PERMANENTFLAGS first (RFC 9051 §7.3.5).</summary>
    public static void AnnounceKeywords(ImapSession session, SelectedMailbox selected, IEnumerable<MessageSummary> messages)
    {
        var fresh = false;
        foreach (var keyword in messages.SelectMany(m => m.Keywords))
        {
            fresh |= keyword.Length > 0 && selected.Keywords.Add(keyword);
        }

        if (fresh)
        {
            WriteFlagsResponses(session, selected);
        }
    }

    /// <summary>"* FLAGS (…)" and "* OK [PERMANENTFLAGS (…)]", after the user's rights (RFC 4314 §4: s for \Seen, t for \Deleted, w for the others).</summary>
    public static void WriteFlagsResponses(ImapSession session, SelectedMailbox selected)
    {
        const ImapSystemFlags all = ImapSystemFlags.Answered | ImapSystemFlags.Flagged | ImapSystemFlags.Deleted | ImapSystemFlags.Seen | ImapSystemFlags.Draft;
        var keywords = selected.Keywords.Order(StringComparer.Ordinal).ToList();
        session.Out.FlagsResponse(all, keywords);
        if (selected.ReadOnly)
        {
            session.Out.Untagged(ImapStatus.Ok, ResponseCode.PermanentFlags(ImapSystemFlags.None, [], canCreateKeywords: false), "No permanent flags: read-only");
            return;
        }

        var rights = selected.Rights;
        var permanent = (rights.Has('s') ? ImapSystemFlags.Seen : 0) | (rights.Has('t') ? ImapSystemFlags.Deleted : 0)
            | (rights.Has('w') ? ImapSystemFlags.Answered | ImapSystemFlags.Flagged | ImapSystemFlags.Draft : 0);
        var canCreate = rights.Has('w') && keywords.Count < KeywordNames.MaxPerFolder;
        session.Out.Untagged(ImapStatus.Ok, ResponseCode.PermanentFlags(permanent, rights.Has('w') ? keywords : [], canCreate), "Flags permitted");
    }
}
