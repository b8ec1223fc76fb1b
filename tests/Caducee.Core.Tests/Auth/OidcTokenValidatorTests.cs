// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth.Oidc;
using Microsoft.IdentityModel.Tokens;

namespace Caducee.Core.Tests.Auth;

/// <summary>JWT access-token validation against the configured OpenID Connect issuer (REQ-13).</summary>
public sealed class OidcTokenValidatorTests : IDisposable
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryIssuer _issuer = new();
    private readonly SigningKey _rsa = SigningKey.Rsa("rsa-1");

    public OidcTokenValidatorTests() => _issuer.Published.Add(_rsa);

    public void Dispose() => _rsa.Dispose();

    private OidcTokenValidator Validator(OidcOptions? options = null) => new(options ?? Tokens.Options(), _issuer, _clock);

    private async Task<TokenCheck> Check(string token, OidcOptions? options = null)
    {
        using var v = Validator(options);
        return await v.ValidateAsync(token, default);
    }

    [Fact]
    public async Task A_valid_RS256_token_gives_the_RPPS_from_SubjectNameID()
    {
        var check = await Check(_rsa.Token(_clock.Now));
        Assert.Equal(TokenVerdict.Valid, check.Verdict);
        Assert.Equal(Tokens.Rpps, check.Rpps); // idNatPS "8" + RPPS → RPPS
    }

    [Fact]
    public async Task ES256_and_PS256_are_accepted_too()
    {
        using var ec = SigningKey.Ec("ec-1");
        using var pss = SigningKey.Rsa("pss-1", SecurityAlgorithms.RsaSsaPssSha256);
        _issuer.Published.AddRange([ec, pss]);
        Assert.Equal(TokenVerdict.Valid, (await Check(ec.Token(_clock.Now))).Verdict);
        Assert.Equal(TokenVerdict.Valid, (await Check(pss.Token(_clock.Now))).Verdict);
    }

    [Fact]
    public async Task An_expired_token_is_refused_beyond_the_clock_skew_REQ13()
    {
        var token = _rsa.Token(_clock.Now.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(9)); // expired 1 min ago
        Assert.Equal(TokenVerdict.Valid, (await Check(token)).Verdict); // within the 60 s skew
        _clock.Advance(TimeSpan.FromSeconds(61));
        var check = await Check(token);
        Assert.Equal(TokenVerdict.Invalid, check.Verdict);
        Assert.Contains("expired", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_not_yet_valid_is_refused()
    {
        var check = await Check(_rsa.Token(_clock.Now, notBefore: _clock.Now.AddMinutes(5)));
        Assert.Equal(TokenVerdict.Invalid, check.Verdict);
        Assert.Contains("not valid yet", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_audience_and_wrong_issuer_are_refused()
    {
        var audience = await Check(_rsa.Token(_clock.Now, audience: "another-service"));
        Assert.Equal(TokenVerdict.Invalid, audience.Verdict);
        Assert.Contains("audience", audience.Reason, StringComparison.Ordinal);
        var issuer = await Check(_rsa.Token(_clock.Now, issuer: "https://evil.test/realms/x"));
        Assert.Equal(TokenVerdict.Invalid, issuer.Verdict);
        Assert.Contains("issuer", issuer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_the_required_scope_is_insufficient_scope()
    {
        var check = await Check(_rsa.Token(_clock.Now, scope: "openid profile"));
        Assert.Equal(TokenVerdict.InsufficientScope, check.Verdict);
        Assert.Contains("scope_all", check.Reason, StringComparison.Ordinal);
        Assert.Equal(TokenVerdict.Valid, (await Check(_rsa.Token(_clock.Now, scope: "openid"), Tokens.Options() with { Scope = "" })).Verdict);
    }

    [Fact]
    public async Task A_tampered_payload_fails_the_signature()
    {
        var parts = _rsa.Token(_clock.Now, rpps: "10100000001").Split('.');
        var forged = Tokens.B64(Tokens.Payload(_clock.Now, rpps: "10109999999"));
        var check = await Check($"{parts[0]}.{forged}.{parts[2]}");
        Assert.Equal(TokenVerdict.Invalid, check.Verdict);
        Assert.Contains("signature", check.Reason, StringComparison.Ordinal);

        using var stranger = SigningKey.Rsa("rsa-1"); // same kid, other key
        Assert.Equal(TokenVerdict.Invalid, (await Check(stranger.Token(_clock.Now))).Verdict);
    }

    [Fact]
    public async Task Alg_none_and_HMAC_algorithm_confusion_are_refused()
    {
        var none = await Check(Tokens.Unsigned(_clock.Now));
        Assert.Equal(TokenVerdict.Invalid, none.Verdict);
        Assert.Contains("'none' is not accepted", none.Reason, StringComparison.Ordinal);
        var hmac = await Check(Tokens.HmacWithPublicKey(_clock.Now, _rsa));
        Assert.Equal(TokenVerdict.Invalid, hmac.Verdict);
        Assert.Contains("'HS256' is not accepted", hmac.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d.e")] // JWE compact serialization: not accepted
    [InlineData("!!!.@@@.###")]
    public async Task Malformed_tokens_are_invalid_not_exceptions(string token)
    {
        Assert.Equal(TokenVerdict.Invalid, (await Check(token)).Verdict);
    }

    [Fact]
    public async Task A_token_over_the_size_limit_is_refused_before_parsing()
    {
        var check = await Check(new string('a', 20_000));
        Assert.Equal(TokenVerdict.Invalid, check.Verdict);
        Assert.Contains("longer than", check.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _issuer.Gets);
    }

    [Fact]
    public async Task The_RPPS_claim_is_configurable_and_required()
    {
        var missing = await Check(_rsa.Token(_clock.Now, rppsClaim: ""));
        Assert.Equal(TokenVerdict.Invalid, missing.Verdict);
        Assert.Contains("'SubjectNameID'", missing.Reason, StringComparison.Ordinal);
        var other = await Check(_rsa.Token(_clock.Now, rppsClaim: "preferred_username"), Tokens.Options() with { RppsClaim = "preferred_username" });
        Assert.Equal(Tokens.Rpps, other.Rpps);
    }

    [Fact]
    public async Task An_unknown_kid_refreshes_the_JWKS_once_then_the_refresh_is_bounded()
    {
        using var v = Validator();
        Assert.Equal(TokenVerdict.Valid, (await v.ValidateAsync(_rsa.Token(_clock.Now), default)).Verdict);
        Assert.Equal(1, v.Keys.Fetches);
        Assert.Equal(TokenVerdict.Valid, (await v.ValidateAsync(_rsa.Token(_clock.Now), default)).Verdict);
        Assert.Equal(1, v.Keys.Fetches); // cached

        // The issuer rotates its key: a token with the new kid triggers one refresh.
        _clock.Advance(TimeSpan.FromMinutes(5));
        using var rotated = SigningKey.Rsa("rsa-2");
        _issuer.Published.Add(rotated);
        Assert.Equal(TokenVerdict.Valid, (await v.ValidateAsync(rotated.Token(_clock.Now), default)).Verdict);
        Assert.Equal(2, v.Keys.Fetches);

        // Tokens naming kids the issuer never published cannot make us fetch more than once per interval.
        using var bogus = SigningKey.Rsa("bogus");
        for (var i = 0; i < 5; i++)
        {
            var check = await v.ValidateAsync(bogus.Token(_clock.Now), default);
            Assert.Equal(TokenVerdict.Invalid, check.Verdict);
            Assert.Contains("does not publish", check.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(2, v.Keys.Fetches); // the rotation refresh just happened: no other fetch within 30 s
        _clock.Advance(TimeSpan.FromSeconds(31));
        for (var i = 0; i < 5; i++)
        {
            await v.ValidateAsync(bogus.Token(_clock.Now), default);
        }

        Assert.Equal(3, v.Keys.Fetches); // one more fetch, not five
    }

    [Fact]
    public async Task An_unreachable_issuer_is_temporary_and_the_last_good_keys_stay_in_use()
    {
        _issuer.Down = true;
        using (var v = Validator())
        {
            var check = await v.ValidateAsync(_rsa.Token(_clock.Now), default);
            Assert.Equal(TokenVerdict.Unavailable, check.Verdict);
            Assert.Contains("connection refused", check.Reason, StringComparison.Ordinal);
        }

        _issuer.Down = false;
        using var cached = Validator();
        Assert.Equal(TokenVerdict.Valid, (await cached.ValidateAsync(_rsa.Token(_clock.Now), default)).Verdict);
        _issuer.Down = true;
        _clock.Advance(TimeSpan.FromHours(2)); // keys are stale; the refresh fails; the last good keys are used
        Assert.Equal(TokenVerdict.Valid, (await cached.ValidateAsync(_rsa.Token(_clock.Now), default)).Verdict);
    }

    [Fact]
    public async Task A_discovery_document_for_another_issuer_is_not_trusted()
    {
        _issuer.DiscoveryIssuer = "https://evil.test";
        var check = await Check(_rsa.Token(_clock.Now));
        Assert.Equal(TokenVerdict.Unavailable, check.Verdict);
        Assert.Contains("names issuer 'https://evil.test'", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Weak_or_unusable_keys_in_the_JWKS_are_ignored()
    {
        _issuer.Published.Clear();
        using var weak = SigningKey.Rsa("rsa-1", bits: 1024);
        _issuer.Published.Add(weak);
        var check = await Check(_rsa.Token(_clock.Now));
        Assert.Equal(TokenVerdict.Unavailable, check.Verdict);
        Assert.Contains("no RSA (2048 bits or more)", check.Reason, StringComparison.Ordinal);
    }
}
