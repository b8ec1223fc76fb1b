// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Search;
using Microsoft.Data.Sqlite;

namespace Caducee.Annuaire.Store;

/// <summary>
/// The Annuaire Santé directory: national extraction rows persisted in a SQLite file, searched through an
/// immutable in-memory index rebuilt after each import (ADR 0002). Thread-safe: searches never block;
/// imports are serialised and swap the index atomically when done.
/// </summary>
public sealed class DirectoryStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _importLock = new(1, 1);
    private volatile DirectoryIndex _index;

    private DirectoryStore(SqliteConnection connection, DirectoryIndex index)
    {
        _connection = connection;
        _index = index;
    }

    /// <summary>The SQLite file path.</summary>
    public string Path => _connection.DataSource;

    /// <summary>Number of practitioners in the index.</summary>
    public int PractitionerCount => _index.Count;

    /// <summary>Opens (creating if needed) the directory file and loads its index.</summary>
    public static DirectoryStore Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            DirectorySchema.Create(connection);
            DirectorySchema.Execute(connection, "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
            return new DirectoryStore(connection, DirectoryLoader.Load(connection));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Imports the given national files as a diff against the previous import (added / changed / removed
    /// rows per file), then rebuilds the search index. Malformed rows are reported and skipped, or stop the
    /// import with <see cref="DirectoryImportOptions.Strict"/> (that file's transaction is rolled back).
    /// </summary>
    /// <exception cref="DirectoryImportException">A file is not of the expected format, or a row is malformed in strict mode.</exception>
    public async Task<DirectoryImportReport> ImportAsync(
        DirectoryImportSources sources,
        DirectoryImportOptions? options = null,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new DirectoryImportOptions();
        await _importLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Import(sources, options, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _importLock.Release();
        }
    }

    /// <summary>Searches the directory; see <see cref="DirectoryQuery"/> and ADR 0002 for the ranking.</summary>
    public DirectoryResults Search(DirectoryQuery query) => _index.Search(query);

    /// <summary>Finds a practitioner by RPPS, national id (idNat) or ADELI national id.</summary>
    public DirectoryPractitioner? FindPractitioner(string identifier) => _index.Find(identifier);

    /// <summary>Finds an activity by its id (the FHIR PractitionerRole id, "idNat-hash"), with its practitioner.</summary>
    public (DirectoryPractitioner Practitioner, DirectoryActivity Activity)? FindPractitionerRole(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || _index.Find(id[..dash]) is not { } practitioner)
        {
            return null;
        }

        foreach (var activity in practitioner.Activities)
        {
            if (activity.Id == id)
            {
                return (practitioner, activity);
            }
        }

        return null;
    }

    /// <summary>Finds a structure by its id (the FHIR Organization id).</summary>
    public DirectoryStructure? FindStructure(string id) => _index.FindStructure(id);

    public void Dispose()
    {
        _connection.Dispose();
        _importLock.Dispose();
    }

    internal DirectoryIndex Index => _index;

    private DirectoryImportReport Import(DirectoryImportSources sources, DirectoryImportOptions options, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var files = new List<FileImportReport>();
        foreach (var (kind, path) in new[]
        {
            (DirectoryFileKind.PersonneActivite, sources.PersonneActivite),
            (DirectoryFileKind.CorrespondanceMssante, sources.CorrespondanceMssante),
            (DirectoryFileKind.ListeRouge, sources.ListeRouge),
        })
        {
            if (path is not null)
            {
                files.Add(DirectoryImporter.ImportFile(_connection, kind, path, options, progress, cancellationToken));
            }
        }

        // A fresh 2 M import writes about 1 GB through the WAL; fold it back and truncate the -wal file.
        DirectorySchema.Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        var importElapsed = stopwatch.Elapsed;
        stopwatch.Restart();
        _index = DirectoryLoader.Load(_connection);
        return new DirectoryImportReport(files, importElapsed, stopwatch.Elapsed);
    }
}
