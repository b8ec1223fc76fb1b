// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// EXTERNAL (RFC 4422 appendix A): the client's only message is the authorization identity (possibly
/// empty); who it is comes from the TLS client certificate (REQ-14, REQ-16).
/// </summary>
public sealed class ExternalMechanism : SaslServerMechanism
{
    public override string Name => SaslMechanismNames.External;

    public override SaslStep Next(ReadOnlySpan<byte> response)
    {
        if (response.Length > PlainMechanism.MaxFieldLength)
        {
            return SaslStep.Fail($"Malformed EXTERNAL response: authorization identity longer than {PlainMechanism.MaxFieldLength} octets");
        }

        if (!TryUtf8(response, out var authzid) || authzid.Contains('\0', StringComparison.Ordinal))
        {
            return SaslStep.Fail("Malformed EXTERNAL response: the authorization identity must be UTF-8 text");
        }

        return SaslStep.Done(new ExternalCredentials(authzid));
    }
}
