// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>STARTTLS (RFC 3207). The transport swap itself is done by the session after the 220 is flushed.</summary>
internal static class StartTlsHandler
{
    public static (bool Accepted, SessionAction Action) Handle(SmtpSession session)
    {
        if (session.Tls is not null)
        {
            session.Errors++;
            session.Reply(new SmtpReply(503, "5.5.1", "TLS already active"));
            return (false, SessionAction.None);
        }

        session.Reply(new SmtpReply(220, "2.0.0", "Ready to start TLS"));
        return (true, SessionAction.StartTls);
    }
}
