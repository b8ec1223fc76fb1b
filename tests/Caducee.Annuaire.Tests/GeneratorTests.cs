// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using Caducee.Annuaire.Generation;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

public sealed class GeneratorTests
{
    private static string Digest(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Same_seed_gives_identical_files_and_another_seed_differs()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        var ga = DirectoryGenerator.Generate(2000, a.Path, 42);
        var gb = DirectoryGenerator.Generate(2000, b.Path, 42);
        var gc = DirectoryGenerator.Generate(2000, c.Path, 43);
        Assert.Equal(Digest(ga.PersonneActivitePath), Digest(gb.PersonneActivitePath));
        Assert.Equal(Digest(ga.CorrespondanceMssantePath), Digest(gb.CorrespondanceMssantePath));
        Assert.Equal(Digest(ga.ListeRougePath), Digest(gb.ListeRougePath));
        Assert.NotEqual(Digest(ga.PersonneActivitePath), Digest(gc.PersonneActivitePath));
        Assert.Equal((ga.ActivityRows, ga.MailboxRows), (gb.ActivityRows, gb.MailboxRows));
    }

    [Fact]
    public async Task Generated_files_parse_back_with_zero_errors_and_realistic_content()
    {
        using var dir = new TempDir();
        var g = DirectoryGenerator.Generate(5000, dir.Path, 7);
        using var store = DirectoryStore.Open(dir.File("d.db"));
        var report = await store.ImportAsync(DirectoryImportSources.FromDirectory(dir.Path));
        Assert.Equal(0, report.ErrorCount);
        var ps = report.Files.Single(f => f.Kind == DirectoryFileKind.PersonneActivite);
        var mss = report.Files.Single(f => f.Kind == DirectoryFileKind.CorrespondanceMssante);
        var lr = report.Files.Single(f => f.Kind == DirectoryFileKind.ListeRouge);
        Assert.Equal((g.ActivityRows, g.ActivityRows, 0L), (ps.Rows, ps.Added, ps.Duplicates));
        Assert.Equal((g.MailboxRows, 0L), (mss.Rows, mss.Duplicates));
        Assert.Equal(g.ListeRougeRows, lr.Rows);
        Assert.Equal(5000, store.PractitionerCount);

        var everyone = store.Search(new DirectoryQuery { Count = DirectoryQuery.MaxCount }).Items;
        Assert.All(everyone, p =>
        {
            Assert.Matches("^10[0-9]{9}$", p.IdPP);
            Assert.True(DirectoryGenerator.IsLuhnValid(p.IdPP), p.IdPP);
            Assert.Equal("8" + p.IdPP, p.IdNat);
        });
        Assert.Contains(everyone, p => p.FamilyName.Any(ch => ch > 127) || p.GivenName.Any(ch => ch > 127));
        var all = store.Search(new DirectoryQuery()).Total;
        var doctors = store.Search(new DirectoryQuery { ProfessionCode = "10" }).Total;
        var nurses = store.Search(new DirectoryQuery { ProfessionCode = "60" }).Total;
        Assert.InRange(doctors / (double)all, 0.12, 0.22);
        Assert.InRange(nurses / (double)all, 0.34, 0.46);
        Assert.True(store.Search(new DirectoryQuery { SavoirFaireCode = "SM26" }).Total > 0);
        Assert.True(store.Search(new DirectoryQuery { City = "Saint-Étienne" }).Total > 0);
        var withBox = store.Search(new DirectoryQuery { MailboxType = Model.MailboxType.Per }).Total;
        Assert.InRange(withBox / (double)all, 0.55, 0.75);
        var structures = everyone.SelectMany(p => p.Activities).Select(a => a.Structure!).Distinct().ToList();
        Assert.All(structures, s => Assert.True(DirectoryGenerator.IsLuhnValid(s.Siret!), s.Siret));
        Assert.Contains(structures, s => s.FinessSite is not null && s.Mailboxes.Count > 0);

        // Every liste-rouge address of the generated set stays invisible.
        foreach (var line in File.ReadLines(g.ListeRougePath).Skip(1))
        {
            var address = line.Split('|')[1];
            Assert.Equal(0, store.Search(new DirectoryQuery { Mailbox = address }).Total);
        }
    }

    [Fact]
    public async Task Ranking_holds_on_a_generated_set()
    {
        using var dir = new TempDir();
        var g = DirectoryGenerator.Generate(5000, dir.Path, 11);
        using var store = DirectoryStore.Open(dir.File("d.db"));
        await store.ImportAsync(g.Sources);
        var results = store.Search(new DirectoryQuery { Name = "mar", Count = DirectoryQuery.MaxCount });
        Assert.True(results.Total > 50);
        var tiers = results.Items.Select(p =>
        {
            var family = TextNormalizer.Normalize(p.FamilyName);
            return family == "mar" ? 0 : TextNormalizer.HasWordStartingWith(family, "mar") ? 1 : 2;
        }).ToArray();
        Assert.Equal(tiers.Order(), tiers);
        Assert.Contains(2, tiers); // "Marie", "Marc"… as given names
        Assert.All(results.Items, p => Assert.True(
            TextNormalizer.HasWordStartingWith(TextNormalizer.Normalize(p.FamilyName), "mar") || TextNormalizer.HasWordStartingWith(TextNormalizer.Normalize(p.GivenName), "mar")));
        var tier1 = results.Items.Where((_, i) => tiers[i] == 1).Select(p => TextNormalizer.Normalize(p.FamilyName)).ToArray();
        Assert.Equal(tier1.Order(StringComparer.Ordinal), tier1);
    }

    [Theory]
    [InlineData("Lévêque", "leveque")]
    [InlineData("D'ALMEIDA", "dalmeida")]
    [InlineData("Le Goff", "le-goff")]
    public void Mailbox_slugs_are_ascii(string name, string slug)
    {
        Assert.Equal(slug, DirectoryGenerator.Slug(name, '-'));
    }
}
