// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>
/// AUTH (RFC 4954) on the submission listener, over TLS only (REQ-12): carries the shared auth component's
/// SASL exchange (PLAIN, LOGIN, EXTERNAL, XOAUTH2, OAUTHBEARER; <see cref="SaslExchange"/>) as 334 lines
/// and maps its outcome to 235 or a failure reply (<see cref="AuthReplies"/>). Credentials are never logged.
/// </summary>
internal static class AuthHandler
{
    public static async ValueTask<bool> StartAsync(SmtpSession session, AuthCommand command, CancellationToken cancellationToken)
    {
        if (session.Options.Kind != SmtpListenerKind.Submission)
        {
            session.Errors++;
            session.Reply(new SmtpReply(503, "5.5.1", "AUTH is not available on the MX: operators authenticate with their TLS certificate"));
            return false;
        }

        if (session.Tls is null)
        {
            session.Errors++;
            session.Reply(new SmtpReply(538, "5.7.11", "Encryption required: issue STARTTLS before AUTH"));
            return false;
        }

        if (session.Principal is not null)
        {
            session.Errors++;
            session.Reply(new SmtpReply(503, "5.5.1", "Already authenticated"));
            return false;
        }

        var auth = session.Services.Auth;
        var mechanism = auth.CreateMechanism(command.Mechanism, AuthProtocol.Smtp);
        if (mechanism is null)
        {
            session.Errors++;
            var offered = string.Join(", ", auth.Mechanisms(AuthProtocol.Smtp));
            session.Reply(command.Mechanism is SaslMechanismNames.Plain or SaslMechanismNames.Login
                ? new SmtpReply(534, "5.7.9", $"Password authentication is disabled at this operator; use one of {offered}")
                : new SmtpReply(504, "5.5.4", $"Unrecognized authentication mechanism {command.Mechanism}; use one of {offered}"));
            return false;
        }

        var exchange = new SaslExchange(auth, mechanism, new AuthContext(session.Remote?.Address, session.Tls.PeerCertificate));
        if (command.InitialResponse is null)
        {
            session.Sasl = exchange;
            session.Reply(Challenge(exchange.InitialChallenge));
            return true;
        }

        return await StepAsync(session, exchange, command.InitialResponse, initial: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles a SASL response line (the session is in SASL mode).</summary>
    public static ValueTask<bool> ContinueAsync(SmtpSession session, string line, CancellationToken cancellationToken) =>
        StepAsync(session, session.Sasl!, line, initial: false, cancellationToken);

    private static async ValueTask<bool> StepAsync(SmtpSession session, SaslExchange exchange, string line, bool initial, CancellationToken cancellationToken)
    {
        var outcome = SaslBase64.Decode(Encoding.ASCII.GetBytes(line), initial, out var decoded) switch
        {
            SaslLineKind.Cancel => exchange.Cancel(),
            SaslLineKind.Invalid => SaslOutcome.From(AuthResult.Fail(AuthFailure.Malformed, "Invalid base64 in SASL response")),
            _ => await exchange.RespondAsync(decoded, cancellationToken).ConfigureAwait(false),
        };

        switch (outcome.Kind)
        {
            case SaslOutcomeKind.Challenge:
                session.Sasl = exchange;
                session.Reply(Challenge(outcome.Challenge));
                return true;
            case SaslOutcomeKind.Succeeded:
                session.Sasl = null;
                var principal = outcome.Result!.Principal!;
                session.Principal = principal;
                Log.AuthSucceeded(session.Logger, session.Id, principal.Mailbox.Address.ToString(), principal.Mechanism);
                session.Reply(new SmtpReply(235, "2.7.0", "Authentication successful"));
                return true;
            default:
                session.Sasl = null;
                var result = outcome.Result!;
                Log.AuthFailed(session.Logger, session.Id, result.User ?? "-", exchange.Mechanism + ": " + result.Reason);
                if (result.Failure != AuthFailure.Cancelled)
                {
                    session.Errors++;
                }

                session.Reply(AuthReplies.For(result));
                return false;
        }
    }

    private static SmtpReply Challenge(byte[] challenge) => new(334, null, SaslBase64.Encode(challenge));
}
