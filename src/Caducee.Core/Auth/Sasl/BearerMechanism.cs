// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;

namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// What XOAUTH2 and OAUTHBEARER share: key/value pairs separated by %x01, an <c>auth=Bearer &lt;token&gt;</c>
/// pair, and failures reported first as a JSON error challenge, to which the client answers with a dummy
/// response before the final failure reply (RFC 7628 §3.2.2).
/// </summary>
public abstract class BearerMechanism(string? scope, string? openIdConfiguration) : SaslServerMechanism
{
    protected const byte Separator = 0x01;

    /// <summary>The scope a token must carry, shown in error challenges (RFC 7628 §3.2.2).</summary>
    protected string? Scope { get; } = scope;

    /// <summary>The discovery URL of the issuer, shown in OAUTHBEARER error challenges.</summary>
    protected string? OpenIdConfiguration { get; } = openIdConfiguration;

    public override byte[]? FailureChallenge(AuthResult result) =>
        result.Failure is AuthFailure.Malformed or AuthFailure.None ? null : ErrorJson(result);

    /// <summary>The JSON body of the error challenge.</summary>
    protected abstract byte[] ErrorJson(AuthResult result);

    protected static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads "auth=Bearer &lt;token&gt;" (RFC 7628 §3.1: the scheme is case-insensitive; the token is a
    /// b64token, RFC 6750 §2.1).
    /// </summary>
    protected static bool TryReadBearer(string value, out string token)
    {
        token = string.Empty;
        const string scheme = "Bearer ";
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var t = value[scheme.Length..].TrimStart(' ');
        if (t.Length == 0 || !IsB64Token(t))
        {
            return false;
        }

        token = t;
        return true;
    }

    /// <summary>Splits "k=v%x01k=v%x01" pairs; false on a pair without '=' or a duplicate key.</summary>
    protected static bool TrySplitPairs(string text, Dictionary<string, string> pairs)
    {
        foreach (var item in text.Split((char)Separator))
        {
            if (item.Length == 0)
            {
                return false;
            }

            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !pairs.TryAdd(item[..eq], item[(eq + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    private static bool IsB64Token(string t)
    {
        var end = t.Length;
        while (end > 0 && t[end - 1] == '=')
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        for (var i = 0; i < end; i++)
        {
            var c = t[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~' or '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
