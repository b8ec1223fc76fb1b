// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>SETQUOTA (RFC 9208 §4.1): quotas are the operator's (domain defaults and per-mailbox limits, set by the admin CLI): NO [NOPERM].</summary>
internal static class SetQuotaOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, SetQuotaCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Completion.No(ResponseCode.NoPerm, "Quotas are set by the operator's administrators, not over IMAP"));
}
