// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth.Sasl;
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

        if (session.State is not NotAuthenticated)
        {
            return "IMAP4rev1 LITERAL+ UNSELECT";
        }

        // The mechanisms follow the operator's configuration (REQ-15: password methods may be off).
        var auth = session.Services.Auth;
        var mechanisms = string.Concat(auth.Mechanisms(AuthProtocol.Imap).Select(m => " AUTH=" + m));
        return "IMAP4rev1" + (auth.PasswordLoginAllowed ? string.Empty : " LOGINDISABLED") + mechanisms + " SASL-IR LITERAL+";
    }

    public static ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        session.Out.Untagged("CAPABILITY " + Capabilities(session));
        session.Out.Tagged(request.Tag, "OK", "CAPABILITY completed");
        return ValueTask.FromResult(ImapAction.None);
    }
}
