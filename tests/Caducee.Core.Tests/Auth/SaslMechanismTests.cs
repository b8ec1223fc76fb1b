// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using System.Text.Json;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Sasl;

namespace Caducee.Core.Tests.Auth;

/// <summary>Each sans-I/O SASL step (issue 5 point 4): valid exchanges, malformed input, wrong authzid forms, oversized input.</summary>
public sealed class SaslMechanismTests
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void PLAIN_reads_authzid_authcid_and_password_RFC4616()
    {
        var step = new PlainMechanism().Next(B("boss@x.test\0jean@x.test\0s3cret"));
        Assert.Equal(SaslStepKind.Credentials, step.Kind);
        var c = Assert.IsType<PasswordCredentials>(step.Credentials);
        Assert.Equal(("boss@x.test", "jean@x.test", "s3cret"), (c.AuthorizationId, c.UserName, c.Password));
        Assert.DoesNotContain("s3cret", c.ToString(), StringComparison.Ordinal);

        var noAuthz = (PasswordCredentials)new PlainMechanism().Next(B("\0jean@x.test\0pw")).Credentials!;
        Assert.Null(noAuthz.AuthorizationId);
    }

    [Theory]
    [InlineData("jean@x.test\0pw", "authzid NUL authcid NUL password")] // one NUL
    [InlineData("no separators at all", "authzid NUL authcid NUL password")]
    [InlineData("\0jean@x.test\0pw\0extra", "more than two NUL")]
    [InlineData("\0\0pw", "empty authentication identity")]
    public void PLAIN_refuses_malformed_messages(string message, string expected)
    {
        var step = new PlainMechanism().Next(B(message));
        Assert.Equal(SaslStepKind.Malformed, step.Kind);
        Assert.Contains(expected, step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PLAIN_refuses_invalid_UTF8_and_oversized_fields()
    {
        byte[] bad = [0, (byte)'a', 0, 0xC3, 0x28];
        Assert.Contains("not UTF-8", new PlainMechanism().Next(bad).Error, StringComparison.Ordinal);
        var huge = new PlainMechanism().Next(B("\0jean@x.test\0" + new string('p', PlainMechanism.MaxFieldLength + 1)));
        Assert.Equal(SaslStepKind.Malformed, huge.Kind);
        Assert.Contains("exceeds", huge.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LOGIN_asks_for_user_then_password_and_accepts_the_user_as_initial_response()
    {
        var m = new LoginMechanism();
        Assert.Equal("Username:", Encoding.ASCII.GetString(m.InitialChallenge));
        var first = m.Next(B("jean@x.test"));
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        Assert.Equal("Password:", Encoding.ASCII.GetString(first.Challenge));
        var c = Assert.IsType<PasswordCredentials>(m.Next(B("pw")).Credentials);
        Assert.Equal(("jean@x.test", "pw", SaslMechanismNames.Login), (c.UserName, c.Password, c.Mechanism));
        Assert.Equal(SaslStepKind.Malformed, new LoginMechanism().Next([]).Kind);
        Assert.Equal(SaslStepKind.Malformed, new LoginMechanism().Next(B("a\0b")).Kind);
    }

    [Fact]
    public void EXTERNAL_takes_an_empty_or_named_authorization_identity_RFC4422_appendix_A()
    {
        Assert.Null(((ExternalCredentials)new ExternalMechanism().Next([]).Credentials!).AuthorizationId);
        Assert.Equal("dpi@x.test", new ExternalMechanism().Next(B("dpi@x.test")).Credentials!.AuthorizationId);
        Assert.Equal(SaslStepKind.Malformed, new ExternalMechanism().Next(B("a\0b")).Kind);
        Assert.Equal(SaslStepKind.Malformed, new ExternalMechanism().Next(new byte[PlainMechanism.MaxFieldLength + 1]).Kind);
    }

    [Fact]
    public void XOAUTH2_reads_user_and_bearer_token()
    {
        var step = new XOAuth2Mechanism("scope_all").Next(B($"user=jean@x.test\u0001auth=Bearer {Token}\u0001\u0001"));
        var c = Assert.IsType<BearerCredentials>(step.Credentials);
        Assert.Equal(("jean@x.test", Token), (c.AuthorizationId, c.Token));
        Assert.DoesNotContain(Token, c.ToString(), StringComparison.Ordinal);
        // The scheme is case-insensitive (RFC 7628 §3.1, after RFC 6750).
        Assert.Equal(SaslStepKind.Credentials, new XOAuth2Mechanism(null).Next(B($"auth=bearer {Token}\u0001user=a@x.test\u0001\u0001")).Kind);
    }

    [Theory]
    [InlineData("user=jean@x.test\u0001auth=Bearer TOKEN\u0001", "expected user=")] // one final ^A only
    [InlineData("auth=Bearer TOKEN\u0001\u0001", "missing user=")]
    [InlineData("user=jean@x.test\u0001\u0001", "missing auth=Bearer")]
    [InlineData("user=jean@x.test\u0001auth=Basic dXNlcjpwdw==\u0001\u0001", "missing auth=Bearer")]
    [InlineData("user=jean@x.test\u0001auth=Bearer tok en!\u0001\u0001", "missing auth=Bearer")] // not a b64token
    [InlineData("user=a@x.test\u0001user=b@x.test\u0001auth=Bearer T\u0001\u0001", "key=value pairs")] // duplicate key
    [InlineData("user\u0001auth=Bearer T\u0001\u0001", "key=value pairs")]
    public void XOAUTH2_refuses_malformed_messages(string message, string expected)
    {
        var step = new XOAuth2Mechanism(null).Next(B(message.Replace("TOKEN", Token, StringComparison.Ordinal)));
        Assert.Equal(SaslStepKind.Malformed, step.Kind);
        Assert.Contains(expected, step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void XOAUTH2_error_challenge_is_the_JSON_clients_expect()
    {
        var json = new XOAuth2Mechanism("scope_all").FailureChallenge(AuthResult.Fail(AuthFailure.InvalidCredentials, "token expired"));
        using var doc = JsonDocument.Parse(json!);
        Assert.Equal("401", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("Bearer", doc.RootElement.GetProperty("schemes").GetString());
        Assert.Equal("scope_all", doc.RootElement.GetProperty("scope").GetString());
        Assert.Null(new XOAuth2Mechanism("s").FailureChallenge(AuthResult.Fail(AuthFailure.Malformed, "x")));
    }

    [Fact]
    public void OAUTHBEARER_reads_the_GS2_header_authzid_and_token_RFC7628()
    {
        var step = new OAuthBearerMechanism("scope_all", null).Next(B($"n,a=jean@x.test,\u0001host=mail.x.test\u0001port=587\u0001auth=Bearer {Token}\u0001\u0001"));
        var c = Assert.IsType<BearerCredentials>(step.Credentials);
        Assert.Equal(("jean@x.test", Token, SaslMechanismNames.OAuthBearer), (c.AuthorizationId, c.Token, c.Mechanism));

        var noAuthz = new OAuthBearerMechanism(null, null).Next(B($"n,,\u0001auth=Bearer {Token}\u0001\u0001"));
        Assert.Null(noAuthz.Credentials!.AuthorizationId);

        // saslname escapes (RFC 5801 §4): "=2C" is ',' and "=3D" is '='.
        var escaped = new OAuthBearerMechanism(null, null).Next(B($"y,a=a=2Cb=3Dc@x.test,\u0001auth=Bearer {Token}\u0001\u0001"));
        Assert.Equal("a,b=c@x.test", escaped.Credentials!.AuthorizationId);
    }

    [Theory]
    [InlineData("p=tls-unique,,\u0001auth=Bearer TOKEN\u0001\u0001", "channel binding is not supported")]
    [InlineData("x,,\u0001auth=Bearer TOKEN\u0001\u0001", "GS2 flag must be n or y")]
    [InlineData("n,auth=Bearer TOKEN\u0001\u0001", "GS2 header")]
    [InlineData("n,u=jean@x.test,\u0001auth=Bearer TOKEN\u0001\u0001", "authorization identity")]
    [InlineData("n,a=bad=2Xname,\u0001auth=Bearer TOKEN\u0001\u0001", "authorization identity")]
    [InlineData("n,,auth=Bearer TOKEN\u0001\u0001", "^A key=value pairs ^A^A")]
    [InlineData("n,,\u0001auth=Bearer TOKEN\u0001", "^A key=value pairs ^A^A")]
    [InlineData("n,,\u0001host=x\u0001\u0001", "missing auth=Bearer")]
    [InlineData("\u0001", "GS2 header")] // the dummy response is not a first message
    public void OAUTHBEARER_refuses_malformed_messages(string message, string expected)
    {
        var step = new OAuthBearerMechanism(null, null).Next(B(message.Replace("TOKEN", Token, StringComparison.Ordinal)));
        Assert.Equal(SaslStepKind.Malformed, step.Kind);
        Assert.Contains(expected, step.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OAUTHBEARER_error_challenge_follows_RFC7628_section_3_2_2()
    {
        var m = new OAuthBearerMechanism("scope_all", "https://psc.test/.well-known/openid-configuration");
        using var invalid = JsonDocument.Parse(m.FailureChallenge(AuthResult.Fail(AuthFailure.InvalidCredentials, "expired"))!);
        Assert.Equal("invalid_token", invalid.RootElement.GetProperty("status").GetString());
        Assert.Equal("scope_all", invalid.RootElement.GetProperty("scope").GetString());
        Assert.Equal("https://psc.test/.well-known/openid-configuration", invalid.RootElement.GetProperty("openid-configuration").GetString());
        using var scope = JsonDocument.Parse(m.FailureChallenge(AuthResult.Fail(AuthFailure.InsufficientScope, "no scope"))!);
        Assert.Equal("insufficient_scope", scope.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Every_mechanism_refuses_oversized_input_without_reading_it_all()
    {
        var huge = new byte[SaslServerMechanism.MaxResponseLength + 1];
        huge.AsSpan().Fill((byte)'A');
        Assert.Equal(SaslStepKind.Malformed, new XOAuth2Mechanism(null).Next(huge).Kind);
        Assert.Equal(SaslStepKind.Malformed, new OAuthBearerMechanism(null, null).Next(huge).Kind);
        Assert.Equal(SaslStepKind.Malformed, new LoginMechanism().Next(huge).Kind);
    }

    /// <summary>Every truncation of a valid message is either refused as malformed or still parses: never an exception.</summary>
    [Fact]
    public void Every_prefix_of_a_valid_message_is_handled()
    {
        var cases = new (Func<SaslServerMechanism> Make, string Message)[]
        {
            (() => new PlainMechanism(), "authz@x.test\0jean@x.test\0pässwörd"),
            (() => new XOAuth2Mechanism(null), $"user=jean@x.test\u0001auth=Bearer {Token}\u0001\u0001"),
            (() => new OAuthBearerMechanism(null, null), $"n,a=jean=2C@x.test,\u0001host=h\u0001auth=Bearer {Token}\u0001\u0001"),
            (() => new ExternalMechanism(), "dpi@x.test"),
        };
        foreach (var (make, message) in cases)
        {
            var bytes = B(message);
            for (var n = 0; n < bytes.Length; n++)
            {
                var step = make().Next(bytes.AsSpan(0, n));
                Assert.True(step.Kind is SaslStepKind.Malformed or SaslStepKind.Credentials, $"{make().Name} prefix {n}: {step.Kind}");
            }

            Assert.Equal(SaslStepKind.Credentials, make().Next(bytes).Kind);
        }
    }

    [Theory]
    [InlineData("=", true, SaslLineKind.Data, 0)] // RFC 4954 §4: "=" is an empty initial response
    [InlineData("", false, SaslLineKind.Data, 0)]
    [InlineData("*", false, SaslLineKind.Cancel, 0)]
    [InlineData("AGEAYg==", false, SaslLineKind.Data, 4)]
    [InlineData("not base64!", false, SaslLineKind.Invalid, 0)]
    [InlineData("AGEAYg=", false, SaslLineKind.Invalid, 0)]
    public void SASL_lines_decode_as_RFC4954_says(string line, bool initial, SaslLineKind kind, int length)
    {
        Assert.Equal(kind, SaslBase64.Decode(Encoding.ASCII.GetBytes(line), initial, out var decoded));
        Assert.Equal(length, decoded.Length);
    }
}
