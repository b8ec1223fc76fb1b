// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Policy;
using Caducee.Hosting.Configuration;

namespace Caducee.Smtp.Server.Tests;

/// <summary>The SMTP inbound configuration keys: read, defaulted, and refused with one line naming the key.</summary>
public sealed class SettingsTests
{
    private static SmtpInboundSettings Read(params (string Key, string Value)[] values) =>
        NodeSettings.Inbound(NodeSettings.Build(null, values.ToDictionary(v => v.Key, v => (string?)v.Value)));

    [Fact]
    public void Defaults_are_the_RFC_and_REQ_18_ones()
    {
        var settings = Read();
        Assert.Empty(settings.CrlUrls);
        Assert.Equal(TimeSpan.FromHours(1), settings.CrlInterval);
        Assert.Equal(1000, settings.MaxLineLength);
        Assert.Null(settings.Antivirus);
        Assert.Equal(("patient.mssante.fr", 25_000_000L), settings.DestinationLimits.Find("patient.mssante.fr"));
        Assert.Null(settings.Timeouts.Command);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = Read(
            ("Crl:Urls:0", "http://igc-sante.esante.gouv.fr/CRL/ACI-EL-ORG.crl"),
            ("Crl:Urls:1", "https://127.0.0.1:8443/pki/crl/organisations.crl"),
            ("Crl:Interval", "00:30:00"),
            ("Limits:MaxLineLength", "0"),
            ("Limits:DestinationMaxSize:patient.mssante.fr", "20000000"),
            ("Limits:DestinationMaxSize:labo.mssante.fr", "5000000"),
            ("Antivirus:Clamd", "/run/clamav/clamd.ctl"),
            ("Antivirus:Timeout", "00:00:20"),
            ("Antivirus:FailOpen", "true"),
            ("Smtp:Timeouts:Command", "00:01:00"),
            ("Smtp:Timeouts:DataTermination", "00:02:00"));
        Assert.Equal(2, settings.CrlUrls.Count);
        Assert.Equal(TimeSpan.FromMinutes(30), settings.CrlInterval);
        Assert.Equal(0, settings.MaxLineLength);
        Assert.Equal(20_000_000L, settings.DestinationLimits.Find("patient.mssante.fr")!.Value.Limit);
        Assert.Equal(("labo.mssante.fr", 5_000_000L), settings.DestinationLimits.Find("site2.labo.mssante.fr"));
        Assert.Null(settings.DestinationLimits.Find("mssante.fr"));
        Assert.Equal("/run/clamav/clamd.ctl", settings.Antivirus!.Clamd.SocketPath);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.Antivirus.Timeout);
        Assert.True(settings.Antivirus.FailOpen);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.Timeouts.Command);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.Timeouts.DataTermination);
        Assert.Equal(("127.0.0.1", 3310), (Read(("Antivirus:Clamd", "127.0.0.1:3310")).Antivirus!.Clamd.Host, 3310));
        Assert.Equal(2, Read(("Crl:Urls", "http://a.test/1.crl, http://a.test/2.crl")).CrlUrls.Count);
    }

    [Theory]
    [InlineData("Crl:Urls:0", "ftp://igc/x.crl", "Crl:Urls: 'ftp://igc/x.crl' is not an http or https URL")]
    [InlineData("Crl:Interval", "soon", "Crl:Interval: 'soon' is not a positive duration")]
    [InlineData("Antivirus:Clamd", "clamd.sock", "Antivirus:Clamd: 'clamd.sock' is neither an absolute unix socket path nor host:port")]
    [InlineData("Antivirus:FailOpen", "maybe", "Antivirus:FailOpen: 'maybe' is not a boolean")]
    [InlineData("Limits:MaxLineLength", "20", "Limits:MaxLineLength: '20' is not a line length")]
    [InlineData("Limits:DestinationMaxSize:patient.mssante.fr", "25MB", "Limits:DestinationMaxSize:patient.mssante.fr: '25MB' is not a positive number of octets")]
    [InlineData("Smtp:Timeouts:Rcpt", "-00:01:00", "Smtp:Timeouts:Rcpt: '-00:01:00' is not a positive duration")]
    public void A_wrong_value_names_its_key(string key, string value, string expected)
    {
        // The antivirus keys are read when clamd is configured.
        var error = Assert.Throws<ConfigurationException>(() => key.StartsWith("Antivirus:F", StringComparison.Ordinal) ? Read(("Antivirus:Clamd", "/run/clamd.sock"), (key, value)) : Read((key, value)));
        Assert.StartsWith("configuration error: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Destination_limits_match_the_domain_and_its_sub_domains_most_specific_first()
    {
        var limits = new DestinationSizeLimits(new Dictionary<string, long> { ["mssante.fr"] = 30, ["patient.mssante.fr"] = 10 });
        Assert.Equal(("patient.mssante.fr", 10L), limits.Find("PATIENT.mssante.fr"));
        Assert.Equal(("mssante.fr", 30L), limits.Find("hopital.mssante.fr"));
        Assert.Null(limits.Find("example.org"));
        Assert.Equal("25,000,000 octets (25 MB)", DestinationSizeLimits.Describe(25_000_000));
    }
}

/// <summary>The outbound queue and routing keys (issue 5 point 5): read, defaulted, and refused with one line naming the key.</summary>
public sealed class QueueSettingsTests
{
    private static Microsoft.Extensions.Configuration.IConfiguration Config(params (string Key, string Value)[] values) =>
        NodeSettings.Build(null, values.ToDictionary(v => v.Key, v => (string?)v.Value));

    [Fact]
    public void Defaults_are_five_days_a_notice_after_four_hours_sessions_reused_and_DNS_from_resolv_conf()
    {
        var queue = NodeSettings.Queue(Config());
        Assert.Equal((TimeSpan.FromDays(5), TimeSpan.FromHours(1), TimeSpan.FromHours(4)), (queue.MaxLifetime, queue.MaxRetryDelay, queue.DelayNotice));
        Assert.Equal((TimeSpan.FromSeconds(30), 4, 100), (queue.ConnectionIdleTimeout, queue.MaxConnectionsPerDestination, queue.MaxTransactionsPerConnection));
        Assert.Equal((TimeSpan.FromMinutes(10), Environment.MachineName), (queue.Lease, queue.NodeId));
        var routing = NodeSettings.Routing(Config());
        Assert.Equal((DnsMode.System, 25, true), (routing.Dns, routing.Port, routing.Ipv6));
        Assert.Null(routing.Timeout);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var queue = NodeSettings.Queue(Config(
            ("Queue:MaxLifetime", "3.00:00:00"), ("Queue:MaxRetryDelay", "00:30:00"), ("Queue:DelayNotice", "off"),
            ("Queue:ConnectionIdleTimeout", "00:00:05"), ("Queue:MaxConnectionsPerDestination", "2"), ("Queue:MaxTransactionsPerConnection", "50"),
            ("Queue:Lease", "00:02:00"), ("Queue:NodeId", "mx-2")));
        Assert.Equal(new QueueSettings(TimeSpan.FromDays(3), TimeSpan.FromMinutes(30), TimeSpan.Zero, TimeSpan.FromSeconds(5), 2, 50, TimeSpan.FromMinutes(2), "mx-2"), queue);

        var servers = NodeSettings.Routing(Config(("Routing:Dns:0", "192.0.2.53"), ("Routing:Dns:1", "127.0.0.1:5353"), ("Routing:Dns:2", "[2001:db8::53]:53"), ("Routing:Port", "2525"), ("Routing:DnsTimeout", "00:00:02"), ("Routing:DnsAttempts", "3"), ("Routing:Ipv6", "false")));
        Assert.Equal(DnsMode.Servers, servers.Dns);
        Assert.Equal(["192.0.2.53:53", "127.0.0.1:5353", "[2001:db8::53]:53"], servers.Servers.Select(s => s.ToString()));
        Assert.Equal((2525, TimeSpan.FromSeconds(2), 3, false), (servers.Port, servers.Timeout, servers.Attempts, servers.Ipv6));
        Assert.Equal(DnsMode.Off, NodeSettings.Routing(Config(("Routing:Dns", "off"))).Dns);
        Assert.Equal(DnsMode.System, NodeSettings.Routing(Config(("Routing:Dns", "system"))).Dns);
    }

    [Theory]
    [InlineData("Queue:MaxLifetime", "forever", "Queue:MaxLifetime: 'forever' is not a positive duration")]
    [InlineData("Queue:DelayNotice", "6.00:00:00", "Queue:DelayNotice: '6.00:00:00' is not shorter than Queue:MaxLifetime")]
    [InlineData("Queue:MaxConnectionsPerDestination", "0", "Queue:MaxConnectionsPerDestination: '0' is not a whole number from 1 to 100")]
    [InlineData("Routing:Dns", "dns.example", "Routing:Dns: 'dns.example' is not a DNS server address")]
    [InlineData("Routing:Port", "70000", "Routing:Port: '70000' is not a whole number from 1 to 65535")]
    [InlineData("Routing:Ipv6", "perhaps", "Routing:Ipv6: 'perhaps' is not a boolean")]
    public void A_wrong_value_names_its_key(string key, string value, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => key.StartsWith("Queue", StringComparison.Ordinal) ? NodeSettings.Queue(Config((key, value))) : NodeSettings.Routing(Config((key, value))));
        Assert.StartsWith("configuration error: " + expected, error.Message, StringComparison.Ordinal);
    }
}
