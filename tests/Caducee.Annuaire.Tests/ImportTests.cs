// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

public sealed class ImportTests
{
    [Fact]
    public void Headers_have_the_national_column_counts_and_match_the_samples()
    {
        Assert.Equal(56, PsLibreAccesFormat.Columns.Length);
        Assert.Equal(31, MssanteExtractionFormat.Columns.Length);
        Assert.Equal(PsLibreAccesFormat.HeaderLine, File.ReadLines(Samples.Ps).First());
        Assert.Equal(MssanteExtractionFormat.HeaderLine, File.ReadLines(Samples.Mss).First());
        Assert.EndsWith("|Libellé genre activité|", PsLibreAccesFormat.HeaderLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_files_import_with_exact_columns()
    {
        using var s = await SampleStore.CreateAsync();
        var ps = s.Report.Files.Single(f => f.Kind == DirectoryFileKind.PersonneActivite);
        Assert.Equal((10L, 10L, 0), (ps.Rows, ps.Added, ps.ErrorCount));
        Assert.Equal("utf-8", ps.Encoding);

        var jean = s.Store.FindPractitioner("10001234567");
        Assert.NotNull(jean);
        Assert.Equal(("810001234567", "8", "DUPONT", "Jean", "M", "DR"), (jean.IdNat, jean.IdType, jean.FamilyName, jean.GivenName, jean.CivilityCode, jean.PracticeCivilityCode));
        Assert.Equal(2, jean.Activities.Count);
        var cabinet = jean.Activities.Single(a => a.ModeCode == "L");
        Assert.Equal(("10", "Médecin", "S", "SM26", "Qualifié en Médecine Générale", "FON-05"),
            (cabinet.ProfessionCode, cabinet.ProfessionLabel, cabinet.SavoirFaireTypeCode, cabinet.SavoirFaireCode, cabinet.SavoirFaireLabel, cabinet.RoleCode));
        var st = cabinet.Structure!;
        Assert.Equal(("S81234567800012", "81234567800012", "812345678", "CABINET MEDICAL DE LA REPUBLIQUE"), (st.Id, st.Siret, st.Siren, st.Name));
        Assert.Equal(("12", "B", "Rue", "de la République", "75012", "75112", "PARIS", "75", "Paris"),
            (st.Address.StreetNumber, st.Address.StreetNumberRepetition, st.Address.StreetType, st.Address.StreetName, st.Address.PostalCode,
             st.Address.CommuneCode, st.Address.City, st.Address.DepartmentCode, st.Address.DepartmentLabel));
        Assert.Equal("12 B Rue de la République", st.Address.Line);
        Assert.Equal(("0143431234", "SA08"), (st.Phone, st.SectorCode));
        var hospital = jean.Activities.Single(a => a.ModeCode == "S");
        Assert.Equal(("SM54", "690781810", "690781810"), (hospital.SavoirFaireCode, hospital.Structure!.FinessSite, hospital.Structure.FinessLegalEntity));

        var pharmacist = s.Store.FindPractitioner("810006789123")!;
        Assert.Equal(("A", "Pharmacie du Vieux-Port", "13002"),
            (pharmacist.Activities[0].PharmacistSectionCode, pharmacist.Activities[0].Structure!.Enseigne, pharmacist.Activities[0].Structure!.Address.PostalCode));
        Assert.Equal("LEFÈVRE-DUPONT", s.Store.FindPractitioner("10004567891")!.FamilyName);
    }

    [Fact]
    public async Task Mailboxes_are_attached_deduplicated_and_typed()
    {
        using var s = await SampleStore.CreateAsync();
        var mss = s.Report.Files.Single(f => f.Kind == DirectoryFileKind.CorrespondanceMssante);
        Assert.Equal((9L, 8L, 1L, 0), (mss.Rows, mss.Added, mss.Duplicates, mss.ErrorCount));

        var jean = s.Store.FindPractitioner("10001234567")!;
        Assert.Equal(["jean.dupont@medecin.mssante.fr", "jean.dupont@chu-lyon.mssante.fr"], jean.Mailboxes.Select(m => m.Address));
        Assert.Equal([1, 2], jean.Mailboxes.Select(m => m.Rank));
        Assert.All(jean.Mailboxes, m => Assert.Equal(MailboxType.Per, m.Type));
        Assert.Equal("Cardiologie", jean.Mailboxes[1].Service);
        Assert.True(s.Store.FindPractitioner("10003456789")!.Mailboxes.Single().Dematerialisation); // "1"

        var chu = s.Store.FindStructure("F690781810")!;
        var org = Assert.Single(chu.Mailboxes);
        Assert.Equal(("secretariat.cardiologie@chu-lyon.mssante.fr", MailboxType.Org, "Secrétariat de cardiologie"), (org.Address, org.Type, org.Service));
    }

    [Fact]
    public async Task Latin1_copy_is_detected_and_reads_the_same_as_utf8()
    {
        using var dir = new TempDir();
        using var store = DirectoryStore.Open(dir.File("d.db"));
        var first = await store.ImportAsync(new DirectoryImportSources(Samples.PsLatin1));
        var file = Assert.Single(first.Files);
        Assert.Equal(("iso-8859-1", 10L, 0), (file.Encoding, file.Added, file.ErrorCount));
        Assert.Equal(("PÉRÈS", "Noémie"), (store.FindPractitioner("10005678912")!.FamilyName, store.FindPractitioner("10005678912")!.GivenName));

        // Same text decoded from UTF-8: every row is unchanged.
        var second = await store.ImportAsync(new DirectoryImportSources(Samples.Ps));
        Assert.Equal(("utf-8", 0L, 0L, 0L, 10L), (second.Files[0].Encoding, second.Files[0].Added, second.Files[0].Changed, second.Files[0].Removed, second.Files[0].Unchanged));
    }

    [Fact]
    public void Encoding_detection_handles_bom_ascii_utf8_and_latin1()
    {
        Assert.Equal("utf-8", DelimitedFileReader.Detect("\xEF\xBB\xBFabc"u8).WebName);
        Assert.Equal("utf-8", DelimitedFileReader.Detect("abc|def|\n"u8).WebName);
        Assert.Equal("utf-8", DelimitedFileReader.Detect("Hélène|\n"u8).WebName);
        Assert.Equal("iso-8859-1", DelimitedFileReader.Detect([(byte)'H', 0xE9, (byte)'l', 0xE8, (byte)'n', (byte)'e', (byte)'\n']).WebName);
    }

    [Fact]
    public async Task Zipped_copy_imports_the_personne_activite_entry()
    {
        using var dir = new TempDir();
        using var store = DirectoryStore.Open(dir.File("d.db"));
        var report = await store.ImportAsync(new DirectoryImportSources(Samples.PsZip));
        var file = Assert.Single(report.Files);
        Assert.Equal($"PS_LibreAcces_{Samples.Stamp}.zip!PS_LibreAcces_Personne_activite_{Samples.Stamp}.txt", file.File);
        Assert.Equal((10L, 0), (file.Added, file.ErrorCount));
        Assert.Equal(9, store.PractitionerCount);
    }

    [Fact]
    public async Task Malformed_rows_are_reported_with_file_line_and_column_and_skipped()
    {
        using var dir = new TempDir();
        using var store = DirectoryStore.Open(dir.File("d.db"));
        var progress = new List<ImportProgress>();
        var report = await store.ImportAsync(new DirectoryImportSources(Samples.PsMalformed), progress: new SyncProgress(progress));
        var file = Assert.Single(report.Files);
        Assert.Equal((6L, 3L, 3), (file.Rows, file.Added, file.ErrorCount));
        var name = $"PS_LibreAcces_Personne_activite_{Samples.Stamp}.txt";
        Assert.Equal(
            [
                new ImportError(name, 3, 36, "Code postal (coord. structure)", "French postal code must be 5 digits"),
                new ImportError(name, 5, 56, "Libellé genre activité", "expected 56 columns, found 55"),
                new ImportError(name, 6, 10, "Code profession", "profession code must be digits"),
            ],
            file.Errors);
        Assert.Equal($"{name}:3:36: [Code postal (coord. structure)] French postal code must be 5 digits", file.Errors[0].ToString());
        var last = progress[^1];
        Assert.True(last.Completed);
        Assert.Equal((6L, 3, 1.0), (last.Rows, last.Errors, last.Fraction));
    }

    [Fact]
    public async Task Strict_mode_stops_at_the_first_malformed_row_and_rolls_back()
    {
        using var dir = new TempDir();
        using var store = DirectoryStore.Open(dir.File("d.db"));
        var ex = await Assert.ThrowsAsync<DirectoryImportException>(() =>
            store.ImportAsync(new DirectoryImportSources(Samples.PsMalformed), new DirectoryImportOptions { Strict = true }));
        Assert.Equal((3, 36), (ex.Error.Line, ex.Error.Column));
        Assert.Equal(0, store.PractitionerCount);

        // Nothing was committed: a later lenient import still sees an empty table (all rows added).
        var report = await store.ImportAsync(new DirectoryImportSources(Samples.PsMalformed));
        Assert.Equal(3L, report.Files[0].Added);
    }

    [Fact]
    public async Task A_file_of_the_wrong_kind_is_rejected_on_its_header()
    {
        using var dir = new TempDir();
        using var store = DirectoryStore.Open(dir.File("d.db"));
        var ex = await Assert.ThrowsAsync<DirectoryImportException>(() => store.ImportAsync(new DirectoryImportSources(PersonneActivite: Samples.Mss)));
        Assert.Equal(1, ex.Error.Line);
        Assert.Contains("expected 56", ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_are_found_by_national_file_name()
    {
        var sources = DirectoryImportSources.FromDirectory(Samples.Dir);
        Assert.Equal(Samples.Ps, sources.PersonneActivite);
        Assert.Equal(Samples.Mss, sources.CorrespondanceMssante);
        Assert.Equal(Samples.ListeRouge, sources.ListeRouge);
    }

    /// <summary>Progress&lt;T&gt; posts asynchronously; tests need every report, in order.</summary>
    private sealed class SyncProgress(List<ImportProgress> sink) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => sink.Add(value);
    }
}
