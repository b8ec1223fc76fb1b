// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using Caducee.Annuaire.Export;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;
using Microsoft.Data.Sqlite;

namespace Caducee.Annuaire.Store;

/// <summary>
/// The Annuaire Santé directory: national extraction rows and operators' publications persisted in a
/// SQLite file, searched through an immutable in-memory index rebuilt after each import (ADR 0002), plus a
/// small overlay of the publications made since (ADR 0003). Thread-safe: searches never block; imports and
/// publications are serialised and swap the view atomically when done.
/// </summary>
public sealed class DirectoryStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile DirectoryView _view;
    private Task _compaction = Task.CompletedTask;
    private int _importGeneration;
    private long _changeCount;

    private DirectoryStore(SqliteConnection connection, DirectoryIndex index)
    {
        _connection = connection;
        _view = new DirectoryView(index, MailboxOverlay.Empty);
    }

    /// <summary>The SQLite file path.</summary>
    public string Path => _connection.DataSource;

    /// <summary>Number of practitioners in the index.</summary>
    public int PractitionerCount => _view.Index.Count;

    /// <summary>Grows by one at each import and each publication: what a cache of derived files compares.</summary>
    public long ChangeCount => Interlocked.Read(ref _changeCount);

    /// <summary>The overlay size from which publications are folded into a rebuilt index in the background.</summary>
    internal int CompactThreshold { get; set; } = 512;

    internal DirectoryIndex Index => _view.Index;

    internal DirectoryView View => _view;

    /// <summary>Opens (creating if needed) the directory file and loads its index.</summary>
    public static DirectoryStore Open(string path)
    {
        var connection = Connect(path, SqliteOpenMode.ReadWriteCreate);
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
    /// Operators' publications are kept and still take precedence over the files' rows.
    /// </summary>
    /// <exception cref="DirectoryImportException">A file is not of the expected format, or a row is malformed in strict mode.</exception>
    public async Task<DirectoryImportReport> ImportAsync(
        DirectoryImportSources sources,
        DirectoryImportOptions? options = null,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new DirectoryImportOptions();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Import(sources, options, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Searches the directory; see <see cref="DirectoryQuery"/> and ADR 0002 for the ranking.</summary>
    public DirectoryResults Search(DirectoryQuery query)
    {
        var view = _view;
        return view.Index.Search(query, view.Resolved);
    }

    /// <summary>Searches structures (FHIR Organization) by identifier, mailbox and mailbox type.</summary>
    public StructureResults SearchStructures(StructureQuery query)
    {
        var view = _view;
        return view.Index.SearchStructures(query, view.Resolved);
    }

    /// <summary>Finds a practitioner by RPPS, national id (idNat) or ADELI national id.</summary>
    public DirectoryPractitioner? FindPractitioner(string identifier)
    {
        var view = _view;
        return view.Index.Find(identifier, view.Resolved);
    }

    /// <summary>Finds an activity by its id (the FHIR PractitionerRole id, "idNat-hash"), with its practitioner.</summary>
    public (DirectoryPractitioner Practitioner, DirectoryActivity Activity)? FindPractitionerRole(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || FindPractitioner(id[..dash]) is not { } practitioner)
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
    public DirectoryStructure? FindStructure(string id)
    {
        var view = _view;
        return view.Index.FindStructure(id, view.Resolved);
    }

    /// <summary>
    /// Applies an operator's publication to the MSSanté telecoms of one carrier (REQ-26): a practitioner
    /// (<paramref name="owner"/>: its national id) or a structure (its id). Each box added, replaced or
    /// deleted becomes one durable row of the directory database (a publication replaces the national
    /// file's row for that address; a deletion hides it); searches see the change as soon as this returns.
    /// Address and type are immutable (REQ-21); the caller may touch only the domains of
    /// <paramref name="context"/>; a box published for another carrier must be deleted there first.
    /// </summary>
    /// <exception cref="PublicationException">An operation is refused; nothing was applied.</exception>
    public async Task<PublicationResult> PublishAsync(PublicationCarrier carrier, string owner, IReadOnlyList<MailboxPatchOperation> operations, PublicationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(context);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = Publish(carrier, owner, operations, context);
            Interlocked.Increment(ref _changeCount);
            if (_view.Overlay.Count >= CompactThreshold && _compaction.IsCompleted)
            {
                var generation = _importGeneration;
                _compaction = Task.Run(() => Compact(generation), CancellationToken.None);
            }

            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Folds the overlay of recent publications into a rebuilt index now (tests; done in the background otherwise).</summary>
    internal async Task CompactAsync()
    {
        await _compaction.ConfigureAwait(false);
        await Task.Run(() => Compact(_importGeneration)).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the public <c>Extraction_Correspondance_MSSante</c> (MSSANTE-SPEC §3.2, REQ-29) as a ZIP into
    /// <paramref name="output"/>: the national files' rows and the operators' publications, PER and ORG
    /// boxes only, no liste-rouge box, one row per address.
    /// </summary>
    public Task<ExtractionReport> ExportCorrespondanceAsync(Stream output, DateTime timestamp, CancellationToken cancellationToken = default)
    {
        var view = _view;
        return Task.Run(
            () =>
            {
                using var connection = Connect(Path, SqliteOpenMode.ReadWrite);
                connection.Open();
                using var snapshot = connection.BeginTransaction(deferred: true);
                return CorrespondanceExport.Write(connection, snapshot, view, output, timestamp, cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>Writes the export as <c>DIR/Extraction_Correspondance_MSSante_AAAAMMJJhhmm.zip</c> (atomically) and returns its report.</summary>
    public async Task<ExtractionReport> ExportCorrespondanceAsync(string directory, DateTime timestamp, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(directory);
        var name = CorrespondanceExport.ZipName(timestamp);
        var path = System.IO.Path.Combine(directory, name);
        var temp = path + ".tmp";
        ExtractionReport report;
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            report = await ExportCorrespondanceAsync(file, timestamp, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
        return report with { Path = path };
    }

    public void Dispose()
    {
        try
        {
            _compaction.Wait();
        }
        catch (AggregateException)
        {
            // A failed background rebuild changes nothing; the store is closing anyway.
        }

        _connection.Dispose();
        _writeLock.Dispose();
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());

    private PublicationResult Publish(PublicationCarrier carrier, string owner, IReadOnlyList<MailboxPatchOperation> operations, PublicationContext context)
    {
        var view = _view;
        IReadOnlyList<DirectoryMailbox> visible;
        string ownerKey;
        if (carrier == PublicationCarrier.Practitioner)
        {
            var practitioner = view.Index.Find(owner, view.Resolved) ?? throw new PublicationException(PublicationErrorKind.Invalid, $"no practitioner {owner} in the directory");
            (visible, ownerKey) = (practitioner.Mailboxes, practitioner.IdNat);
        }
        else
        {
            var structure = view.Index.FindStructure(owner, view.Resolved) ?? throw new PublicationException(PublicationErrorKind.Invalid, $"no structure {owner} in the directory");
            (visible, ownerKey) = (structure.Mailboxes, structure.Id);
        }

        using var transaction = _connection.BeginTransaction();
        var rows = PublicationTable.ReadOwner(_connection, transaction, carrier, ownerKey).ToDictionary(r => r.Key, StringComparer.Ordinal);

        // The carrier's boxes as the operations see them: what it shows, then its hidden (liste-rouge) publications.
        var entries = new List<(string Key, PublishedMailbox Value)>();
        foreach (var m in visible)
        {
            var key = m.Address.ToLowerInvariant();
            entries.Add((key, rows.TryGetValue(key, out var row) && row.Published
                ? row.Mailbox
                : new PublishedMailbox(m.Address, m.Type, false, m.Rank, m.Description, m.Service, null, m.Dematerialisation)));
        }

        foreach (var row in rows.Values.Where(r => r.Published && !entries.Exists(e => e.Key == r.Key)))
        {
            entries.Add((row.Key, row.Mailbox));
        }

        var changed = new Dictionary<string, (PublishedMailbox Value, bool Published)>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            switch (op.Kind)
            {
                case MailboxPatchKind.Add:
                    {
                        var value = op.Value ?? throw new PublicationException(PublicationErrorKind.Invalid, "add needs a value");
                        var key = value.Address.ToLowerInvariant();
                        CheckCarrierType(carrier, value.Type);
                        CheckDomain(context, value.Address);
                        if (entries.Exists(e => e.Key == key))
                        {
                            throw new PublicationException(PublicationErrorKind.Duplicate, $"{value.Address} is already published for this {carrier}; replace it to change its metadata");
                        }

                        var shownBy = view.Index.OwnerOf(key, view.Resolved);
                        var stored = PublicationTable.Find(_connection, transaction, key);
                        if ((shownBy is { } s && (s.Carrier != carrier || s.Owner != ownerKey))
                            || (stored is { Published: true } && (stored.Carrier != carrier || stored.Owner != ownerKey)))
                        {
                            var other = shownBy ?? (stored!.Carrier, stored.Owner);
                            throw new PublicationException(PublicationErrorKind.Conflict, $"{value.Address} is published for {other.Carrier}/{other.Owner}; delete it there first");
                        }

                        entries.Add((key, value));
                        changed[key] = (value, true);
                        break;
                    }

                case MailboxPatchKind.Replace:
                    {
                        var value = op.Value ?? throw new PublicationException(PublicationErrorKind.Invalid, "replace needs a value");
                        var (index, key) = Target(entries, op.Target, carrier);
                        var current = entries[index].Value;
                        if (!string.Equals(value.Address, current.Address, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new PublicationException(PublicationErrorKind.Immutable, "the address of a mailbox cannot change (REQ-21): delete it and add the new one");
                        }

                        if (value.Type != current.Type)
                        {
                            throw new PublicationException(PublicationErrorKind.Immutable, $"the type of a mailbox cannot change (REQ-21): {current.Address} is {Fhir.FhirMailboxPatch.TypeCode(current.Type)}");
                        }

                        CheckDomain(context, current.Address);
                        var updated = value with { Address = current.Address, Rank = value.Rank ?? current.Rank };
                        entries[index] = (key, updated);
                        changed[key] = (updated, true);
                        break;
                    }

                default:
                    {
                        var (index, key) = Target(entries, op.Target, carrier);
                        CheckDomain(context, entries[index].Value.Address);
                        changed[key] = (entries[index].Value, false);
                        entries.RemoveAt(index);
                        break;
                    }
            }
        }

        var version = PublicationTable.MaxVersion(_connection, transaction) + 1;
        var now = DateTimeOffset.UtcNow;
        foreach (var (_, (value, published)) in changed)
        {
            PublicationTable.Upsert(_connection, transaction, new PublicationRow(carrier, ownerKey, value, published, context.OperatorDn, version, now));
        }

        transaction.Commit();

        var shown = entries
            .Where(e => !e.Value.ListeRouge && !view.Index.ListeRouge.Contains(e.Key))
            .Select((e, i) => DirectoryLoader.ToDirectoryMailbox(e.Value, i + 1))
            .ToArray();
        var next = new DirectoryView(view.Index, view.Overlay.With(new OverlayEntry(carrier, ownerKey, shown, version)));
        _view = next;
        return new PublicationResult(
            [.. changed.Where(c => c.Value.Published).Select(c => c.Value.Value.Address)],
            [.. changed.Where(c => !c.Value.Published).Select(c => c.Value.Value.Address)],
            version,
            carrier == PublicationCarrier.Practitioner ? next.Index.Find(ownerKey, next.Resolved) : null,
            carrier == PublicationCarrier.Organization ? next.Index.FindStructure(ownerKey, next.Resolved) : null);
    }

    private static (int Index, string Key) Target(List<(string Key, PublishedMailbox Value)> entries, string? target, PublicationCarrier carrier)
    {
        var key = (target ?? string.Empty).Trim().ToLowerInvariant();
        var index = entries.FindIndex(e => e.Key == key);
        return index >= 0 ? (index, key) : throw new PublicationException(PublicationErrorKind.UnknownMailbox, $"{target} is not a published mailbox of this {carrier}");
    }

    private static void CheckCarrierType(PublicationCarrier carrier, MailboxType type)
    {
        var allowed = carrier == PublicationCarrier.Practitioner ? type is MailboxType.Per or MailboxType.Cab : type is MailboxType.Org or MailboxType.App;
        if (!allowed)
        {
            throw new PublicationException(PublicationErrorKind.NotSupported, carrier == PublicationCarrier.Practitioner
                ? $"a Practitioner carries PER and CAB mailboxes, not {Fhir.FhirMailboxPatch.TypeCode(type)} (REQ-20): publish ORG and APP boxes on the Organization"
                : $"an Organization carries ORG and APP mailboxes, not {Fhir.FhirMailboxPatch.TypeCode(type)} (REQ-20): publish PER and CAB boxes on the Practitioner");
        }
    }

    private static void CheckDomain(PublicationContext context, string address)
    {
        var at = address.LastIndexOf('@');
        var domain = (at < 0 ? address : address[(at + 1)..]).ToLowerInvariant();
        if (!context.MayPublishDomain(domain))
        {
            throw new PublicationException(PublicationErrorKind.ForeignDomain, $"the whitelist does not assign {domain} to the operator {context.OperatorDn}: an operator publishes its own domains only");
        }
    }

    private void Compact(int generation)
    {
        DirectoryIndex built;
        using (var connection = Connect(Path, SqliteOpenMode.ReadWrite))
        {
            connection.Open();
            using var snapshot = connection.BeginTransaction(deferred: true);
            built = DirectoryLoader.Load(connection, snapshot);
        }

        _writeLock.Wait();
        try
        {
            if (generation == _importGeneration)
            {
                _view = new DirectoryView(built, _view.Overlay.After(built.PublicationVersion));
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

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

        // Publications are serialised with imports, so the rebuilt index holds every one of them.
        _view = new DirectoryView(DirectoryLoader.Load(_connection), MailboxOverlay.Empty);
        _importGeneration++;
        Interlocked.Increment(ref _changeCount);
        return new DirectoryImportReport(files, importElapsed, stopwatch.Elapsed);
    }
}

/// <summary>An index and the publications made since it was built, bound together.</summary>
internal sealed class DirectoryView
{
    public DirectoryView(DirectoryIndex index, MailboxOverlay overlay)
    {
        Index = index;
        Overlay = overlay;
        Resolved = index.Resolve(overlay);
    }

    public DirectoryIndex Index { get; }

    public MailboxOverlay Overlay { get; }

    public ResolvedOverlay? Resolved { get; }
}
