// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Operations.Searching;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// SEARCH and UID SEARCH (RFC 9051 §6.4.4) with every key, charsets US-ASCII and UTF-8, ESEARCH return
/// options (RFC 4731: MIN, MAX, ALL, COUNT) and SAVE for "$" (SEARCHRES, RFC 5182). IMAP4rev2 sessions
/// always get ESEARCH; with MODSEQ criteria the highest MODSEQ of the matches is returned (RFC 7162 §3.1.5).
/// </summary>
internal static class SearchOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, SearchCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var matches = await SearchRunner.FindAsync(session, command.Criteria, withViews: false, cancellationToken).ConfigureAwait(false);
        var ids = matches.Select(m => command.Uid ? m.Ref.Uid : (uint)m.Ref.SequenceNumber).ToList();
        long? highest = command.UsesModSeq && matches.Count > 0 ? matches.Max(m => m.Message.ModSeq) : null;
        if (command.Return is null && !session.Rev2)
        {
            session.Out.Search(ids, highest);
            return Completion.Ok($"{command.Name} completed");
        }

        var options = command.Return ?? SearchReturnOptions.All;
        if ((options & SearchReturnOptions.Save) != 0)
        {
            // RFC 5182 §2.4: with MIN or MAX but neither ALL nor COUNT, only those messages are saved.
            var uids = matches.Select(m => m.Ref.Uid).ToList();
            selected.SavedResult = (options & (SearchReturnOptions.All | SearchReturnOptions.Count)) == 0 && (options & (SearchReturnOptions.Min | SearchReturnOptions.Max)) != 0 && uids.Count > 0
                ? [.. new[] { (options & SearchReturnOptions.Min) != 0 ? uids.Min() : 0u, (options & SearchReturnOptions.Max) != 0 ? uids.Max() : 0u }.Where(u => u != 0).Distinct()]
                : uids;
        }

        if ((options & ~SearchReturnOptions.Save) != SearchReturnOptions.None)
        {
            session.Out.ESearch(command.Tag, command.Uid, options, ids, highest);
        }

        return Completion.Ok($"{command.Name} completed");
    }
}
