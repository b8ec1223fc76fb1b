// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// PLAIN (RFC 4616 §2): <c>message = [authzid] UTF8NUL authcid UTF8NUL passwd</c>, one response.
/// </summary>
public sealed class PlainMechanism : SaslServerMechanism
{
    /// <summary>RFC 4616 §2 asks servers to accept at least 255 octets per field; we accept a little more, not unbounded.</summary>
    public const int MaxFieldLength = 1024;

    public override string Name => SaslMechanismNames.Plain;

    public override SaslStep Next(ReadOnlySpan<byte> response)
    {
        var first = response.IndexOf((byte)0);
        var second = first < 0 ? -1 : response[(first + 1)..].IndexOf((byte)0);
        if (first < 0 || second < 0)
        {
            return SaslStep.Fail("Malformed PLAIN response: expected authzid NUL authcid NUL password");
        }

        second += first + 1;
        var authzid = response[..first];
        var authcid = response[(first + 1)..second];
        var password = response[(second + 1)..];
        if (password.IndexOf((byte)0) >= 0)
        {
            return SaslStep.Fail("Malformed PLAIN response: more than two NUL separators");
        }

        if (authcid.IsEmpty)
        {
            return SaslStep.Fail("Malformed PLAIN response: empty authentication identity");
        }

        if (authzid.Length > MaxFieldLength || authcid.Length > MaxFieldLength || password.Length > MaxFieldLength)
        {
            return SaslStep.Fail($"Malformed PLAIN response: a field exceeds {MaxFieldLength} octets");
        }

        if (!TryUtf8(authzid, out var z) || !TryUtf8(authcid, out var c) || !TryUtf8(password, out var p))
        {
            return SaslStep.Fail("Malformed PLAIN response: not UTF-8");
        }

        return SaslStep.Done(new PasswordCredentials(Name, z, c, p));
    }
}
