// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Search;
using Caducee.Imap.Server.Operations.Searching;
using Caducee.Imap.Server.Session;
using Caducee.Mime;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// THREAD and UID THREAD (RFC 5256 §3): ORDEREDSUBJECT from the cached views; REFERENCES also reads each
/// matching message's References and In-Reply-To fields.
/// </summary>
internal static class ThreadOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, ThreadCommand command, CancellationToken cancellationToken)
    {
        var matches = await SearchRunner.FindAsync(session, command.Search, withViews: true, cancellationToken).ConfigureAwait(false);
        var messages = new List<ThreadMessage>(matches.Count);
        foreach (var m in matches)
        {
            IReadOnlyList<string> references = [];
            if (command.Algorithm == ThreadAlgorithm.References)
            {
                var headers = MimeParser.Parse(await session.Services.Blobs.ReadAsync(m.Message.BlobId, cancellationToken).ConfigureAwait(false)).Root.Headers;
                references = ImapThreading.MessageIds(headers.GetUnfolded("References"));
                if (references.Count == 0 && ImapThreading.MessageIds(headers.GetUnfolded("In-Reply-To")) is { Count: > 0 } inReplyTo)
                {
                    references = [inReplyTo[0]];
                }
            }

            var views = m.Message.Views;
            messages.Add(new ThreadMessage(
                command.Uid ? m.Ref.Uid : (uint)m.Ref.SequenceNumber,
                m.Ref.SequenceNumber,
                views?.SentDate ?? m.Message.InternalDate,
                views?.Subject,
                views?.MessageId,
                references));
        }

        var threads = command.Algorithm == ThreadAlgorithm.OrderedSubject ? ImapThreading.OrderedSubject(messages) : ImapThreading.References(messages);
        session.Out.Thread(threads);
        return Completion.Ok($"{command.Name} completed");
    }
}
