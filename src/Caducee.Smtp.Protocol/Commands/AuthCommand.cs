// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>AUTH (RFC 4954): the mechanism, upper-cased, and the optional initial response (base64, or "=" for empty).</summary>
public sealed record AuthCommand(string Mechanism, string? InitialResponse) : SmtpCommand(SmtpVerb.Auth)
{
    // The initial response is a credential: never print it.
    public override string ToString() => $"AuthCommand {{ Mechanism = {Mechanism} }}";
}
