// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>GETQUOTA (RFC 9208 §4.2): usage and limits of a quota root the user can see.</summary>
internal static class GetQuotaOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, GetQuotaCommand command, CancellationToken cancellationToken)
    {
        if (await Quotas.FindRootAsync(session, command.Root, cancellationToken).ConfigureAwait(false) is not long mailboxId)
        {
            return Completion.No(ResponseCode.NonExistent, "No such quota root");
        }

        await Quotas.WriteAsync(session, command.Root, mailboxId, cancellationToken).ConfigureAwait(false);
        return Completion.Ok("GETQUOTA completed");
    }
}
