// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Core.Auth.Sasl;

/// <summary>What one step of a SASL exchange produced.</summary>
public enum SaslStepKind
{
    /// <summary>Send <see cref="SaslStep.Challenge"/> and wait for the next response.</summary>
    Challenge,
    /// <summary>The exchange gathered <see cref="SaslStep.Credentials"/>: verify them.</summary>
    Credentials,
    /// <summary>The response breaks the mechanism's syntax; <see cref="SaslStep.Error"/> says how.</summary>
    Malformed,
}

/// <summary>One step of a SASL server mechanism.</summary>
public readonly record struct SaslStep(SaslStepKind Kind, byte[] Challenge, SaslCredentials? Credentials, string? Error)
{
    public static SaslStep Send(byte[] challenge) => new(SaslStepKind.Challenge, challenge, null, null);

    public static SaslStep Done(SaslCredentials credentials) => new(SaslStepKind.Credentials, [], credentials, null);

    public static SaslStep Fail(string error) => new(SaslStepKind.Malformed, [], null, error);
}

/// <summary>
/// The server side of one SASL mechanism, sans I/O (STYLE.md §4.1): it reads decoded client responses and
/// says what to send next. Protocols carry the bytes (base64, "334"/"+" lines); the auth service verifies
/// the credentials. One instance per exchange.
/// </summary>
public abstract class SaslServerMechanism
{
    /// <summary>Largest decoded client response accepted by any mechanism (RFC 4954 §4 bounds AUTH lines at 12,288 octets).</summary>
    public const int MaxResponseLength = 12 * 1024;

    /// <summary>Strict UTF-8: invalid sequences are malformed input, not replacement characters.</summary>
    protected static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public abstract string Name { get; }

    /// <summary>The first challenge, when the client sent no initial response (empty for most mechanisms).</summary>
    public virtual byte[] InitialChallenge => [];

    /// <summary>Reads the next client response (decoded from base64).</summary>
    public abstract SaslStep Next(ReadOnlySpan<byte> response);

    /// <summary>
    /// For mechanisms that report failure in a challenge before the final reply (RFC 7628 §3.2.2): the error
    /// challenge for <paramref name="result"/>; null when the failure is final at once.
    /// </summary>
    public virtual byte[]? FailureChallenge(AuthResult result) => null;

    /// <summary>Decodes strict UTF-8; false when the bytes are not UTF-8.</summary>
    protected static bool TryUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = Utf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
