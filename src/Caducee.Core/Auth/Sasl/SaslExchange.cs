// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>What the protocol must do after a client response.</summary>
public enum SaslOutcomeKind
{
    /// <summary>Send <see cref="SaslOutcome.Challenge"/> (base64) and read another response.</summary>
    Challenge,
    /// <summary>Authenticated: <see cref="SaslOutcome.Result"/> holds the principal.</summary>
    Succeeded,
    /// <summary>Failed: <see cref="SaslOutcome.Result"/> says why; the exchange is over.</summary>
    Failed,
}

/// <summary>One outcome of a SASL exchange.</summary>
public readonly record struct SaslOutcome(SaslOutcomeKind Kind, byte[] Challenge, AuthResult? Result)
{
    public static SaslOutcome Send(byte[] challenge) => new(SaslOutcomeKind.Challenge, challenge, null);

    public static SaslOutcome From(AuthResult result) => new(result.Succeeded ? SaslOutcomeKind.Succeeded : SaslOutcomeKind.Failed, [], result);
}

/// <summary>
/// One AUTH / AUTHENTICATE exchange, shared by SMTP and IMAP: runs the sans-I/O mechanism, has the
/// credentials verified by the auth service, and for bearer mechanisms sends the error challenge first
/// (RFC 7628 §3.2.2). The protocol only decodes lines and writes challenges and final replies.
/// </summary>
public sealed class SaslExchange(IAuthService auth, SaslServerMechanism mechanism, AuthContext context)
{
    private AuthResult? _pendingFailure;

    public string Mechanism => mechanism.Name;

    /// <summary>The challenge to send when the client gave no initial response.</summary>
    public byte[] InitialChallenge => mechanism.InitialChallenge;

    /// <summary>Reads one decoded client response.</summary>
    public async ValueTask<SaslOutcome> RespondAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken)
    {
        if (_pendingFailure is { } failure)
        {
            // The client acknowledged the error challenge (with %x01, an empty line, or anything): final failure.
            return SaslOutcome.From(failure);
        }

        var step = mechanism.Next(response.Span);
        switch (step.Kind)
        {
            case SaslStepKind.Challenge:
                return SaslOutcome.Send(step.Challenge);
            case SaslStepKind.Malformed:
                return SaslOutcome.From(AuthResult.Fail(AuthFailure.Malformed, step.Error ?? "Malformed SASL response"));
        }

        var result = await auth.AuthenticateAsync(step.Credentials!, context, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && mechanism.FailureChallenge(result) is { } challenge)
        {
            _pendingFailure = result;
            return SaslOutcome.Send(challenge);
        }

        return SaslOutcome.From(result);
    }

    /// <summary>The client sent "*": cancelled, unless it was acknowledging an error challenge (then the failure stands).</summary>
    public SaslOutcome Cancel() =>
        SaslOutcome.From(_pendingFailure ?? AuthResult.Fail(AuthFailure.Cancelled, "Authentication cancelled"));
}
