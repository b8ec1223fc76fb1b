// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

public sealed class ReimportTests
{
    [Fact]
    public async Task Reimport_counts_added_changed_removed_and_unchanged_rows()
    {
        using var dir = new TempDir();
        using var store = DirectoryStore.Open(dir.File("d.db"));
        await store.ImportAsync(Samples.All);

        // Next day's file: PÉRÈS left (row removed), DUPONT Hélène's role changed, a new professional.
        var lines = File.ReadAllLines(Samples.Ps, Encoding.UTF8).ToList();
        lines.RemoveAll(l => l.Contains("|PÉRÈS|", StringComparison.Ordinal));
        var helene = lines.FindIndex(l => l.Contains("|Hélène|", StringComparison.Ordinal));
        lines[helene] = lines[helene].Replace("|FON-01|Professionnel salarié|", "|FON-01|Salarié hospitalier|", StringComparison.Ordinal);
        lines.Add(lines[1].Replace("10001234567", "10011111111", StringComparison.Ordinal).Replace("|DUPONT|Jean|", "|DURAND|Céline|", StringComparison.Ordinal));
        var next = dir.File($"PS_LibreAcces_Personne_activite_202611220300.txt");
        File.WriteAllLines(next, lines, new UTF8Encoding(false));

        var report = await store.ImportAsync(new DirectoryImportSources(next));
        var ps = Assert.Single(report.Files);
        Assert.Equal((1L, 1L, 1L, 8L), (ps.Added, ps.Changed, ps.Removed, ps.Unchanged));
        Assert.Equal((1L, 1L, 1L), (report.Added, report.Changed, report.Removed));

        Assert.Equal(0, store.Search(new DirectoryQuery { Name = "pérès" }).Total);
        Assert.Equal(("FON-01", "Salarié hospitalier"), (store.FindPractitioner("10002345678")!.Activities[0].RoleCode, store.FindPractitioner("10002345678")!.Activities[0].RoleLabel));
        Assert.Equal("Céline", store.FindPractitioner("10011111111")!.GivenName);

        // A second identical import changes nothing.
        var again = await store.ImportAsync(new DirectoryImportSources(next));
        Assert.Equal((0L, 0L, 0L, 10L), (again.Files[0].Added, again.Files[0].Changed, again.Files[0].Removed, again.Files[0].Unchanged));
    }

    [Fact]
    public async Task Mailbox_reimport_diffs_by_address_and_survives_reopen()
    {
        using var dir = new TempDir();
        var path = dir.File("d.db");
        using (var store = DirectoryStore.Open(path))
        {
            await store.ImportAsync(Samples.All);
        }

        var lines = File.ReadAllLines(Samples.Mss, Encoding.UTF8).Where(l => !l.Contains("helene.dupont", StringComparison.Ordinal)).ToList();
        var next = dir.File("Extraction_Correspondance_MSSante_202611220300.txt");
        File.WriteAllLines(next, lines, new UTF8Encoding(false));

        using var reopened = DirectoryStore.Open(path);
        Assert.Equal(9, reopened.PractitionerCount); // the index is rebuilt from the SQLite file
        var report = await reopened.ImportAsync(new DirectoryImportSources(CorrespondanceMssante: next));
        Assert.Equal((0L, 0L, 1L, 7L), (report.Files[0].Added, report.Files[0].Changed, report.Files[0].Removed, report.Files[0].Unchanged));
        Assert.Empty(reopened.FindPractitioner("10002345678")!.Mailboxes);
        Assert.Equal(DirectoryFileKind.CorrespondanceMssante, report.Files[0].Kind);
    }
}
