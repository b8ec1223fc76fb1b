// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>CAPABILITY (RFC 9051 §6.1.1): what this server offers, which depends on TLS and login (REQ-12).</summary>
internal static class CapabilityOperation
{
    public static string Capabilities(ImapSession session)
    {
        if (!session.IsTls)
        {
            return "IMAP4rev1 STARTTLS LOGINDISABLED LITERAL+";
        }

        return session.State is NotAuthenticated
            ? "IMAP4rev1 AUTH=PLAIN SASL-IR LITERAL+"
            : "IMAP4rev1 LITERAL+ UNSELECT";
    }

    public static ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        session.Out.Untagged("CAPABILITY " + Capabilities(session));
        session.Out.Tagged(request.Tag, "OK", "CAPABILITY completed");
        return ValueTask.FromResult(ImapAction.None);
    }
}
