// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>STATUS mailbox (items) (RFC 9051 §6.3.11).</summary>
internal static class StatusOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (request.Arguments.Count != 2 || !request.Arguments[0].IsString || request.Arguments[1].Kind != ImapTokenKind.List)
        {
            return Dispatcher.Bad(session, request, "Syntax: STATUS <mailbox> (<items>)");
        }

        var principal = ((Authenticated)session.State).Principal;
        var folder = await session.Services.Store.GetFolderAsync(principal.Mailbox.Id, request.Arguments[0].Value, cancellationToken).ConfigureAwait(false);
        if (folder is null)
        {
            session.Out.Tagged(request.Tag, "NO", "[NONEXISTENT] No such mailbox");
            return ImapAction.None;
        }

        // The counts are kept in the folder row (issue 4): no message is read.
        var items = new List<string>();
        foreach (var item in request.Arguments[1].Children!)
        {
            var name = item.Text.ToUpperInvariant();
            switch (name)
            {
                case "MESSAGES": items.Add($"MESSAGES {folder.MessageCount}"); break;
                case "UIDNEXT": items.Add($"UIDNEXT {folder.UidNext}"); break;
                case "UIDVALIDITY": items.Add($"UIDVALIDITY {folder.UidValidity}"); break;
                case "RECENT": items.Add("RECENT 0"); break;
                case "UNSEEN": items.Add($"UNSEEN {folder.UnseenCount}"); break;
                case "SIZE": items.Add($"SIZE {folder.TotalSize}"); break;
                default:
                    return Dispatcher.Bad(session, request, $"Unknown STATUS item {item.Text}");
            }
        }

        session.Out.Raw("* STATUS ").String(folder.Name).Raw($" ({string.Join(' ', items)})\r\n");
        session.Out.Tagged(request.Tag, "OK", "STATUS completed");
        return ImapAction.None;
    }
}
