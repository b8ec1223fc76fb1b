// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// OAUTHBEARER (RFC 7628 §3.1):
/// <code>
/// client-resp = (gs2-header kvsep *kvpair kvsep) / kvsep
/// gs2-header  = gs2-cbind-flag "," [ authzid ] ","     ; authzid = "a=" saslname
/// kvpair      = key "=" value kvsep                     ; kvsep = %x01; one key is "auth"
/// </code>
/// Channel binding ("p=") is not supported. On failure the server sends the RFC 7628 §3.2.2 error JSON
/// (<c>status</c>, <c>scope</c>, <c>openid-configuration</c>); the client answers %x01 and gets the final failure.
/// </summary>
public sealed class OAuthBearerMechanism(string? scope, string? openIdConfiguration) : BearerMechanism(scope, openIdConfiguration)
{
    public override string Name => SaslMechanismNames.OAuthBearer;

    public override SaslStep Next(ReadOnlySpan<byte> response)
    {
        if (response.Length > MaxResponseLength)
        {
            return SaslStep.Fail($"Malformed OAUTHBEARER response: longer than {MaxResponseLength} octets");
        }

        if (!TryUtf8(response, out var text))
        {
            return SaslStep.Fail("Malformed OAUTHBEARER response: not UTF-8");
        }

        // gs2-header: cbind flag, ',', optional "a=" authzid, ','.
        var firstComma = text.IndexOf(',', StringComparison.Ordinal);
        var secondComma = firstComma < 0 ? -1 : text.IndexOf(',', firstComma + 1);
        if (firstComma < 0 || secondComma < 0)
        {
            return SaslStep.Fail("Malformed OAUTHBEARER response: expected a GS2 header such as n,a=<address>,");
        }

        var flag = text[..firstComma];
        if (flag.StartsWith("p=", StringComparison.Ordinal))
        {
            return SaslStep.Fail("OAUTHBEARER channel binding is not supported: use the GS2 flag n");
        }

        if (flag is not ("n" or "y"))
        {
            return SaslStep.Fail("Malformed OAUTHBEARER response: the GS2 flag must be n or y");
        }

        string? authzid = null;
        var authzPart = text[(firstComma + 1)..secondComma];
        if (authzPart.Length > 0)
        {
            if (!authzPart.StartsWith("a=", StringComparison.Ordinal) || !TryDecodeSaslName(authzPart[2..], out authzid))
            {
                return SaslStep.Fail("Malformed OAUTHBEARER response: bad authorization identity in the GS2 header");
            }
        }

        // kvsep *kvpair kvsep: the rest starts with %x01 and ends with %x01 %x01.
        var rest = text[(secondComma + 1)..];
        if (rest.Length < 2 || rest[0] != (char)Separator || !rest.EndsWith("\u0001\u0001", StringComparison.Ordinal))
        {
            return SaslStep.Fail("Malformed OAUTHBEARER response: expected ^A key=value pairs ^A^A after the GS2 header");
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var body = rest[1..^2];
        if (body.Length == 0 || !TrySplitPairs(body, pairs))
        {
            return SaslStep.Fail("Malformed OAUTHBEARER response: expected key=value pairs separated by ^A");
        }

        if (!pairs.TryGetValue("auth", out var auth) || !TryReadBearer(auth, out var token))
        {
            return SaslStep.Fail("Malformed OAUTHBEARER response: missing auth=Bearer <token>");
        }

        return SaslStep.Done(new BearerCredentials(Name, authzid, token));
    }

    protected override byte[] ErrorJson(AuthResult result) => Json(w =>
    {
        w.WriteString("status", result.Failure switch
        {
            AuthFailure.InsufficientScope => "insufficient_scope",
            _ => "invalid_token",
        });
        if (Scope is { Length: > 0 })
        {
            w.WriteString("scope", Scope);
        }

        if (OpenIdConfiguration is not null)
        {
            w.WriteString("openid-configuration", OpenIdConfiguration);
        }
    });

    // saslname = 1*(UTF8-char-safe / "=2C" / "=3D") (RFC 5801 §4)
    private static bool TryDecodeSaslName(string encoded, out string? name)
    {
        name = null;
        if (encoded.Length == 0)
        {
            return false;
        }

        var sb = new System.Text.StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '=')
            {
                if (i + 2 >= encoded.Length)
                {
                    return false;
                }

                var code = encoded.Substring(i + 1, 2);
                if (code == "2C")
                {
                    sb.Append(',');
                }
                else if (code == "3D")
                {
                    sb.Append('=');
                }
                else
                {
                    return false;
                }

                i += 2;
            }
            else if (c is '\0' or ',')
            {
                return false;
            }
            else
            {
                sb.Append(c);
            }
        }

        name = sb.ToString();
        return true;
    }
}
