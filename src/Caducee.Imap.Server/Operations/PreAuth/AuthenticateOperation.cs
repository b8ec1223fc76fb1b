// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Core.Auth.Sasl;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations.PreAuth;

/// <summary>
/// AUTHENTICATE (RFC 9051 §6.2.2), with or without an initial response (SASL-IR, RFC 4959): carries the
/// shared auth component's exchange (PLAIN, EXTERNAL, XOAUTH2, OAUTHBEARER) as "+ " continuations.
/// </summary>
internal static class AuthenticateOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, AuthenticateCommand command, CancellationToken cancellationToken)
    {
        if (!session.IsTls)
        {
            return Completion.No(ResponseCode.PrivacyRequired, "Authentication is disabled before STARTTLS");
        }

        var auth = session.Services.Auth;
        var mechanism = auth.CreateMechanism(command.Mechanism, AuthProtocol.Imap);
        if (mechanism is null)
        {
            return Completion.No(ResponseCode.Cannot, $"Unsupported mechanism {command.Mechanism}; use one of {string.Join(", ", auth.Mechanisms(AuthProtocol.Imap))}");
        }

        var exchange = new SaslExchange(auth, mechanism, new AuthContext(session.Remote?.Address, session.Tls?.PeerCertificate));
        if (command.InitialResponse is { } initial)
        {
            return await StepAsync(session, command.Tag, exchange, await exchange.RespondAsync(initial, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        return Challenge(session, command.Tag, exchange, exchange.InitialChallenge);
    }

    /// <summary>Handles a response line to a "+" continuation (CRLF removed).</summary>
    public static async Task<Completion> ContinueAsync(ImapSession session, string tag, SaslExchange exchange, ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        var response = SaslResponse.TryParse(line.Span);
        var outcome = response.Kind switch
        {
            SaslResponseKind.Cancelled => exchange.Cancel(),
            SaslResponseKind.Invalid => SaslOutcome.From(AuthResult.Fail(AuthFailure.Malformed, "Invalid base64 in SASL response")),
            _ => await exchange.RespondAsync(response.Data!, cancellationToken).ConfigureAwait(false),
        };
        return await StepAsync(session, tag, exchange, outcome).ConfigureAwait(false);
    }

    private static Task<Completion> StepAsync(ImapSession session, string tag, SaslExchange exchange, SaslOutcome outcome) =>
        Task.FromResult(outcome.Kind == SaslOutcomeKind.Challenge
            ? Challenge(session, tag, exchange, outcome.Challenge)
            : LoginCompletion.Complete(session, exchange.Mechanism, outcome.Result!));

    private static Completion Challenge(ImapSession session, string tag, SaslExchange exchange, byte[] challenge)
    {
        session.Out.SaslChallenge(challenge);
        session.BeginSasl(tag, exchange);
        return Completion.Pending;
    }
}
