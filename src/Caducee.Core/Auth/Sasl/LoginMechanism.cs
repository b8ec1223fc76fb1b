// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login): "Username:" then "Password:" challenges. Obsolete but still what many
/// mail clients and scanners use, so SMTP offers it next to PLAIN. An initial response is the user name.
/// </summary>
public sealed class LoginMechanism : SaslServerMechanism
{
    private static readonly byte[] s_username = Encoding.ASCII.GetBytes("Username:");
    private static readonly byte[] s_password = Encoding.ASCII.GetBytes("Password:");
    private string? _user;

    public override string Name => SaslMechanismNames.Login;

    public override byte[] InitialChallenge => s_username;

    public override SaslStep Next(ReadOnlySpan<byte> response)
    {
        if (response.Length > PlainMechanism.MaxFieldLength)
        {
            return SaslStep.Fail($"Malformed LOGIN response: longer than {PlainMechanism.MaxFieldLength} octets");
        }

        if (!TryUtf8(response, out var text) || text.Contains('\0', StringComparison.Ordinal))
        {
            return SaslStep.Fail("Malformed LOGIN response: not UTF-8 text");
        }

        if (_user is null)
        {
            if (text.Length == 0)
            {
                return SaslStep.Fail("Malformed LOGIN response: empty user name");
            }

            _user = text;
            return SaslStep.Send(s_password);
        }

        return SaslStep.Done(new PasswordCredentials(Name, null, _user, text));
    }
}
