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
