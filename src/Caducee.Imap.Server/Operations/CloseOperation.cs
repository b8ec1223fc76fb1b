// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// CLOSE and UNSELECT (RFC 9051 §6.4.1, RFC 3691). No message can carry \Deleted yet (STORE refuses it
/// until EXPUNGE lands), so CLOSE has nothing to expunge.
/// </summary>
internal static class CloseOperation
{
    public static ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        session.State = new Authenticated(((Selected)session.State).Principal);
        session.Out.Tagged(request.Tag, "OK", $"{request.Command} completed");
        return ValueTask.FromResult(ImapAction.None);
    }
}
