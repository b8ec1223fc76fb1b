// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>LOGOUT (RFC 9051 §6.1.3): BYE, the tagged OK, then the connection closes.</summary>
internal static class LogoutOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, LogoutCommand command, CancellationToken cancellationToken)
    {
        session.Out.Untagged(ImapStatus.Bye, null, "Logging out");
        session.LogOut();
        return ValueTask.FromResult(Completion.Ok("LOGOUT completed", action: ImapAction.Logout));
    }
}
