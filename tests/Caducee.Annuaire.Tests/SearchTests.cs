// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;

namespace Caducee.Annuaire.Tests;

public sealed class SearchTests : IAsyncLifetime
{
    private SampleStore _s = null!;

    public async Task InitializeAsync() => _s = await SampleStore.CreateAsync();

    public Task DisposeAsync()
    {
        _s.Dispose();
        return Task.CompletedTask;
    }

    private string[] Names(DirectoryQuery q) => _s.Store.Search(q).Items.Select(p => $"{p.FamilyName} {p.GivenName}").ToArray();

    [Fact]
    public void Exact_surname_comes_first_then_surname_prefixes_then_other_words()
    {
        var results = _s.Store.Search(new DirectoryQuery { Name = "dupont" });
        Assert.Equal(4, results.Total);
        Assert.Equal(["DUPONT Hélène", "DUPONT Jean", "DUPONTEL Loïc", "LEFÈVRE-DUPONT Anaïs"], results.Items.Select(p => $"{p.FamilyName} {p.GivenName}"));
    }

    [Fact]
    public void Given_name_matches_rank_after_surname_matches()
    {
        Assert.Equal(["MARTIN Grégoire", "MARTINEZ Élodie", "BERNARD Martin"], Names(new DirectoryQuery { Name = "Martin" }));
        Assert.Equal(["DUPONT Jean"], Names(new DirectoryQuery { Name = "jean dupont" }));
        Assert.Equal(["DUPONT Jean"], Names(new DirectoryQuery { Name = "DUP J" }));
    }

    [Theory]
    [InlineData("peres")]
    [InlineData("PÉRÈS")]
    [InlineData("Pérès")]
    [InlineData("pe")]
    public void Names_are_accent_and_case_insensitive_prefixes(string name)
    {
        Assert.Contains("PÉRÈS Noémie", Names(new DirectoryQuery { Name = name }));
    }

    [Fact]
    public void Family_given_and_exact_family_are_separate_criteria()
    {
        Assert.Equal(["LEFÈVRE-DUPONT Anaïs"], Names(new DirectoryQuery { Family = "lefevre dupont" }));
        Assert.Equal(["DUPONT Hélène"], Names(new DirectoryQuery { Family = "Dupont", Given = "helene" }));
        Assert.Equal(["DUPONT Hélène", "DUPONT Jean"], Names(new DirectoryQuery { Family = "dupont", FamilyExact = true }));
        Assert.Equal(["MARTINEZ Élodie"], Names(new DirectoryQuery { Given = "ÉLO" }));
        Assert.Empty(Names(new DirectoryQuery { Given = "dupont" }));
    }

    [Fact]
    public void Profession_specialty_city_and_postcode_filters()
    {
        Assert.Equal(["DUPONT Jean", "LEFÈVRE-DUPONT Anaïs", "LEROUGE Zoé"], Names(new DirectoryQuery { ProfessionCode = "10" }));
        Assert.Equal(["DUPONT Jean", "LEFÈVRE-DUPONT Anaïs"], Names(new DirectoryQuery { SavoirFaireCode = "SM54" }));
        Assert.Equal(["DUPONT Hélène", "DUPONT Jean", "LEFÈVRE-DUPONT Anaïs", "PÉRÈS Noémie"], Names(new DirectoryQuery { City = "lyon" }));
        Assert.Equal(["MARTIN Grégoire"], Names(new DirectoryQuery { City = "Marseille" }));
        Assert.Equal(["BERNARD Martin", "DUPONT Jean", "LEROUGE Zoé"], Names(new DirectoryQuery { PostalCode = "75" }));
        Assert.Equal(["DUPONT Jean", "LEFÈVRE-DUPONT Anaïs"], Names(new DirectoryQuery { ProfessionCode = "10", City = "LYON", Name = "dup" }));
        // The specialty and the city must hold for the same practitioner, not necessarily the same activity.
        Assert.Equal(["DUPONT Jean", "LEROUGE Zoé"], Names(new DirectoryQuery { SavoirFaireCode = "SM26", PostalCode = "75012" }));
        Assert.Empty(Names(new DirectoryQuery { ProfessionCode = "99" }));
    }

