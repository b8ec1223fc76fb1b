// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Hosting.Configuration;

namespace Caducee.Imap.Server.Tests;

/// <summary>The IMAP configuration keys (Imap:*, Listen:Imaps): read, defaulted, and refused with one line naming the key.</summary>
public sealed class SettingsTests
{
    private static ImapSettings Read(params (string Key, string Value)[] values) =>
        NodeSettings.Imap(NodeSettings.Build(null, values.ToDictionary(v => v.Key, v => (string?)v.Value)));

    [Fact]
    public void Defaults_keep_the_server_defaults()
    {
        var settings = Read();
        Assert.Equal(20, settings.MaxConnectionsPerUser);
        Assert.Null(settings.IdleTimeout);
        Assert.Null(settings.PreAuthTimeout);
        Assert.Equal(64 * 1024, settings.MaxLineLength);
        Assert.Equal(20, settings.MaxErrors);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Read(
            ("Imap:MaxConnectionsPerUser", "0"),
            ("Imap:IdleTimeout", "01:00:00"),
            ("Imap:PreAuthTimeout", "00:00:30"),
            ("Imap:CommandTimeout", "00:05:00"),
            ("Imap:MaxLineLength", "8192"),
            ("Imap:MaxErrors", "5"));
        Assert.Equal(new ImapSettings(0, TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), 8192, 5), settings);
    }

    [Fact]
    public void An_operator_reads_Listen_Imaps_next_to_Listen_Imap_and_its_Imap_keys()
    {
        var dir = Directory.CreateTempSubdirectory("caducee-imap-settings-");
        try
        {
            var overrides = new Dictionary<string, string?>
            {
                ["Domain"] = "cabinet.mssante.test",
                ["Whitelist:Url"] = "https://authority.test/listeblanchemssante.xml",
                ["Listen:Imap"] = "127.0.0.1:1143",
                ["Listen:Imaps"] = "127.0.0.1:1993",
                ["Imap:MaxConnectionsPerUser"] = "3",
            };
            foreach (var name in new[] { "Certificate", "Key", "ClientCertificate", "ClientKey", "TrustBundle" })
            {
                var file = Path.Combine(dir.FullName, name + ".pem");
                File.WriteAllText(file, "-");
                overrides["Tls:" + name] = file;
            }

            var settings = NodeSettings.Operator(NodeSettings.Build(null, overrides), dir.FullName);
            Assert.Equal(1143, settings.Listen.Imap!.Port);
            Assert.Equal(1993, settings.Listen.Imaps!.Port);
            Assert.Equal(3, settings.Imap!.MaxConnectionsPerUser);
            overrides["Listen:Imaps"] = "993";
            var error = Assert.Throws<ConfigurationException>(() => NodeSettings.Operator(NodeSettings.Build(null, overrides), dir.FullName));
            Assert.StartsWith("configuration error: Listen:Imaps: '993' is not a valid endpoint", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Imap:IdleTimeout", "00:10:00", "Imap:IdleTimeout: '00:10:00' is shorter than 30 minutes; expected at least 00:30:00: RFC 9051 §5.4 forbids an earlier autologout")]
    [InlineData("Imap:MaxConnectionsPerUser", "-1", "Imap:MaxConnectionsPerUser: '-1' is not allowed; expected a number of connections, e.g. 20 (0: no limit)")]
    [InlineData("Imap:MaxLineLength", "100", "Imap:MaxLineLength: '100' is not allowed; expected octets, at least 1024, e.g. 65536")]
    [InlineData("Imap:MaxErrors", "many", "Imap:MaxErrors: 'many' is not allowed; expected a number of errors, e.g. 20")]
    [InlineData("Imap:PreAuthTimeout", "soon", "Imap:PreAuthTimeout: 'soon' is not a positive duration; expected hh:mm:ss, e.g. 01:00:00")]
    public void A_wrong_value_names_the_key_and_what_is_expected(string key, string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => Read((key, value)));
        Assert.Equal("configuration error: " + message, error.Message);
    }
}
