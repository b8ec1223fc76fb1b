// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Annuaire.Import;

/// <summary>Which national file a row comes from.</summary>
public enum DirectoryFileKind
{
    /// <summary><c>PS_LibreAcces_Personne_activite</c> (56 columns).</summary>
    PersonneActivite,

    /// <summary><c>Extraction_Correspondance_MSSante</c> (31 columns).</summary>
    CorrespondanceMssante,

    /// <summary>
    /// Caducée liste-rouge file: same 31 columns as the MSSanté extraction, every row a liste-rouge box
    /// known to this operator (the national extraction never carries them, REQ-24).
    /// </summary>
    ListeRouge,
}

/// <summary>A malformed row: file, 1-based line and column, and what is wrong.</summary>
public sealed record ImportError(string File, int Line, int Column, string? ColumnName, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {(ColumnName is null ? "" : $"[{ColumnName}] ")}{Message}";
}

/// <summary>Progress of an import, reported every 50,000 rows and at the end of each file.</summary>
public sealed record ImportProgress(DirectoryFileKind Kind, string File, long BytesRead, long TotalBytes, long Rows, int Errors, bool Completed)
{
    /// <summary>Fraction done, 0..1 (bytes of the decompressed content).</summary>
    public double Fraction => TotalBytes <= 0 ? 0 : Math.Min(1.0, (double)BytesRead / TotalBytes);
}

/// <summary>What a re-import changed in one file, compared with the previous import.</summary>
public sealed record FileImportReport(
    DirectoryFileKind Kind,
    string File,
    string Encoding,
    long Rows,
    long Added,
    long Changed,
    long Removed,
    long Unchanged,
    long Duplicates,
    int ErrorCount,
    IReadOnlyList<ImportError> Errors,
    TimeSpan Elapsed);

/// <summary>The result of <c>DirectoryStore.ImportAsync</c>.</summary>
public sealed record DirectoryImportReport(IReadOnlyList<FileImportReport> Files, TimeSpan ImportElapsed, TimeSpan IndexElapsed)
{
    public long Added => Files.Sum(f => f.Added);

    public long Changed => Files.Sum(f => f.Changed);

    public long Removed => Files.Sum(f => f.Removed);

    public int ErrorCount => Files.Sum(f => f.ErrorCount);
}

/// <summary>The files to import; any may be null (that file's rows are then left as they are).</summary>
public sealed record DirectoryImportSources(string? PersonneActivite = null, string? CorrespondanceMssante = null, string? ListeRouge = null)
{
    public const string PersonneActivitePrefix = "PS_LibreAcces_Personne_activite";
    public const string CorrespondancePrefix = "Extraction_Correspondance_MSSante";
    public const string ListeRougePrefix = "Caducee_BAL_ListeRouge";

    /// <summary>
    /// Picks the latest files of each kind in <paramref name="directory"/> by name (.txt or .zip; a
    /// <c>PS_LibreAcces_*.zip</c> archive also counts for Personne_activite).
    /// </summary>
    public static DirectoryImportSources FromDirectory(string directory)
    {
        static string? Latest(string dir, params string[] patterns) => patterns
            .SelectMany(p => System.IO.Directory.EnumerateFiles(dir, p))
            .Order(StringComparer.Ordinal)
            .LastOrDefault();

        return new DirectoryImportSources(
            Latest(directory, PersonneActivitePrefix + "*.txt", PersonneActivitePrefix + "*.zip", "PS_LibreAcces_2*.zip"),
            Latest(directory, CorrespondancePrefix + "*.txt", CorrespondancePrefix + "*.zip"),
            Latest(directory, ListeRougePrefix + "*.txt", ListeRougePrefix + "*.zip"));
    }
}

/// <summary>Import behaviour.</summary>
public sealed record DirectoryImportOptions
{
    /// <summary>Stop at the first malformed row and roll the file back (default: report and go on).</summary>
    public bool Strict { get; init; }

    /// <summary>How many errors are kept in each file's report (all are counted).</summary>
    public int MaxReportedErrors { get; init; } = 1000;
}

/// <summary>Thrown on a fatal import problem, or on the first malformed row in strict mode.</summary>
public sealed class DirectoryImportException : Exception
{
    public DirectoryImportException(ImportError error)
        : base(error.ToString())
    {
        Error = error;
    }

    public DirectoryImportException()
        : base("directory import failed")
    {
        Error = new ImportError("", 0, 0, null, "directory import failed");
    }

    public DirectoryImportException(string message)
        : base(message)
    {
        Error = new ImportError("", 0, 0, null, message);
    }

    public DirectoryImportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new ImportError("", 0, 0, null, message);
    }

    public ImportError Error { get; }
}
