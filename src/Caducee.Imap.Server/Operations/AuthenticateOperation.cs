// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Sasl;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// AUTHENTICATE (RFC 9051 §6.2.2), with or without an initial response (SASL-IR, RFC 4959): carries the
/// shared auth component's exchange (PLAIN, EXTERNAL, XOAUTH2, OAUTHBEARER) as "+ " continuations.
/// </summary>
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

        var auth = session.Services.Auth;
        var name = request.Arguments[0].Text.ToUpperInvariant();
        var mechanism = auth.CreateMechanism(name, AuthProtocol.Imap);
        if (mechanism is null)
        {
            session.Out.Tagged(request.Tag, "NO", $"[CANNOT] Unsupported mechanism {name}; use one of {string.Join(", ", auth.Mechanisms(AuthProtocol.Imap))}");
            return ImapAction.None;
        }

        var exchange = new SaslExchange(auth, mechanism, new AuthContext(session.Remote?.Address, session.Tls?.PeerCertificate));
        if (request.Arguments.Count == 2)
        {
            await StepAsync(session, request.Tag, exchange, request.Arguments[1].Value, initial: true, cancellationToken).ConfigureAwait(false);
            return ImapAction.None;
        }

        Continue(session, request.Tag, exchange, exchange.InitialChallenge);
        return ImapAction.None;
    }

    /// <summary>Handles a response line to a "+" continuation.</summary>
    public static Task ContinueAsync(ImapSession session, string tag, SaslExchange exchange, string line, CancellationToken cancellationToken) =>
        StepAsync(session, tag, exchange, line, initial: false, cancellationToken);

    private static async Task StepAsync(ImapSession session, string tag, SaslExchange exchange, string line, bool initial, CancellationToken cancellationToken)
    {
        var outcome = SaslBase64.Decode(Encoding.ASCII.GetBytes(line), initial, out var decoded) switch
        {
            SaslLineKind.Cancel => exchange.Cancel(),
            SaslLineKind.Invalid => SaslOutcome.From(AuthResult.Fail(AuthFailure.Malformed, "Invalid base64 in SASL response")),
            _ => await exchange.RespondAsync(decoded, cancellationToken).ConfigureAwait(false),
        };

        if (outcome.Kind == SaslOutcomeKind.Challenge)
        {
            Continue(session, tag, exchange, outcome.Challenge);
            return;
        }

        LoginCompletion.Complete(session, tag, exchange.Mechanism, outcome.Result!);
    }

    private static void Continue(ImapSession session, string tag, SaslExchange exchange, byte[] challenge)
    {
        session.PendingSasl = (tag, exchange);
        session.Out.Raw("+ " + SaslBase64.Encode(challenge) + "\r\n");
    }
}
