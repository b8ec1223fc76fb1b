// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Storage.Sql;
using Npgsql;

namespace Caducee.Storage.Postgres;

/// <summary>
/// The store on PostgreSQL, for one node among several sharing one database (and one blob folder and one
/// master key): the same <see cref="SqlMailStore"/>, plus a listener that hears the commits of the other
/// nodes (LISTEN/NOTIFY) and hands them to this node's change-feed listeners. The listener starts when
/// <see cref="SqlMailStore.MigrateAsync"/> (call it once before use) has opened the store.
/// </summary>
public sealed class PostgresMailStore : SqlMailStore
{
    private const FolderChangeKinds Recheck = FolderChangeKinds.NewMessages | FolderChangeKinds.Flags | FolderChangeKinds.Expunged;
    private readonly PostgresDialect _postgres;
    private readonly Lock _gate = new();
    private PostgresChangeListener? _listener;
    private bool _stopped;

    /// <param name="connectionString">An Npgsql connection string (Host, Database, Username, Password…).</param>
    /// <param name="blobs">The blob store, a folder shared by every node of the database.</param>
    /// <param name="keys">The keyring, under the master key every node of the database shares.</param>
    /// <param name="clock">The clock (tests).</param>
    public PostgresMailStore(string connectionString, IBlobStore blobs, Keyring keys, TimeProvider? clock = null)
        : this(new PostgresDialect(connectionString), blobs, keys, clock)
    {
    }

    private PostgresMailStore(PostgresDialect dialect, IBlobStore blobs, Keyring keys, TimeProvider? clock)
        : base(dialect, blobs, keys, clock)
    {
        _postgres = dialect;
    }

    /// <summary>The listener of other nodes' changes (null until the store is opened or subscribed to).</summary>
    internal PostgresChangeListener? Listener
    {
        get
        {
            lock (_gate)
            {
                return _listener;
            }
        }
    }

    /// <summary>
    /// Starts listening at open, and waits (a bounded time) until it listens: subscriptions made after that
    /// miss nothing. Should the listener not connect in time, it goes on trying, and signals every subscribed
    /// folder once connected.
    /// </summary>
    protected override async Task OnOpenedAsync(CancellationToken cancellationToken)
    {
        var listener = StartListener();
        if (listener is not null)
        {
            try
            {
                await listener.Listening.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still trying in the background.
            }
        }
    }

    protected override void OnSubscribed() => StartListener();

    private PostgresChangeListener? StartListener()
    {
        lock (_gate)
        {
            if (_listener is null && !_stopped)
            {
                _listener = new PostgresChangeListener(_postgres.ListenerConnectionString, _postgres.NodeId, PublishRemote, ResyncAsync);
            }

            return _listener;
        }
    }

    protected override async ValueTask DisposeBackendAsync()
    {
        PostgresChangeListener? listener;
        lock (_gate)
        {
            _stopped = true;
            listener = _listener;
            _listener = null;
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Signals every subscribed folder, and every folder of a subscribed mailbox, with its current HIGHESTMODSEQ.</summary>
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var (folders, mailboxes) = Subscribed();
        if (folders.Count == 0 && mailboxes.Count == 0)
        {
            return;
        }

        var changes = new List<FolderChanged>();
        try
        {
            await using var connection = await _postgres.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("SELECT id, mailbox_id, highest_modseq FROM folders WHERE id = ANY(@f) OR mailbox_id = ANY(@m);", connection);
            cmd.Parameters.AddWithValue("f", folders.ToArray());
            cmd.Parameters.AddWithValue("m", mailboxes.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                changes.Add(new FolderChanged(reader.GetInt64(1), reader.GetInt64(0), reader.GetInt64(2), Recheck));
            }
        }
        catch (NpgsqlException ex)
        {
            throw _postgres.Translate(ex);
        }

        if (changes.Count > 0)
        {
            PublishRemote(changes);
        }
    }
}
