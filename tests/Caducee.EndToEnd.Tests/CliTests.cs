// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 2, point 3: the verbs, their help, and configuration errors that say what to fix.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(new string[0], new[] { "demo", "serve", "init", "mailbox", "version" })]
    [InlineData(new[] { "demo" }, new[] { "--data", "--base-port" })]
    [InlineData(new[] { "serve" }, new[] { "--config", "--data" })]
    [InlineData(new[] { "init" }, new[] { "--domain", "--data" })]
    [InlineData(new[] { "mailbox" }, new[] { "add", "list", "remove" })]
    [InlineData(new[] { "mailbox", "add" }, new[] { "--kind", "--data", "--password-stdin" })]
    [InlineData(new[] { "mailbox", "list" }, new[] { "--data" })]
    [InlineData(new[] { "mailbox", "remove" }, new[] { "--data" })]
    [InlineData(new[] { "version" }, new string[0])]
    public async Task Every_verb_has_help(string[] verb, string[] mentions)
    {
        var (code, stdout, _) = await CaduceeProcess.RunAsync([.. verb, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        foreach (var m in mentions)
        {
            Assert.Contains(m, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Version_prints_the_product_and_runtime()
    {
        var (code, stdout, _) = await CaduceeProcess.RunAsync("version");
        Assert.Equal(0, code);
        Assert.StartsWith("caducee ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_then_mailbox_add_list_remove_manage_a_data_folder()
    {
        var data = Path.Combine(_dir.FullName, "data");
        var init = await CaduceeProcess.RunAsync("init", "--domain", "clinique.mssante.test", "--data", data);
        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(Path.Combine(data, "caducee.json")));
        Assert.True(File.Exists(Path.Combine(data, "caducee.db")));

        var add = await CaduceeProcess.RunAsync("mailbox", "add", "dr.petit@clinique.mssante.test", "--kind", "PER", "--name", "Dr Paul PETIT", "--data", data);
        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Password (shown once): ", add.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await CaduceeProcess.RunAsync("mailbox", "add", "dr.petit@clinique.mssante.test", "--kind", "ORG", "--data", data)).ExitCode);

        var list = await CaduceeProcess.RunAsync("mailbox", "list", "--data", data);
        Assert.Contains("dr.petit@clinique.mssante.test", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("PER  active", list.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "remove", "dr.petit@clinique.mssante.test", "--data", data)).ExitCode);
        Assert.Contains("closed", (await CaduceeProcess.RunAsync("mailbox", "list", "--data", data)).Stdout, StringComparison.Ordinal);
        var missing = await CaduceeProcess.RunAsync("mailbox", "remove", "nobody@clinique.mssante.test", "--data", data);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no mailbox nobody@clinique.mssante.test", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mailbox_add_says_what_to_fix()
    {
        var data = Path.Combine(_dir.FullName, "empty");
        var badAddress = await CaduceeProcess.RunAsync("mailbox", "add", "not-an-address", "--data", data);
        Assert.Equal(2, badAddress.ExitCode);
        Assert.Contains("expected local-part@domain", badAddress.Stderr, StringComparison.Ordinal);
        var unknownDomain = await CaduceeProcess.RunAsync("mailbox", "add", "a@nowhere.mssante.test", "--data", data);
        Assert.Equal(2, unknownDomain.ExitCode);
        Assert.Contains("run 'caducee init --domain nowhere.mssante.test", unknownDomain.Stderr, StringComparison.Ordinal);
        var badKind = await CaduceeProcess.RunAsync("mailbox", "add", "a@b.fr", "--kind", "XYZ", "--data", data);
        Assert.NotEqual(0, badKind.ExitCode);
    }

    [Fact]
    public async Task A_wrong_configuration_value_stops_with_one_line_naming_the_key()
    {
        var config = Path.Combine(_dir.FullName, "bad.json");
        await File.WriteAllTextAsync(config, """{ "Domain": "hopital.mssante.test", "Listen": { "Mx": "not-an-endpoint" } }""");
        var (code, _, stderr) = await CaduceeProcess.RunAsync("serve", "--config", config);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("configuration error: Listen:Mx: 'not-an-endpoint' is not a valid endpoint; expected ip:port, e.g. 0.0.0.0:25 or 127.0.0.1:2525 (port 0 picks a free port)", line);
    }

    [Fact]
    public async Task Environment_variables_override_the_file_and_are_validated_too()
    {
        var config = Path.Combine(_dir.FullName, "ok.json");
        await File.WriteAllTextAsync(config, """{ "Domain": "hopital.mssante.test" }""");
        using var p = CaduceeProcess.Start(["serve", "--config", config], new Dictionary<string, string> { ["CADUCEE__Domain"] = "bad domain!" });
        Assert.Equal(2, await p.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("configuration error: Domain: 'bad domain!' is not a valid domain name", p.Stderr, StringComparison.Ordinal);

        var missing = await CaduceeProcess.RunAsync("serve", "--config", Path.Combine(_dir.FullName, "absent.json"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--config: file", missing.Stderr, StringComparison.Ordinal);
    }
}
