// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Hosting.Configuration;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 7 point 6: the operator's Annuaire publication settings (Annuaire:PublicationUrl, the switch, the interval).</summary>
public sealed class PublicationSettingsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-settings-");

    public void Dispose() => _dir.Delete(recursive: true);

    private OperatorSettings Operator(params (string Key, string Value)[] values)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Domain"] = "hopital.mssante.test",
            ["Whitelist:Url"] = "https://authority.test/listeblanchemssante.xml",
        };
        foreach (var name in new[] { "Certificate", "Key", "ClientCertificate", "ClientKey", "TrustBundle" })
        {
            var file = Path.Combine(_dir.FullName, name + ".pem");
            File.WriteAllText(file, "-");
            overrides["Tls:" + name] = file;
        }

        foreach (var (key, value) in values)
        {
            overrides[key] = value;
        }

        return NodeSettings.Operator(NodeSettings.Build(null, overrides), _dir.FullName);
    }

    [Fact]
    public void Publication_is_on_when_the_url_is_set_and_the_switch_turns_it_off()
    {
        Assert.Null(Operator().Publication);
        var on = Operator(("Annuaire:PublicationUrl", "https://annuaire.test/fhir")).Publication!;
        Assert.Equal((new Uri("https://annuaire.test/fhir"), TimeSpan.FromMinutes(1)), (on.Url, on.Interval));
        Assert.Equal(TimeSpan.FromSeconds(5), Operator(("Annuaire:PublicationUrl", "https://annuaire.test/fhir"), ("Annuaire:PublicationInterval", "00:00:05")).Publication!.Interval);
        Assert.Null(Operator(("Annuaire:PublicationUrl", "https://annuaire.test/fhir"), ("Annuaire:Publish", "false")).Publication);
    }

    [Theory]
    [InlineData("http://annuaire.test/fhir", null, "Annuaire:PublicationUrl", "not an https URL")]
    [InlineData("", "true", "Annuaire:PublicationUrl", "missing while Annuaire:Publish is true")]
    [InlineData("https://annuaire.test/fhir", "yes", "Annuaire:Publish", "not a boolean")]
    public void A_wrong_publication_setting_names_its_key(string url, string? publish, string key, string problem)
    {
        var values = new List<(string, string)> { ("Annuaire:PublicationUrl", url) };
        if (publish is not null)
        {
            values.Add(("Annuaire:Publish", publish));
        }

        var ex = Assert.Throws<ConfigurationException>(() => Operator([.. values]));
        Assert.Equal(key, ex.Key);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }
}
