// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3).</summary>
internal static class SelectOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (request.Arguments.Count < 1 || !request.Arguments[0].IsString)
        {
            return Dispatcher.Bad(session, request, $"Syntax: {request.Command} <mailbox>");
        }

        var principal = ((Authenticated)session.State).Principal;
        // A failed SELECT leaves no mailbox selected (RFC 9051 §6.3.2).
        session.State = new Authenticated(principal);
        var folder = await session.Services.Store.GetFolderAsync(principal.Mailbox.Id, request.Arguments[0].Value, cancellationToken).ConfigureAwait(false);
        if (folder is null)
        {
            session.Out.Tagged(request.Tag, "NO", "[NONEXISTENT] No such mailbox");
            return ImapAction.None;
        }

        var readOnly = request.Command == "EXAMINE";
        var messages = await session.Services.Store.ListMessagesAsync(folder.Id, cancellationToken).ConfigureAwait(false);
        session.State = new Selected(principal, folder, readOnly, [.. messages]);
        var o = session.Out;
        o.Untagged($"{messages.Count} EXISTS");
        o.Untagged("0 RECENT");
        o.Untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        o.Untagged(readOnly ? "OK [PERMANENTFLAGS ()] Read-only mailbox" : "OK [PERMANENTFLAGS (\\Answered \\Flagged \\Seen \\Draft)] Flags permitted");
        var firstUnseen = messages.Select((m, i) => (m, i)).FirstOrDefault(x => (x.m.Flags & Core.Model.MessageFlags.Seen) == 0);
        if (firstUnseen.m is not null)
        {
            o.Untagged($"OK [UNSEEN {firstUnseen.i + 1}] First unseen");
        }

        o.Untagged($"OK [UIDVALIDITY {folder.UidValidity}] UIDs valid");
        o.Untagged($"OK [UIDNEXT {folder.UidNext}] Predicted next UID");
        o.Tagged(request.Tag, "OK", readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
        return ImapAction.None;
    }
}
