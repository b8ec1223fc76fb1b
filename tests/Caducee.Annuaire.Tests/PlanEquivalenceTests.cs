// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Generation;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

/// <summary>The candidate-by-candidate plan and the bit-array plan must give the same totals and pages.</summary>
public sealed class PlanEquivalenceTests
{
    [Fact]
    public async Task Sparse_and_dense_plans_agree_on_generated_data()
    {
        using var dir = new TempDir();
        var g = DirectoryGenerator.Generate(5000, dir.Path, 5);
        using var store = DirectoryStore.Open(dir.File("d.db"));
        await store.ImportAsync(g.Sources);
        var index = store.Index;
        var sample = store.Search(new DirectoryQuery { Count = 60, Offset = 1000 }).Items;
        var queries = new List<DirectoryQuery>
        {
            new() { Name = "mar" },
            new() { Name = "ma", Count = 50, Offset = 30 },
            new() { Name = "le" },
            new() { Name = "marie" },
            new() { Family = "ber" },
            new() { Family = "martin", FamilyExact = true },
            new() { Given = "jean" },
            new() { ProfessionCode = "60", City = "Paris" },
            new() { ProfessionCode = "10", PostalCode = "75", Count = 100 },
            new() { SavoirFaireCode = "SM26", Name = "b" },
            new() { MailboxType = MailboxType.Per, Name = "d" },
            new() { Mailbox = "medecin.mssante", MailboxMatch = MailboxMatch.Contains, Name = "a" },
            new() { Mailbox = "infirmier", MailboxMatch = MailboxMatch.Contains },
            new() { Count = 40, Offset = 4980 },
        };
        foreach (var p in sample)
        {
            queries.Add(new DirectoryQuery { Name = p.FamilyName });
            queries.Add(new DirectoryQuery { Name = p.GivenName + " " + p.FamilyName[..Math.Min(3, p.FamilyName.Length)] });
            queries.Add(new DirectoryQuery { Name = p.FamilyName[..Math.Min(2, p.FamilyName.Length)], ProfessionCode = p.Activities[0].ProfessionCode });
        }

        foreach (var q in queries)
        {
            var sparse = index.Search(q, int.MaxValue);
            var dense = index.Search(q, 0);
            Assert.Equal(sparse.Total, dense.Total);
            Assert.Equal(sparse.Items.Select(p => p.IdNat), dense.Items.Select(p => p.IdNat));
        }

        Assert.True(index.Search(new DirectoryQuery { Name = "mar" }, 0).Total > 100);
    }
}
