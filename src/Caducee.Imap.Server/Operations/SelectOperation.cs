// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Protocol.Selection;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3) with CONDSTORE and QRESYNC (RFC 7162 §3.1.2, §3.2.5).
/// One read of the folder state (<c>LoadFolderStateAsync</c>: UIDs, flags, MODSEQ; no per-message
/// work beyond building the sequence map). Needs "r" (RFC 4314); read-only when the user may change
/// nothing. The change feed is subscribed before the state is read, so no change is missed.
/// </summary>
internal static class SelectOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, SelectCommand command, CancellationToken cancellationToken)
    {
        if (command.QResync is not null && !session.QResync)
        {
            return Completion.Bad($"{command.Name}: the QRESYNC parameter needs ENABLE QRESYNC first (RFC 7162 §3.2.5)");
        }

        // A failed SELECT leaves no mailbox selected (RFC 9051 §6.3.2); a replaced one is announced (RFC 7162 §3.2.11).
        if (session.Selected is not null)
        {
            session.Deselect();
            session.Out.Untagged(ImapStatus.Ok, ResponseCode.Closed, "Previous mailbox closed");
        }

        var (resolved, refusal) = await Access.RequireAsync(session, command.Mailbox, 'r', "read messages", cancellationToken).ConfigureAwait(false);
        if (resolved is null)
        {
            return refusal;
        }

        if (!resolved.Folder.Selectable)
        {
            return Completion.No(ResponseCode.Cannot, "This name is a level of the hierarchy and holds no messages (\\Noselect)");
        }

        var rights = resolved.Rights;
        var readOnly = command.ReadOnly || !(rights.Has('s') || rights.Has('w') || rights.Has('t') || rights.Has('e'));
        var watch = session.WatchFolder(resolved.Folder.Id);
        FolderState state;
        try
        {
            state = await session.Services.Store.LoadFolderStateAsync(resolved.Folder.Id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            watch.Dispose();
            throw;
        }

        var map = new MessageSequenceMap(state.Messages.Select(m => (uint)m.Uid));
        var selected = new SelectedMailbox(resolved with { Folder = state.Folder }, readOnly, map, state.Folder.HighestModSeq, state.Keywords, watch);
        session.Select(selected);

        var o = session.Out;
        SelectedUpdates.WriteFlagsResponses(session, selected);
        o.Exists(map.Count);
        if (!session.Rev2)
        {
            o.Recent(0);
            var firstUnseen = Array.FindIndex(state.Messages, m => (m.Flags & MessageFlags.Seen) == 0);
            if (firstUnseen >= 0)
            {
                o.Untagged(ImapStatus.Ok, ResponseCode.Unseen(firstUnseen + 1), "First unseen");
            }
        }

        o.Untagged(ImapStatus.Ok, ResponseCode.UidValidity(selected.UidValidity), "UIDs valid");
        o.Untagged(ImapStatus.Ok, ResponseCode.UidNext((uint)Math.Min(state.Folder.UidNext, uint.MaxValue)), "Predicted next UID");
        o.Untagged(ImapStatus.Ok, ResponseCode.HighestModSeq(state.Folder.HighestModSeq), "Highest");
        if (session.Rev2)
        {
            // RFC 9051 §6.3.2: a LIST response with the mailbox name and its attributes.
            o.List(new ListEntry(resolved.ClientName, resolved.Folder.SpecialUse is { } use ? [use] : [], Namespaces.Delimiter));
        }

        if (command.QResync is { } qresync && qresync.UidValidity == selected.UidValidity)
        {
            await ResynchronizeAsync(session, selected, qresync, cancellationToken).ConfigureAwait(false);
        }

        return Completion.Ok($"{command.Name} completed", readOnly ? ResponseCode.ReadOnly : ResponseCode.ReadWrite);
    }

    /// <summary>
    /// QRESYNC (RFC 7162 §3.2.5): the known UIDs expunged since the client's MODSEQ as VANISHED (EARLIER),
    /// then the messages changed since it as FETCH (UID FLAGS MODSEQ). The store keeps every expunge, so the
    /// sequence match data is not needed.
    /// </summary>
    private static async Task ResynchronizeAsync(ImapSession session, SelectedMailbox selected, QResyncParameters qresync, CancellationToken cancellationToken)
    {
        var changes = await session.Services.Store.GetChangesSinceAsync(selected.FolderId, qresync.ModSeq, cancellationToken).ConfigureAwait(false);
        // An expunge after the state was read is still in the view: it is reported as VANISHED when it leaves it.
        var vanished = changes.Expunged
            .Where(u => u <= uint.MaxValue && (qresync.KnownUids is null || qresync.KnownUids.Contains(u, uint.MaxValue)) && selected.Map.SequenceOf((uint)u) == 0)
            .Select(u => (uint)u);
        session.Out.Vanished(vanished, earlier: true);
        foreach (var message in changes.Changed)
        {
            var seq = selected.Map.SequenceOf((uint)message.Uid);
            if (seq > 0 && message.ModSeq <= selected.KnownModSeq)
            {
                SelectedUpdates.WriteFlags(session, seq, message, includeUid: true);
                await session.FlushIfLargeAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