    [Fact]
    public void Identifier_and_mailbox_lookups()
    {
        Assert.Equal(["DUPONT Jean"], Names(new DirectoryQuery { Identifier = "10001234567" }));
        Assert.Equal(["DUPONT Jean"], Names(new DirectoryQuery { Identifier = "810001234567" }));
        Assert.Empty(Names(new DirectoryQuery { Identifier = "10000000000" }));
        Assert.Equal(["DUPONT Jean"], Names(new DirectoryQuery { Mailbox = "JEAN.DUPONT@medecin.mssante.fr" }));
        Assert.Equal(["DUPONT Hélène", "DUPONT Jean"], Names(new DirectoryQuery { Mailbox = "chu-lyon", MailboxMatch = MailboxMatch.Contains }));
        Assert.Equal(["DUPONT Hélène"], Names(new DirectoryQuery { Mailbox = "helene.", MailboxMatch = MailboxMatch.StartsWith }));
        Assert.Equal(4, _s.Store.Search(new DirectoryQuery { MailboxType = MailboxType.Per }).Total);
        Assert.Equal(0, _s.Store.Search(new DirectoryQuery { MailboxType = MailboxType.Org }).Total);
    }

    [Fact]
    public void Liste_rouge_mailboxes_are_never_returned()
    {
        // Zoé's box is in the public file and in the liste-rouge file; Noémie's only in the liste-rouge file.
        var zoe = Assert.Single(_s.Store.Search(new DirectoryQuery { Name = "lerouge" }).Items);
        Assert.Empty(zoe.Mailboxes);
        Assert.Empty(_s.Store.FindPractitioner("10005678912")!.Mailboxes);
        foreach (var match in new[] { MailboxMatch.Exact, MailboxMatch.Contains, MailboxMatch.StartsWith })
        {
            Assert.Equal(0, _s.Store.Search(new DirectoryQuery { Mailbox = "zoe.lerouge@medecin.mssante.fr", MailboxMatch = match }).Total);
            Assert.Equal(0, _s.Store.Search(new DirectoryQuery { Mailbox = "noemie.peres@chu-lyon.mssante.fr", MailboxMatch = match }).Total);
        }

        var everyone = _s.Store.Search(new DirectoryQuery { Count = 100 });
        Assert.Equal(9, everyone.Total);
        Assert.DoesNotContain(everyone.Items.SelectMany(p => p.Mailboxes), m => m.Address.Contains("lerouge", StringComparison.Ordinal) || m.Address.Contains("peres", StringComparison.Ordinal));
    }

    [Fact]
    public void Paging_returns_the_requested_slice_and_the_full_total()
    {
        var page = _s.Store.Search(new DirectoryQuery { Name = "dupont", Offset = 2, Count = 2 });
        Assert.Equal((4, 2), (page.Total, page.Offset));
        Assert.Equal(["DUPONTEL", "LEFÈVRE-DUPONT"], page.Items.Select(p => p.FamilyName));
        Assert.Empty(_s.Store.Search(new DirectoryQuery { Name = "dupont", Offset = 4 }).Items);
        Assert.Equal(4, _s.Store.Search(new DirectoryQuery { Name = "dupont", Count = 0 }).Total);
    }

    [Theory]
    [InlineData("LEFÈVRE-DUPONT", "lefevre dupont")]
    [InlineData("D'ALMEIDA", "d almeida")]
    [InlineData("  Œuvre  Æther ß ", "oeuvre aether ss")]
    [InlineData("already normal", "already normal")]
    public void Normalizer_folds_accents_case_and_punctuation(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }
}
