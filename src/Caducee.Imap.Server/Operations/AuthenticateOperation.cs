// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>AUTHENTICATE (RFC 9051 §6.2.2) with PLAIN (RFC 4616), with or without SASL-IR (RFC 4959).</summary>
internal static class AuthenticateOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (!session.IsTls)
        {
            session.Out.Tagged(request.Tag, "NO", "[PRIVACYREQUIRED] Authentication is disabled before STARTTLS");
            return ImapAction.None;
        }

        if (request.Arguments.Count is < 1 or > 2 || request.Arguments[0].Kind != ImapTokenKind.Atom)
        {
            return Dispatcher.Bad(session, request, "Syntax: AUTHENTICATE <mechanism> [initial-response]");
        }

        var mechanism = request.Arguments[0].Text.ToUpperInvariant();
        if (mechanism != "PLAIN")
        {
            session.Out.Tagged(request.Tag, "NO", $"[CANNOT] Unsupported mechanism {mechanism}; use PLAIN");
            return ImapAction.None;
        }

        if (request.Arguments.Count == 2)
        {
            await ContinueAsync(session, request.Tag, mechanism, request.Arguments[1].Value, cancellationToken).ConfigureAwait(false);
            return ImapAction.None;
        }

        session.PendingSasl = (request.Tag, mechanism);
        session.Out.Raw("+ \r\n");
        return ImapAction.None;
    }

    public static async Task ContinueAsync(ImapSession session, string tag, string mechanism, string response, CancellationToken cancellationToken)
    {
        if (response == "*")
        {
            session.Out.Tagged(tag, "BAD", "Authentication cancelled");
            return;
        }

        var bytes = new byte[(response.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(response == "=" ? string.Empty : response, bytes, out var written))
        {
            session.Errors++;
            session.Out.Tagged(tag, "BAD", "Invalid base64 in SASL response");
            return;
        }

        var parts = Encoding.UTF8.GetString(bytes, 0, written).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0 || (parts[0].Length > 0 && !string.Equals(parts[0], parts[1], StringComparison.OrdinalIgnoreCase)))
        {
            session.Errors++;
            session.Out.Tagged(tag, "NO", "[AUTHENTICATIONFAILED] Malformed PLAIN response or authorization identity not allowed");
            return;
        }

        await LoginCompletion.CompleteAsync(session, tag, parts[1], parts[2], mechanism, cancellationToken).ConfigureAwait(false);
    }
}
