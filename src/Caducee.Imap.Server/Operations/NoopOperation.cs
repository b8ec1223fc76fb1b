// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>NOOP and CHECK: report changes to the selected folder (new messages as EXISTS).</summary>
internal static class NoopOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (session.State is Selected selected)
        {
            var current = await session.Services.Store.ListMessagesAsync(selected.Folder.Id, cancellationToken).ConfigureAwait(false);
            var known = selected.Messages.Count == 0 ? 0 : selected.Messages[^1].Uid;
            var added = current.Where(m => m.Uid > known).ToList();
            if (added.Count > 0)
            {
                selected.Messages.AddRange(added);
                session.Out.Untagged($"{selected.Messages.Count} EXISTS");
            }
        }

        session.Out.Tagged(request.Tag, "OK", $"{request.Command} completed");
        return ImapAction.None;
    }
}
