// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using Caducee.Core.Security;
using Caducee.Hosting.Configuration;
using Caducee.Smtp.Server.Tests.Infrastructure;

namespace Caducee.Smtp.Server.Tests;

/// <summary>Issue 5 point 2, REQ-10/REQ-12: TLS 1.2/1.3 only on every listener, and a configurable cipher allow-list.</summary>
public sealed class TlsPolicyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData(Listener.Mx)]
    [InlineData(Listener.Submission)]
    [InlineData(Listener.Submissions)]
    public async Task A_client_offering_only_TLS_1_1_fails_the_handshake_and_TLS_1_2_succeeds_REQ10(Listener listener)
    {
        var endpoint = fixture.Server.Endpoints[listener];
        var implicitTls = listener == Listener.Submissions;
        // SECLEVEL=0 lets this OpenSSL offer TLS 1.1: the refusal must come from the server.
        var old = await OpenSslClient.ConnectAsync(endpoint, implicitTls, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        Assert.False(old.HandshakeDone, old.Output);
        Assert.Contains("alert protocol version", old.Output, StringComparison.Ordinal);

        var current = await OpenSslClient.ConnectAsync(endpoint, implicitTls, "-tls1_2");
        Assert.True(current.HandshakeDone, current.Output);
        Assert.Contains("Protocol version: TLSv1.2", current.Output, StringComparison.Ordinal);
        Assert.Contains("Ciphersuite: ECDHE-ECDSA-AES256-GCM-SHA384", current.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_allow_list_refuses_CBC_suites_on_TLS_1_2()
    {
        var endpoint = fixture.Server.Endpoints[Listener.Mx];
        var cbc = await OpenSslClient.ConnectAsync(endpoint, false, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA");
        Assert.False(cbc.HandshakeDone, cbc.Output);
        Assert.Contains("alert handshake failure", cbc.Output, StringComparison.Ordinal);
        var chacha = await OpenSslClient.ConnectAsync(endpoint, false, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
        Assert.True(chacha.HandshakeDone, chacha.Output);
    }

    [Fact]
    public async Task A_configured_allow_list_is_what_the_listeners_accept()
    {
        var configuration = NodeSettings.Build(null, new Dictionary<string, string?>
        {
            ["Tls:CipherSuites:0"] = "TLS_AES_256_GCM_SHA384",
            ["Tls:CipherSuites:1"] = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        });
        var suites = NodeSettings.Inbound(configuration).CipherSuites;
        Assert.Equal([TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384], suites);
        await using var server = await SmtpTestServer.StartAsync(o => o with { Tls = new TlsPolicy(suites) });
        var endpoint = server.Endpoints[Listener.Submission];

        Assert.True((await OpenSslClient.ConnectAsync(endpoint, false, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384")).HandshakeDone);
        Assert.False((await OpenSslClient.ConnectAsync(endpoint, false, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")).HandshakeDone);
        var tls13 = await OpenSslClient.ConnectAsync(endpoint, false, "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384");
        Assert.True(tls13.HandshakeDone, tls13.Output);
        Assert.False((await OpenSslClient.ConnectAsync(endpoint, false, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")).HandshakeDone);
    }

    [Theory]
    [InlineData("TLS_RSA_WITH_AES_128_GCM_SHA256", "'TLS_RSA_WITH_AES_128_GCM_SHA256' is not allowed: only suites with forward secrecy and authenticated encryption")]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256' is not allowed")]
    [InlineData("ECDHE-ECDSA-AES256-GCM-SHA384", "'ECDHE-ECDSA-AES256-GCM-SHA384' is not a TLS cipher suite name; expected IANA names")]
    [InlineData("TLS_AES_256_GCM_SHA384, TLS_FANCY_NEW", "'TLS_FANCY_NEW' is not a TLS cipher suite name")]
    [InlineData("42", "'42' is not a TLS cipher suite name")]
    public void A_bad_suite_stops_the_start_with_an_error_naming_it(string value, string expected)
    {
        var configuration = NodeSettings.Build(null, new Dictionary<string, string?> { ["Tls:CipherSuites"] = value });
        var error = Assert.Throws<ConfigurationException>(() => NodeSettings.Inbound(configuration));
        Assert.Equal("Tls:CipherSuites", error.Key);
        Assert.StartsWith("configuration error: Tls:CipherSuites: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_configuration_the_default_is_ECDHE_with_AES_GCM_or_ChaCha20()
    {
        Assert.Null(NodeSettings.Inbound(NodeSettings.Build(null)).CipherSuites);
        Assert.True(TlsPolicy.TryParseCipherSuites(TlsPolicy.DefaultCipherSuites.Select(s => s.ToString()), out var parsed, out _));
        Assert.Equal(TlsPolicy.DefaultCipherSuites, parsed);
        Assert.All(parsed, s => Assert.Matches("^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$|^TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$", s.ToString()));
    }
}
