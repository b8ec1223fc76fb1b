// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;
using Caducee.Mime;

namespace Caducee.Imap.Server.Operations.Searching;

/// <summary>
/// Runs criteria over the messages the client knows (the sequence map), in batches: rows (and views when a
/// criterion or the caller needs them) from one query per batch, the stored message only for those a text
/// criterion still leaves undecided. Messages expunged meanwhile are skipped.
/// </summary>
internal static class SearchRunner
{
    public static async Task<List<SearchSubject>> FindAsync(ImapSession session, SearchKey criteria, bool withViews, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var needs = SearchEvaluator.Needs(criteria);
        var scope = new SearchScope(selected.Map, new HashSet<uint>(selected.SavedResult), session.Services.Clock.GetUtcNow());
        var all = selected.Map.ResolveUidSet(SequenceSet.Of(new SequenceRange(1, 0)), null);
        var matches = new List<SearchSubject>();
        await foreach (var batch in MessageSets.ReadAsync(session, selected.FolderId, all, withViews || (needs & SearchNeeds.Views) != 0, cancellationToken).ConfigureAwait(false))
        {
            foreach (var (reference, message) in batch)
            {
                if (message is null)
                {
                    continue;
                }

                var subject = new SearchSubject(reference, message);
                var match = SearchEvaluator.Evaluate(criteria, subject, scope);
                if (match == Match.Unknown)
                {
                    subject.Mime = MimeParser.Parse(await session.Services.Blobs.ReadAsync(message.BlobId, cancellationToken).ConfigureAwait(false));
                    match = SearchEvaluator.Evaluate(criteria, subject, scope);
                    subject.Release();
                }

                if (match == Match.True)
                {
                    matches.Add(subject);
                }
            }
        }

        return matches;
    }
}
