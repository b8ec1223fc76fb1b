// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// STORE and UID STORE (RFC 9051 §6.4.6). This first version adds flags (+FLAGS[.SILENT]); removing and
/// replacing flags, and \Deleted (which needs EXPUNGE), come with the full IMAP issue and answer NO [CANNOT].
/// </summary>
internal static class StoreOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        var byUid = request.Command.StartsWith("UID ", StringComparison.Ordinal);
        if (request.Arguments.Count != 3 || !SequenceSet.TryParse(request.Arguments[0].Text, out var set))
        {
            return Dispatcher.Bad(session, request, "Syntax: STORE <sequence-set> <+FLAGS|-FLAGS|FLAGS>[.SILENT] (<flags>)");
        }

        var selected = (Selected)session.State;
        if (selected.ReadOnly)
        {
            session.Out.Tagged(request.Tag, "NO", "[READ-ONLY] Mailbox is read-only");
            return ImapAction.None;
        }

        var mode = request.Arguments[1].Text.ToUpperInvariant();
        if (mode is not ("+FLAGS" or "+FLAGS.SILENT"))
        {
            session.Out.Tagged(request.Tag, "NO", "[CANNOT] Only +FLAGS is supported in this version");
            return ImapAction.None;
        }

        var flagTokens = request.Arguments[2].Kind == ImapTokenKind.List ? request.Arguments[2].Children! : [request.Arguments[2]];
        var flags = MessageFlags.None;
        foreach (var token in flagTokens)
        {
            flags |= token.Text.ToUpperInvariant() switch
            {
                "\\SEEN" => MessageFlags.Seen,
                "\\ANSWERED" => MessageFlags.Answered,
                "\\FLAGGED" => MessageFlags.Flagged,
                "\\DRAFT" => MessageFlags.Draft,
                _ => MessageFlags.None,
            };
            if (token.Text.Equals("\\Deleted", StringComparison.OrdinalIgnoreCase))
            {
                session.Out.Tagged(request.Tag, "NO", "[CANNOT] \\Deleted is not supported until EXPUNGE is available");
                return ImapAction.None;
            }
        }

        var maxUid = selected.Messages.Count == 0 ? 0 : selected.Messages[^1].Uid;
        var targets = selected.Messages
            .Select((m, i) => (m, i))
            .Where(x => byUid ? set.Contains(x.m.Uid, maxUid) : set.Contains(x.i + 1, selected.Messages.Count))
            .ToList();
        await session.Services.Store.StoreFlagsAsync(selected.Folder.Id, [.. targets.Select(t => t.m.Uid)], FlagChange.Add(flags), null, cancellationToken).ConfigureAwait(false);
        foreach (var (m, i) in targets)
        {
            var updated = m with { Flags = m.Flags | flags };
            selected.Messages[i] = updated;
            if (!mode.EndsWith(".SILENT", StringComparison.Ordinal))
            {
                session.Out.Untagged($"{i + 1} FETCH (FLAGS ({FetchOperation.FormatFlags(updated.Flags)}){(byUid ? $" UID {updated.Uid}" : string.Empty)})");
            }
        }

        session.Out.Tagged(request.Tag, "OK", $"{request.Command} completed");
        return ImapAction.None;
    }
}
