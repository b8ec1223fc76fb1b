// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 2, point 3: the verbs, their help, and configuration errors that say what to fix.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(new string[0], new[] { "demo", "serve", "init", "mailbox", "mime", "directory", "version" })]
    [InlineData(new[] { "demo" }, new[] { "--data", "--base-port" })]
    [InlineData(new[] { "serve" }, new[] { "--config", "--data" })]
    [InlineData(new[] { "init" }, new[] { "--domain", "--data" })]
    [InlineData(new[] { "mailbox" }, new[] { "add", "list", "remove" })]
    [InlineData(new[] { "mailbox", "add" }, new[] { "--kind", "--data", "--password-stdin" })]
    [InlineData(new[] { "mailbox", "list" }, new[] { "--data" })]
    [InlineData(new[] { "mailbox", "remove" }, new[] { "--data" })]
    [InlineData(new[] { "version" }, new string[0])]
    [InlineData(new[] { "mime", "inspect" }, new[] { "--json" })]
    [InlineData(new[] { "directory" }, new[] { "import", "generate", "search" })]
    [InlineData(new[] { "directory", "import" }, new[] { "--strict", "--data" })]
    [InlineData(new[] { "directory", "generate" }, new[] { "--professionals", "--out", "--seed" })]
    [InlineData(new[] { "directory", "search" }, new[] { "--name", "--profession", "--specialty", "--city", "--postcode", "--id", "--mailbox" })]
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
    public async Task A_cipher_suite_outside_the_policy_stops_the_start_naming_it_REQ10()
    {
        var config = Path.Combine(_dir.FullName, "weak.json");
        await File.WriteAllTextAsync(config, """{ "Domain": "hopital.mssante.test", "Tls": { "CipherSuites": ["TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"] } }""");
        var (code, _, stderr) = await CaduceeProcess.RunAsync("serve", "--config", config);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("configuration error: Tls:CipherSuites: 'TLS_RSA_WITH_AES_128_CBC_SHA' is not allowed: only suites with forward secrecy and authenticated encryption", line, StringComparison.Ordinal);
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

    [Fact]
    public async Task Mime_inspect_prints_the_tree_offsets_and_defects_issue3()
    {
        var corpus = Path.Combine(Repository.Root, "tests", "TestData", "mime", "generated");
        var (code, stdout, _) = await CaduceeProcess.RunAsync("mime", "inspect", Path.Combine(corpus, "mss-xdm.eml"), "--json");
        Assert.Equal(0, code);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("multipart/mixed", root.GetProperty("contentType").GetString());
        Assert.Contains("Compte rendu", root.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, root.GetProperty("offsets").GetProperty("headerStart").GetInt32());
        var parts = root.GetProperty("parts").EnumerateArray().ToList();
        Assert.Contains(parts, p => p.GetProperty("filename").GetString() == "IHE_XDM.zip" && p.GetProperty("decodedSize").GetInt64() > 0);
        Assert.Contains(parts, p => p.GetProperty("contentType").GetString() == "text/plain" && p.GetProperty("text").GetString()!.Contains("Dr Hélène Dupré", StringComparison.Ordinal));

        var text = await CaduceeProcess.RunAsync("mime", "inspect", Path.Combine(corpus, "missing-close-boundary.eml"));
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("CloseBoundaryNotFound", text.Stdout, StringComparison.Ordinal);
        var missing = await CaduceeProcess.RunAsync("mime", "inspect", Path.Combine(_dir.FullName, "absent.eml"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_generate_import_and_search_from_the_command_line_issue7()
    {
        var files = Path.Combine(_dir.FullName, "annuaire");
        var data = Path.Combine(_dir.FullName, "data");
        var generate = await CaduceeProcess.RunAsync("directory", "generate", "--professionals", "2000", "--out", files, "--seed", "7");
        Assert.Equal(0, generate.ExitCode);
        var import = await CaduceeProcess.RunAsync("directory", "import", files, "--data", data);
        Assert.True(import.ExitCode == 0, import.Stdout + import.Stderr);
        Assert.Contains("added", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 malformed", import.Stdout, StringComparison.Ordinal);

        // A professional of the generated file is found by RPPS, with their name.
        var ps = Directory.GetFiles(files, "PS_LibreAcces_Personne_activite_*.txt").Single();
        var row = (await File.ReadAllLinesAsync(ps))[1].Split('|');
        var search = await CaduceeProcess.RunAsync("directory", "search", "--id", row[1], "--data", data);
        Assert.Equal(0, search.ExitCode);
        Assert.Contains(row[7].ToUpperInvariant(), search.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 shown of 1.", search.Stdout, StringComparison.Ordinal);

        // A liste-rouge mailbox is never shown (REQ-24).
        var red = Directory.GetFiles(files, "Caducee_BAL_ListeRouge_*.txt").Single();
        var hidden = (await File.ReadAllLinesAsync(red))[1].Split('|')[1];
        var redSearch = await CaduceeProcess.RunAsync("directory", "search", "--mailbox", hidden, "--data", data);
        Assert.Contains("0 shown of 0.", redSearch.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(hidden, redSearch.Stdout, StringComparison.Ordinal);

        // A re-import of the same files applies no difference.
        var again = await CaduceeProcess.RunAsync("directory", "import", files, "--data", data);
        Assert.Contains(" 0 added, 0 changed, 0 removed", again.Stdout, StringComparison.Ordinal);
        var wrongName = await CaduceeProcess.RunAsync("directory", "import", ps + ".bak", "--data", data);
        Assert.Equal(2, wrongName.ExitCode);
    }
}
