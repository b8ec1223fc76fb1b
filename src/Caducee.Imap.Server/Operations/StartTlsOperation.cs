// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>STARTTLS (RFC 9051 §6.2.1); the session swaps the transport after the OK is flushed.</summary>
internal static class StartTlsOperation
{
    public static ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (session.IsTls)
        {
            return ValueTask.FromResult(Dispatcher.Bad(session, request, "TLS is already active"));
        }

        session.Out.Tagged(request.Tag, "OK", "Begin TLS negotiation now");
        return ValueTask.FromResult(ImapAction.StartTls);
    }
}
