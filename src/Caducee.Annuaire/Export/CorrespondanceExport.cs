// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Store;
using Microsoft.Data.Sqlite;
using Mss = Caducee.Annuaire.Import.MssanteExtractionFormat;

namespace Caducee.Annuaire.Export;

/// <summary>What an export wrote.</summary>
/// <param name="FileName">The ZIP name, <c>Extraction_Correspondance_MSSante_AAAAMMJJhhmm.zip</c>.</param>
/// <param name="EntryName">The text file inside it, <c>Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt</c>.</param>
/// <param name="Rows">Data rows (one per address).</param>
/// <param name="Path">Where the ZIP was written, when written to a folder.</param>
public sealed record ExtractionReport(string FileName, string EntryName, long Rows, string? Path = null);

/// <summary>
/// Writes the public <c>Extraction_Correspondance_MSSante</c> file (MSSANTE-SPEC §3.2, REQ-29): the 31
/// columns with the exact national header, '|' separated, UTF-8 without BOM, LF line ends, in a ZIP. Rows
/// are the national file's rows (as imported) that no publication replaced, then the operators' visible
/// publications, rendered from the directory's own data on the carrier. PER and ORG boxes only (no APP,
/// no CAB), never a liste-rouge box (REQ-24), and one row per address (the address is the only key).
/// </summary>
internal static class CorrespondanceExport
{
    public static string BaseName(DateTime timestamp) =>
        DirectoryImportSources.CorrespondancePrefix + "_" + timestamp.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string ZipName(DateTime timestamp) => BaseName(timestamp) + ".zip";

    public static ExtractionReport Write(SqliteConnection connection, SqliteTransaction snapshot, DirectoryView view, Stream output, DateTime timestamp, CancellationToken cancellationToken)
    {
        var entryName = BaseName(timestamp) + ".txt";
        var listeRouge = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in Rows(connection, snapshot, DirectorySchema.Table(DirectoryFileKind.ListeRouge)))
        {
            listeRouge.Add(key);
        }

        var publications = PublicationTable.ReadAll(connection, snapshot);
        var published = publications.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0;
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(entryName, CompressionLevel.Optimal);
            entry.LastWriteTime = new DateTimeOffset(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc));
            using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            writer.WriteLine(Mss.HeaderLine);
            Span<Range> f = stackalloc Range[Mss.ColumnCount + 2];
            var fields = new string[Mss.ColumnCount];
            foreach (var (key, line) in Rows(connection, snapshot, DirectorySchema.Table(DirectoryFileKind.CorrespondanceMssante)))
            {
                if (listeRouge.Contains(key) || published.Contains(key) || Fields.Split(line, f) != Mss.ColumnCount)
                {
                    continue;
                }

                var type = line.AsSpan()[f[Mss.Type]].Trim();
                if (!(type.SequenceEqual("PER") || type.SequenceEqual("ORG")) || !written.Add(key))
                {
                    continue;
                }

                for (var i = 0; i < Mss.ColumnCount; i++)
                {
                    fields[i] = line[f[i]];
                }

                writer.WriteLine(string.Join('|', fields));
                if (++rows % 50_000 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            foreach (var row in publications)
            {
                if (!row.Visible || listeRouge.Contains(row.Key) || row.Mailbox.Type is not (MailboxType.Per or MailboxType.Org) || written.Contains(row.Key))
                {
                    continue;
                }

                var line = row.Carrier == PublicationCarrier.Practitioner
                    ? view.Index.Find(row.Owner, view.Resolved) is { } p && p.IdNat == row.Owner ? PerLine(row.Mailbox, p) : null
                    : view.Index.FindStructure(row.Owner, view.Resolved) is { } s ? OrgLine(row.Mailbox, s) : null;
                if (line is not null)
                {
                    written.Add(row.Key);
                    writer.WriteLine(line);
                    rows++;
                }
            }
        }

        return new ExtractionReport(ZipName(timestamp), entryName, rows);
    }

    /// <summary>A PER row: the professional and the structure of its first activity.</summary>
    private static string PerLine(PublishedMailbox m, DirectoryPractitioner p)
    {
        var a = p.Activities.Count > 0 ? p.Activities[0] : null;
        var s = a?.Structure;
        var f = new string?[Mss.ColumnCount];
        f[Mss.Type] = "PER";
        f[Mss.Address] = m.Address;
        f[Mss.IdTypePP] = p.IdType;
        f[Mss.IdPP] = p.IdPP;
        f[Mss.IdNat] = p.IdNat;
        f[Mss.Service] = m.Service;
        f[Mss.Civility] = p.PracticeCivilityCode;
        f[Mss.FamilyName] = p.FamilyName;
        f[Mss.GivenName] = p.GivenName;
        f[Mss.CategoryCode] = a?.CategoryCode;
        f[Mss.CategoryLabel] = a?.CategoryLabel;
        f[Mss.ProfessionCode] = a?.ProfessionCode;
        f[Mss.ProfessionLabel] = a?.ProfessionLabel;
        f[Mss.SavoirFaireCode] = a?.SavoirFaireCode;
        f[Mss.SavoirFaireLabel] = a?.SavoirFaireLabel;
        f[Mss.Dematerialisation] = Boolean(m.Dematerialisation);
        Structure(f, s);
        return Join(f);
    }

    /// <summary>An ORG row: the structure and the box's service.</summary>
    private static string OrgLine(PublishedMailbox m, DirectoryStructure s)
    {
        var f = new string?[Mss.ColumnCount];
        f[Mss.Type] = "ORG";
        f[Mss.Address] = m.Address;
        f[Mss.Service] = m.Service ?? m.Description;
        f[Mss.Dematerialisation] = Boolean(m.Dematerialisation);
        Structure(f, s);
        return Join(f);
    }

    private static void Structure(string?[] f, DirectoryStructure? s)
    {
        if (s is null)
        {
            return;
        }

        f[Mss.StructureIdType] = s.FinessSite is not null ? "1" : s.Siret is not null ? "3" : null;
        f[Mss.StructureId] = s.NationalId;
        f[Mss.StructureName] = s.Name;
        f[Mss.Enseigne] = s.Enseigne;
        var a = s.Address;
        f[Mss.L2] = a.Recipient;
        f[Mss.L3] = a.DistributionMention;
        f[Mss.L4Number] = a.StreetNumber;
        f[Mss.L4Repetition] = a.StreetNumberRepetition;
        f[Mss.L4StreetType] = a.StreetType;
        f[Mss.L4StreetName] = a.StreetName;
        f[Mss.L5] = a.GeoPoint;
        f[Mss.L6] = string.Join(' ', new[] { a.PostalCode, a.City?.ToUpperInvariant() }.Where(x => !string.IsNullOrEmpty(x)));
        f[Mss.PostalCode] = a.PostalCode;
        f[Mss.Department] = a.DepartmentCode;
        f[Mss.Country] = a.Country ?? "France";
    }

    private static string? Boolean(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => null,
    };

    /// <summary>Joins the fields; a separator or a line break inside a value becomes a space (it cannot be quoted).</summary>
    private static string Join(string?[] fields) =>
        string.Join('|', fields.Select(v => v is null ? string.Empty : v.Replace('|', ' ').Replace('\r', ' ').Replace('\n', ' ').Trim()));

    private static IEnumerable<(string Key, string Line)> Rows(SqliteConnection connection, SqliteTransaction snapshot, string table)
    {
        using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = $"SELECT key, line FROM {table}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), reader.GetString(1));
        }
    }
}
