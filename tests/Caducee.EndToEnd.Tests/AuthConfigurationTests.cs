// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Hosting.Configuration;

namespace Caducee.EndToEnd.Tests;

/// <summary>The Auth:* and Psc:* keys (REQ-15 production defaults; wrong values name the key).</summary>
public sealed class AuthConfigurationTests
{
    private static OperatorAuthSettings Read(params (string Key, string Value)[] values) =>
        NodeSettings.Auth(NodeSettings.Build(null, values.ToDictionary(v => v.Key, v => (string?)v.Value)), Path.GetTempPath());

    [Fact]
    public void Defaults_follow_REQ15_no_PER_passwords_and_no_token_issuer()
    {
        var auth = Read();
        Assert.True(auth.Options.PasswordMethods);
        Assert.False(auth.Options.PasswordForPer);
        Assert.True(auth.Options.External);
        Assert.Null(auth.Oidc);
    }

    [Fact]
    public async Task The_file_written_by_init_documents_the_Auth_keys_with_their_defaults()
    {
        var dir = Directory.CreateTempSubdirectory("caducee-authcfg-");
        try
        {
            Assert.Equal(0, (await Infrastructure.CaduceeProcess.RunAsync("init", "--domain", "clinique.mssante.test", "--data", dir.FullName)).ExitCode);
            var file = Path.Combine(dir.FullName, "caducee.json");
            Assert.Contains("\"PasswordForPer\": false", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            var auth = NodeSettings.Auth(NodeSettings.Build(file), dir.FullName);
            Assert.Equal((true, false, true), (auth.Options.PasswordMethods, auth.Options.PasswordForPer, auth.Options.External));
            Assert.Null(auth.Oidc);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_OIDC_issuer_takes_audience_scope_and_RPPS_claim()
    {
        var auth = Read(("Auth:PasswordForPer", "true"), ("Auth:Oidc:Issuer", "https://auth.esante.gouv.fr/auth/realms/esante-wallet"), ("Auth:Oidc:Audience", "mss-operateur"), ("Auth:Oidc:RppsClaim", "preferred_username"));
        Assert.True(auth.Options.PasswordForPer);
        Assert.Equal("https://auth.esante.gouv.fr/auth/realms/esante-wallet", auth.Oidc!.Issuer);
        Assert.Equal("https://auth.esante.gouv.fr/auth/realms/esante-wallet/.well-known/openid-configuration", auth.Oidc.DiscoveryUrl.ToString());
        Assert.Equal(("mss-operateur", "scope_all", "preferred_username"), (auth.Oidc.Audience, auth.Oidc.Scope, auth.Oidc.RppsClaim));
        Assert.Null(auth.OidcTrustBundle);
    }

    [Fact]
    public void The_authoritys_test_PSC_is_off_unless_enabled_and_then_needs_a_client_secret()
    {
        var dir = Directory.CreateTempSubdirectory("caducee-psccfg-");
        try
        {
            foreach (var f in new[] { "a.pem", "a.key", "ca.pem", "lb.xml" })
            {
                File.WriteAllText(Path.Combine(dir.FullName, f), "x");
            }

            Dictionary<string, string?> baseKeys = new()
            {
                ["Role"] = "authority", ["Listen:Https"] = "127.0.0.1:0", ["Tls:Certificate"] = "a.pem", ["Tls:Key"] = "a.key",
                ["Tls:TrustBundle"] = "ca.pem", ["Authority:WhitelistFile"] = "lb.xml",
            };
            Assert.Null(NodeSettings.Authority(NodeSettings.Build(null, baseKeys), dir.FullName).Psc);

            baseKeys["Psc:Enabled"] = "true";
            var missing = Assert.Throws<ConfigurationException>(() => NodeSettings.Authority(NodeSettings.Build(null, baseKeys), dir.FullName));
            Assert.StartsWith("configuration error: Psc:ClientSecret: missing", missing.Message, StringComparison.Ordinal);

            baseKeys["Psc:ClientSecret"] = "s3cret";
            baseKeys["Psc:Scopes"] = "openid mssante";
            baseKeys["Psc:TokenLifetime"] = "00:05:00";
            var psc = NodeSettings.Authority(NodeSettings.Build(null, baseKeys), dir.FullName).Psc!;
            Assert.Equal(("caducee-mssante", "caducee-test-client", "s3cret", TimeSpan.FromMinutes(5)), (psc.Audience, psc.ClientId, psc.ClientSecret, psc.TokenLifetime));
            Assert.Equal(["openid", "mssante"], psc.Scopes!);
            Assert.Null(psc.Issuer);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Auth:PasswordForPer", "maybe", "configuration error: Auth:PasswordForPer: 'maybe' is not a boolean; expected true or false")]
    [InlineData("Auth:Oidc:Issuer", "http://psc.test", "configuration error: Auth:Oidc:Issuer: 'http://psc.test' is not an https URL")]
    [InlineData("Auth:Oidc:Issuer", "https://psc.test", "configuration error: Auth:Oidc:Audience: missing")]
    public void Wrong_values_name_the_key(string key, string value, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Read((key, value)));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
