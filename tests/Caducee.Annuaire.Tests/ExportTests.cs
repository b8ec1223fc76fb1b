// SPDX-License-Identifier: AGPL-3.0-or-later
using System.IO.Compression;
using System.Text;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

/// <summary>Issue 7 point 6: the authority's public Extraction_Correspondance_MSSante (REQ-29, MSSANTE-SPEC §3.2).</summary>
public sealed class ExportTests : IDisposable
{
    private static readonly PublicationContext s_operator = new("CN=mx.operateur.test,O=OPERATEUR,C=FR", _ => true);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every box the directory shows, practitioners' and structures', as "TYPE address".</summary>
    private static SortedSet<string> Shown(DirectoryStore store, params MailboxType[] types) =>
        new(store.Search(new DirectoryQuery { Count = DirectoryQuery.MaxCount }).Items.SelectMany(p => p.Mailboxes)
            .Concat(store.SearchStructures(new StructureQuery { Count = DirectoryQuery.MaxCount }).Items.SelectMany(s => s.Mailboxes))
            .Where(m => types.Contains(m.Type))
            .Select(m => $"{FhirMailboxPatch.TypeCode(m.Type)} {m.Address.ToLowerInvariant()}"), StringComparer.Ordinal);

    [Fact]
    public async Task The_export_is_the_national_format_and_re_imports_to_the_same_boxes_REQ29()
    {
        using var store = DirectoryStore.Open(_dir.File("authority.db"));
        await store.ImportAsync(Samples.All);
        await store.PublishAsync(PublicationCarrier.Practitioner, "810004567891",
        [
            new(MailboxPatchKind.Add, null, new PublishedMailbox("anais.lefevre-dupont@chu-lyon.mssante.fr", MailboxType.Per, Service: "Pédiatrie", Dematerialisation: true)),
            new(MailboxPatchKind.Add, null, new PublishedMailbox("anais.rouge@chu-lyon.mssante.fr", MailboxType.Per, ListeRouge: true)),
            new(MailboxPatchKind.Add, null, new PublishedMailbox("cabinet.anais@medecin.mssante.fr", MailboxType.Cab)),
        ], s_operator);
        await store.PublishAsync(PublicationCarrier.Practitioner, "810001234567", [new(MailboxPatchKind.Delete, "jean.dupont@chu-lyon.mssante.fr", null)], s_operator);
        await store.PublishAsync(PublicationCarrier.Organization, "F690781810",
        [
            new(MailboxPatchKind.Add, null, new PublishedMailbox("urgences@chu-lyon.mssante.fr", MailboxType.Org, Service: "Urgences | adultes")),
            new(MailboxPatchKind.Add, null, new PublishedMailbox("dpi@chu-lyon.mssante.fr", MailboxType.App)),
        ], s_operator);

        var stamp = new DateTime(2026, 11, 23, 4, 5, 0, DateTimeKind.Utc);
        var report = await store.ExportCorrespondanceAsync(_dir.File("out"), stamp);
        Assert.Equal("Extraction_Correspondance_MSSante_202611230405.zip", report.FileName);
        Assert.Equal(_dir.File(Path.Combine("out", report.FileName)), report.Path);

        string[] lines;
        using (var zip = ZipFile.OpenRead(report.Path!))
        {
            var entry = Assert.Single(zip.Entries);
            Assert.Equal("Extraction_Correspondance_MSSante_202611230405.txt", entry.FullName);
            using var reader = new StreamReader(entry.Open(), new UTF8Encoding(false, true));
            var text = await reader.ReadToEndAsync();
            Assert.DoesNotContain('\r', text);
            lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        Assert.Equal(MssanteExtractionFormat.HeaderLine, lines[0]);
        Assert.StartsWith("Type de BAL|Adresse BAL|Type Identifiant PP|", lines[0], StringComparison.Ordinal);
        var rows = lines.Skip(1).Select(l => l.Split('|')).ToList();
        Assert.Equal(report.Rows, rows.Count);
        Assert.All(rows, r => Assert.Equal(31, r.Length));
        Assert.All(rows, r => Assert.Contains(r[0], new[] { "PER", "ORG" }));
        Assert.Equal(rows.Count, rows.Select(r => r[1].ToLowerInvariant()).Distinct().Count()); // one row per address
        var addresses = rows.Select(r => r[1].ToLowerInvariant()).ToList();
        Assert.DoesNotContain("anais.rouge@chu-lyon.mssante.fr", addresses);   // liste rouge (publication)
        Assert.DoesNotContain("zoe.lerouge@medecin.mssante.fr", addresses);    // liste rouge (file)
        Assert.DoesNotContain("jean.dupont@chu-lyon.mssante.fr", addresses);   // withdrawn
        Assert.DoesNotContain("dpi@chu-lyon.mssante.fr", addresses);           // APP
        Assert.DoesNotContain("cabinet.anais@medecin.mssante.fr", addresses);  // CAB
        var anais = rows.Single(r => r[1] == "anais.lefevre-dupont@chu-lyon.mssante.fr");
        Assert.Equal(["PER", "8", "10004567891", "810004567891", "Pédiatrie", "LEFÈVRE-DUPONT", "Anaïs", "10", "true", "HOPITAL EDOUARD HERRIOT"],
            [anais[0], anais[2], anais[3], anais[4], anais[7], anais[9], anais[10], anais[13], anais[17], anais[18]]);
        var urgences = rows.Single(r => r[1] == "urgences@chu-lyon.mssante.fr");
        Assert.Equal(["ORG", "1", "1690781810", "Urgences   adultes", "69003"], [urgences[0], urgences[5], urgences[6], urgences[7], urgences[28]]);

        // Re-imported by the importer, with the same PS file: the same PER and ORG boxes.
        using var copy = DirectoryStore.Open(_dir.File("copy.db"));
        var imported = await copy.ImportAsync(new DirectoryImportSources(Samples.Ps, report.Path), new DirectoryImportOptions { Strict = true });
        Assert.Equal(0, imported.ErrorCount);
        var expected = Shown(store, MailboxType.Per, MailboxType.Org);
        Assert.Contains("PER anais.lefevre-dupont@chu-lyon.mssante.fr", expected);
        Assert.Contains("ORG urgences@chu-lyon.mssante.fr", expected);
        Assert.Equal(expected, Shown(copy, MailboxType.Per, MailboxType.Org, MailboxType.App, MailboxType.Cab));
        Assert.Equal("Pédiatrie", copy.FindPractitioner("810004567891")!.Mailboxes.Single().Service);
    }

    [Fact]
    public async Task An_empty_directory_exports_the_header_only()
    {
        using var store = DirectoryStore.Open(_dir.File("empty.db"));
        using var stream = new MemoryStream();
        var report = await store.ExportCorrespondanceAsync(stream, new DateTime(2026, 1, 2, 3, 4, 0, DateTimeKind.Utc));
        Assert.Equal(0, report.Rows);
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("Extraction_Correspondance_MSSante_202601020304.txt")!.Open());
        Assert.Equal(MssanteExtractionFormat.HeaderLine + "\n", await reader.ReadToEndAsync());
    }
}
