// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>EHLO / HELO (RFC 5321 §4.1.1.1): resets the transaction and lists the extensions on offer.</summary>
internal static class HeloHandler
{
    public static bool Handle(SmtpSession session, HeloCommand command)
    {
        session.HeloName = command.ClientDomain;
        session.Extended = command.Extended;
        session.Transaction = null;
        var greeting = $"{session.Options.HostName} Hello {command.ClientDomain} [{session.Remote?.Address}]";
        if (!command.Extended)
        {
            session.Reply(new SmtpReply(250, null, greeting));
            return true;
        }

        var lines = new List<string>
        {
            greeting,
            "PIPELINING",
            "SIZE " + session.Options.MaxMessageSize.ToString(CultureInfo.InvariantCulture),
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            "DSN",
            "CHUNKING",
        };

        if (session.Tls is null)
        {
            lines.Add("STARTTLS");
        }
        else if (session.Options.Kind == SmtpListenerKind.Submission && session.Principal is null)
        {
            // REQ-12: AUTH is offered only once the channel is encrypted.
            var mechanisms = session.Services.Auth.Mechanisms(AuthProtocol.Smtp);
            if (mechanisms.Count > 0)
            {
                lines.Add("AUTH " + string.Join(' ', mechanisms));
            }
        }

        session.Reply(new SmtpReply(250, null, lines));
        return true;
    }
}
