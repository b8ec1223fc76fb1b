// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>Issue 2, point 3: the verbs, their help, and configuration errors that say what to fix.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(new string[0], new[] { "demo", "serve", "init", "mailbox", "store", "mime", "directory", "version" })]
    [InlineData(new[] { "demo" }, new[] { "--data", "--base-port" })]
    [InlineData(new[] { "serve" }, new[] { "--config", "--data" })]
    [InlineData(new[] { "init" }, new[] { "--domain", "--data" })]
    [InlineData(new[] { "mailbox" }, new[] { "add", "list", "show", "update", "suspend", "resume", "password", "remove" })]
    [InlineData(new[] { "mailbox", "update" }, new[] { "--name", "--liste-rouge", "--description", "--service", "--responsible", "--rank", "--data" })]
    [InlineData(new[] { "mailbox", "password" }, new[] { "--password-stdin", "--data" })]
    [InlineData(new[] { "mailbox", "add" }, new[] { "--kind", "--owner", "--owner-kind", "--data", "--password-stdin", "--certificate" })]
    [InlineData(new[] { "mailbox", "list" }, new[] { "--data" })]
    [InlineData(new[] { "mailbox", "remove" }, new[] { "--data" })]
    [InlineData(new[] { "store" }, new[] { "migrate", "domain", "rotate-key", "rotate-master-key", "collect" })]
    [InlineData(new[] { "store", "migrate" }, new[] { "--data", "--config" })]
    [InlineData(new[] { "store", "domain" }, new[] { "--retention-days", "--quota-storage", "--quota-messages", "--data" })]
    [InlineData(new[] { "store", "rotate-key" }, new[] { "--domain", "--data" })]
    [InlineData(new[] { "store", "rotate-master-key" }, new[] { "--data" })]
    [InlineData(new[] { "store", "collect" }, new[] { "--grace-hours", "--data" })]
    [InlineData(new[] { "version" }, new string[0])]
    [InlineData(new[] { "mime", "inspect" }, new[] { "--json" })]
    [InlineData(new[] { "directory" }, new[] { "import", "generate", "search", "export" })]
    [InlineData(new[] { "directory", "export" }, new[] { "--out", "--data" })]
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
    public async Task Mailbox_add_registers_an_APP_boxs_certificate_subject_for_EXTERNAL_REQ16()
    {
        var data = Path.Combine(_dir.FullName, "data");
        Assert.Equal(0, (await CaduceeProcess.RunAsync("init", "--domain", "clinique.mssante.test", "--data", data)).ExitCode);
        var pki = Caducee.Hosting.Pki.DemoPki.OpenOrCreate(Path.Combine(_dir.FullName, "pki"));
        var subject = Caducee.Pki.NationalNames.Organisation("lis.clinique.mssante.test", "355555555500011", "CLINIQUE TEST", "Rhône (69)");
        var cert = pki.Issue("lis", subject, Caducee.Pki.CertificateProfile.OrganisationClient);

        var add = await CaduceeProcess.RunAsync("mailbox", "add", "lis@clinique.mssante.test", "--kind", "APP", "--owner", "355555555500011", "--certificate", cert.Certificate, "--data", data);
        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Certificate subject for SASL EXTERNAL: CN=lis.clinique.mssante.test, OU=355555555500011, O=CLINIQUE TEST, ST=Rhône (69), C=FR", add.Stdout, StringComparison.Ordinal);
        using (var storage = await Caducee.Hosting.NodeStorage.OpenAsync(data, default))
        {
            var found = await storage.Store.FindMailboxByCertificateAsync(Caducee.Core.Auth.CertificateIdentity.SubjectKey(subject), default);
            Assert.Equal("lis@clinique.mssante.test", found?.Address.ToString());
        }

        var personal = await CaduceeProcess.RunAsync("mailbox", "add", "dr.x@clinique.mssante.test", "--kind", "PER", "--owner", "10101010101", "--certificate", cert.Certificate, "--data", data);
        Assert.Equal(2, personal.ExitCode);
        Assert.Contains("--certificate is for APP boxes", personal.Stderr, StringComparison.Ordinal);
        var unreadable = await CaduceeProcess.RunAsync("mailbox", "add", "lis2@clinique.mssante.test", "--kind", "APP", "--certificate", Path.Combine(_dir.FullName, "none.pem"), "--data", data);
        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains("cannot read a PEM certificate", unreadable.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_then_mailbox_add_list_remove_manage_a_data_folder()
    {
        var data = Path.Combine(_dir.FullName, "data");
        var init = await CaduceeProcess.RunAsync("init", "--domain", "clinique.mssante.test", "--data", data);
        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(Path.Combine(data, "caducee.json")));
        Assert.True(File.Exists(Path.Combine(data, "caducee.db")));

        var add = await CaduceeProcess.RunAsync("mailbox", "add", "dr.petit@clinique.mssante.test", "--kind", "PER", "--owner", "10100000099", "--name", "Dr Paul PETIT", "--data", data);
        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Password (shown once): ", add.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await CaduceeProcess.RunAsync("mailbox", "add", "dr.petit@clinique.mssante.test", "--kind", "ORG", "--owner", "312345678900018", "--data", data)).ExitCode);
        var wrongOwner = await CaduceeProcess.RunAsync("mailbox", "add", "secretariat@clinique.mssante.test", "--kind", "ORG", "--owner", "10100000099", "--owner-kind", "professional", "--data", data);
        Assert.Equal(2, wrongOwner.ExitCode);
        Assert.Contains("REQ-20", wrongOwner.Stderr, StringComparison.Ordinal);
        var noOwner = await CaduceeProcess.RunAsync("mailbox", "add", "secretariat@clinique.mssante.test", "--kind", "ORG", "--data", data);
        Assert.Equal(2, noOwner.ExitCode);
        Assert.Contains("--owner is required", noOwner.Stderr, StringComparison.Ordinal);

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
    public async Task Mailbox_show_update_suspend_resume_and_password_administer_an_existing_box_REQ21_REQ23_REQ24()
    {
        var data = Path.Combine(_dir.FullName, "admin");
        Assert.Equal(0, (await CaduceeProcess.RunAsync("init", "--domain", "clinique.mssante.test", "--data", data)).ExitCode);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "add", "secretariat@clinique.mssante.test", "--kind", "ORG", "--owner", "312345678900018", "--name", "Secrétariat", "--data", data)).ExitCode);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "add", "dr.petit@clinique.mssante.test", "--kind", "PER", "--owner", "10100000099", "--data", data)).ExitCode);

        var update = await CaduceeProcess.RunAsync("mailbox", "update", "secretariat@clinique.mssante.test", "--liste-rouge", "true", "--description", "Secrétariat de cardiologie", "--service", "Cardiologie", "--responsible", "Mme Durand", "--rank", "1", "--data", data);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("now in liste rouge", update.Stdout, StringComparison.Ordinal);
        var show = await CaduceeProcess.RunAsync("mailbox", "show", "secretariat@clinique.mssante.test", "--data", data);
        Assert.Equal(0, show.ExitCode);
        foreach (var line in new[] { "kind:         ORG", "status:       active", "owner:        structure 312345678900018", "name:         Secrétariat", "liste rouge:  yes", "description:  Secrétariat de cardiologie", "service:      Cardiologie", "responsible:  Mme Durand", "rank:         1" })
        {
            Assert.Contains(line, show.Stdout, StringComparison.Ordinal);
        }

        // Only the options given change; an empty value removes one.
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "update", "secretariat@clinique.mssante.test", "--description", "", "--data", data)).ExitCode);
        show = await CaduceeProcess.RunAsync("mailbox", "show", "secretariat@clinique.mssante.test", "--data", data);
        Assert.Contains("description:  -", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("liste rouge:  yes", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("service:      Cardiologie", show.Stdout, StringComparison.Ordinal);

        var personal = await CaduceeProcess.RunAsync("mailbox", "update", "dr.petit@clinique.mssante.test", "--responsible", "X", "--data", data);
        Assert.Equal(2, personal.ExitCode);
        Assert.Contains("--responsible is for ORG and APP boxes (REQ-21)", personal.Stderr, StringComparison.Ordinal);
        var nothing = await CaduceeProcess.RunAsync("mailbox", "update", "dr.petit@clinique.mssante.test", "--data", data);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("nothing to change", nothing.Stderr, StringComparison.Ordinal);

        // Lifecycle (REQ-23): active ⇄ suspended → closed, and closed is final.
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "suspend", "dr.petit@clinique.mssante.test", "--data", data)).ExitCode);
        Assert.Contains("PER  suspended", (await CaduceeProcess.RunAsync("mailbox", "list", "--data", data)).Stdout, StringComparison.Ordinal);
        Assert.Contains("already suspended", (await CaduceeProcess.RunAsync("mailbox", "suspend", "dr.petit@clinique.mssante.test", "--data", data)).Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "resume", "dr.petit@clinique.mssante.test", "--data", data)).ExitCode);
        Assert.Contains("PER  active", (await CaduceeProcess.RunAsync("mailbox", "list", "--data", data)).Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "remove", "dr.petit@clinique.mssante.test", "--data", data)).ExitCode);
        var reopen = await CaduceeProcess.RunAsync("mailbox", "resume", "dr.petit@clinique.mssante.test", "--data", data);
        Assert.Equal(1, reopen.ExitCode);
        Assert.Contains("a closed mailbox stays closed (REQ-23)", reopen.Stderr, StringComparison.Ordinal);

        // A new password, printed once, is the one stored (and the old one no longer is).
        var password = await CaduceeProcess.RunAsync("mailbox", "password", "secretariat@clinique.mssante.test", "--data", data);
        Assert.Equal(0, password.ExitCode);
        var fresh = password.Stdout.Split('\n').Single(l => l.StartsWith("Password (shown once): ", StringComparison.Ordinal))["Password (shown once): ".Length..].Trim();
        await using (var storage = await Caducee.Hosting.NodeStorage.OpenAsync(data, default))
        {
            var box = (await storage.Store.FindMailboxAsync(Caducee.Primitives.MailAddress.Parse("secretariat@clinique.mssante.test"), default))!;
            var hash = (await storage.Store.GetPasswordHashAsync(box.Id, default))!;
            Assert.True(Caducee.Core.Auth.PasswordHasher.Verify(fresh, hash));
            Assert.False(Caducee.Core.Auth.PasswordHasher.Verify(fresh + "x", hash));
            Assert.True(box.Metadata.ListeRouge);
        }

        var missing = await CaduceeProcess.RunAsync("mailbox", "show", "nobody@clinique.mssante.test", "--data", data);
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
        var unknownDomain = await CaduceeProcess.RunAsync("mailbox", "add", "a@nowhere.mssante.test", "--owner", "10100000099", "--data", data);
        Assert.Equal(2, unknownDomain.ExitCode);
        Assert.Contains("run 'caducee init --domain nowhere.mssante.test", unknownDomain.Stderr, StringComparison.Ordinal);
        var badKind = await CaduceeProcess.RunAsync("mailbox", "add", "a@b.fr", "--kind", "XYZ", "--data", data);
        Assert.NotEqual(0, badKind.ExitCode);
    }

    [Fact]
    public async Task Store_verbs_migrate_set_retention_rotate_keys_and_collect_issue4()
    {
        var data = Path.Combine(_dir.FullName, "store");
        Assert.Equal(0, (await CaduceeProcess.RunAsync("init", "--domain", "clinique.mssante.test", "--data", data)).ExitCode);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("mailbox", "add", "accueil@clinique.mssante.test", "--kind", "ORG", "--owner", "312345678900018", "--data", data)).ExitCode);

        var migrate = await CaduceeProcess.RunAsync("store", "migrate", "--data", data);
        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("Schema version 3 (up to date)", migrate.Stdout, StringComparison.Ordinal);

        var domain = await CaduceeProcess.RunAsync("store", "domain", "clinique.mssante.test", "--retention-days", "3650", "--quota-storage", "1000000000", "--data", data);
        Assert.Equal(0, domain.ExitCode);
        Assert.Contains("retention 3650 days, default quota 1000000000 bytes and none", domain.Stdout, StringComparison.Ordinal);
        var badValue = await CaduceeProcess.RunAsync("store", "domain", "clinique.mssante.test", "--retention-days", "forever", "--data", data);
        Assert.Equal(2, badValue.ExitCode);
        Assert.Contains("expected a positive whole number or \"none\"", badValue.Stderr, StringComparison.Ordinal);

        var rotate = await CaduceeProcess.RunAsync("store", "rotate-key", "--domain", "clinique.mssante.test", "--data", data);
        Assert.Equal(0, rotate.ExitCode);
        Assert.Contains("now encrypts new content with data key", rotate.Stdout, StringComparison.Ordinal);
        var unknown = await CaduceeProcess.RunAsync("store", "rotate-key", "--domain", "nowhere.mssante.test", "--data", data);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("not hosted", unknown.Stderr, StringComparison.Ordinal);

        var keyFile = Path.Combine(data, "keys", "master.key");
        var oldKey = await File.ReadAllBytesAsync(keyFile);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("store", "rotate-master-key", "--data", data)).ExitCode);
        var newKey = await File.ReadAllBytesAsync(keyFile);
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Contains("accueil@clinique.mssante.test", (await CaduceeProcess.RunAsync("mailbox", "list", "--data", data)).Stdout, StringComparison.Ordinal);

        // A rotation interrupted after its commit (new key still beside the old one) is finished at the next open.
        File.Move(keyFile, keyFile + ".new");
        await File.WriteAllBytesAsync(keyFile, oldKey);
        var recovered = await CaduceeProcess.RunAsync("mailbox", "list", "--data", data);
        Assert.True(recovered.ExitCode == 0, recovered.Stderr);
        Assert.Equal(newKey, await File.ReadAllBytesAsync(keyFile));
        Assert.False(File.Exists(keyFile + ".new"));

        // A wrong master key is refused with a clear message, nothing is touched.
        await File.WriteAllBytesAsync(keyFile, oldKey);
        var wrong = await CaduceeProcess.RunAsync("mailbox", "list", "--data", data);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("master key does not match", wrong.Stderr, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(keyFile, newKey);

        var collect = await CaduceeProcess.RunAsync("store", "collect", "--data", data);
        Assert.Equal(0, collect.ExitCode);
        Assert.Contains("Retention: 0 message(s) expunged. Blobs: 0 examined", collect.Stdout, StringComparison.Ordinal);
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

    [Fact]
    public async Task Directory_export_writes_the_national_extraction_zip_and_it_imports_back_issue7_REQ29()
    {
        var files = Path.Combine(_dir.FullName, "annuaire");
        var data = Path.Combine(_dir.FullName, "authority");
        var output = Path.Combine(_dir.FullName, "export");
        Assert.Equal(0, (await CaduceeProcess.RunAsync("directory", "generate", "--professionals", "500", "--out", files, "--seed", "3")).ExitCode);
        Assert.Equal(0, (await CaduceeProcess.RunAsync("directory", "import", files, "--data", data)).ExitCode);

        var export = await CaduceeProcess.RunAsync("directory", "export", "--out", output, "--data", data);
        Assert.True(export.ExitCode == 0, export.Stderr);
        var zip = Assert.Single(Directory.GetFiles(output));
        Assert.Matches(@"^Extraction_Correspondance_MSSante_\d{12}\.zip$", Path.GetFileName(zip));
        Assert.Contains(zip, export.Stdout, StringComparison.Ordinal);

        // The generated national file minus its liste-rouge rows is what the export holds: imported into a
        // fresh folder, the same number of mailbox rows.
        var national = Directory.GetFiles(files, "Extraction_Correspondance_MSSante_*.txt").Single();
        var expected = File.ReadLines(national).Skip(1).Count(l => l.StartsWith("PER|", StringComparison.Ordinal) || l.StartsWith("ORG|", StringComparison.Ordinal));
        var copy = Path.Combine(_dir.FullName, "copy");
        var reimport = await CaduceeProcess.RunAsync("directory", "import", zip, "--data", copy, "--strict");
        Assert.True(reimport.ExitCode == 0, reimport.Stdout + reimport.Stderr);
        var n = expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($": {n} rows, {n} added", reimport.Stdout, StringComparison.Ordinal);

        var missing = await CaduceeProcess.RunAsync("directory", "export", "--out", output, "--data", Path.Combine(_dir.FullName, "nothing"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no directory", missing.Stderr, StringComparison.Ordinal);
    }
}
