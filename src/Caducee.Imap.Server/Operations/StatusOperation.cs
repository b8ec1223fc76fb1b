// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>STATUS (RFC 9051 §6.3.11) with SIZE, DELETED, HIGHESTMODSEQ, APPENDLIMIT and DELETED-STORAGE; needs "r" (RFC 4314).</summary>
internal static class StatusOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, StatusCommand command, CancellationToken cancellationToken)
    {
        var (mailbox, refusal) = await Access.RequireAsync(session, command.Mailbox, 'r', "read the status", cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return refusal;
        }

        if (!mailbox.Folder.Selectable)
        {
            return Completion.No(ResponseCode.Cannot, "This name is a level of the hierarchy and holds no messages (\\Noselect)");
        }

        await StatusValues.WriteAsync(session, mailbox, command.Items, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("STATUS completed");
    }
}
