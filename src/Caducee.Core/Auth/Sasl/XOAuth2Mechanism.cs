// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// XOAUTH2 (Google and Microsoft's mechanism; the one MSSanté's API LPS names, REQ-13):
/// <c>"user=" user %x01 "auth=Bearer " token %x01 %x01</c>. On failure the server sends
/// <c>{"status":"401","schemes":"Bearer","scope":…}</c> as a challenge; the client answers with an empty
/// response and gets the final failure.
/// </summary>
public sealed class XOAuth2Mechanism(string? scope) : BearerMechanism(scope, null)
{
    public override string Name => SaslMechanismNames.XOAuth2;

    public override SaslStep Next(ReadOnlySpan<byte> response)
    {
        if (response.Length > MaxResponseLength)
        {
            return SaslStep.Fail($"Malformed XOAUTH2 response: longer than {MaxResponseLength} octets");
        }

        if (response.Length < 2 || response[^1] != Separator || response[^2] != Separator)
        {
            return SaslStep.Fail("Malformed XOAUTH2 response: expected user=<address>^Aauth=Bearer <token>^A^A");
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryUtf8(response[..^2], out var text) || !TrySplitPairs(text, pairs))
        {
            return SaslStep.Fail("Malformed XOAUTH2 response: expected key=value pairs separated by ^A");
        }

        if (!pairs.TryGetValue("user", out var user) || user.Length == 0)
        {
            return SaslStep.Fail("Malformed XOAUTH2 response: missing user=<mailbox address>");
        }

        if (!pairs.TryGetValue("auth", out var auth) || !TryReadBearer(auth, out var token))
        {
            return SaslStep.Fail("Malformed XOAUTH2 response: missing auth=Bearer <token>");
        }

        return SaslStep.Done(new BearerCredentials(Name, user, token));
    }

    protected override byte[] ErrorJson(AuthResult result) => Json(w =>
    {
        w.WriteString("status", result.Failure switch
        {
            AuthFailure.InsufficientScope or AuthFailure.NotAuthorized => "403",
            AuthFailure.LockedOut or AuthFailure.Unavailable => "503",
            _ => "401",
        });
        w.WriteString("schemes", "Bearer");
        if (Scope is { Length: > 0 })
        {
            w.WriteString("scope", Scope);
        }
    });
}
