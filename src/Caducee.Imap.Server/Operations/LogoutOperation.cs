// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>LOGOUT (RFC 9051 §6.1.3).</summary>
internal static class LogoutOperation
{
    public static ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        session.Out.Untagged("BYE Caducée IMAP logging out");
        session.Out.Tagged(request.Tag, "OK", "LOGOUT completed");
        session.State = new LoggedOut();
        return ValueTask.FromResult(ImapAction.Logout);
    }
}
