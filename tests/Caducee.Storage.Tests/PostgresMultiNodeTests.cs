// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Postgres;
using Caducee.Testing;
using Npgsql;

namespace Caducee.Storage.Tests;

/// <summary>
/// Two nodes on one PostgreSQL database (issue 4 points 3 and 5): two store instances, each with its own
/// writer, keyring and listener, sharing the database, the blob folder and the master key, as two
/// Caducée nodes behind a load balancer do.
/// </summary>
public sealed class PostgresMultiNodeTests : IAsyncLifetime
{
    private const string Domain = "hopital.mssante.test";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-nodes-");
    private readonly MasterKey _master = MasterKey.Generate();
    private PostgresServer _server = null!;
    private string _database = null!;

    private PostgresMailStore A { get; set; } = null!;

    private PostgresMailStore B { get; set; } = null!;

    private FileBlobStore BlobsA { get; set; } = null!;

    private FileBlobStore BlobsB { get; set; } = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.SharedAsync();
        _database = await _server.CreateDatabaseAsync("nodes");
        (A, BlobsA) = await OpenNodeAsync();
        await A.AddDomainAsync(Domain, Ct);
        (B, BlobsB) = await OpenNodeAsync();
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await _server.DropDatabaseAsync(_database);
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_change_made_through_one_node_is_heard_by_a_listener_of_the_other_issue4_point5()
    {
        var box = await NewBoxAsync(A, "secretariat", MailboxKind.Org);
        var inbox = (await A.GetFolderAsync(box.Id, "INBOX", Ct))!;
        var heardByA = new ConcurrentQueue<FolderChanged>();
        var mailboxHeardByA = new ConcurrentQueue<FolderChanged>();
        var heardByB = new ConcurrentQueue<FolderChanged>();
        using var folderListener = A.SubscribeFolder(inbox.Id, heardByA.Enqueue);
        using var mailboxListener = A.SubscribeMailbox(box.Id, mailboxHeardByA.Enqueue);
        using var ownListener = B.SubscribeFolder(inbox.Id, heardByB.Enqueue);

        var delivered = Assert.Single((await B.AcceptAsync(new AcceptedMessage(Message("Sortie de Mme X"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct)).Local);
        await Until(() => heardByA.Any(e => e.Kinds.HasFlag(FolderChangeKinds.NewMessages)), "A hears B's delivery");
        var flagged = await B.StoreFlagsAsync(inbox.Id, [delivered.Uid], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        var expunged = await B.ExpungeAsync(inbox.Id, null, Ct);
        var created = await B.CreateFolderAsync(box.Id, "Dossiers patients", null, Ct);
        await Until(() => heardByA.Any(e => e.HighestModSeq == expunged.HighestModSeq), "A hears B's expunge");
        await Until(() => mailboxHeardByA.Any(e => e.FolderId == created.Id), "A's mailbox listener hears B's new folder");

        // In order, with the folder's HIGHESTMODSEQ after each commit, from which A asks what changed.
        Assert.Equal([FolderChangeKinds.NewMessages, FolderChangeKinds.Flags, FolderChangeKinds.Expunged], heardByA.Select(e => e.Kinds));
        Assert.Equal(flagged.HighestModSeq, heardByA.ElementAt(1).HighestModSeq);
        Assert.All(heardByA, e => Assert.Equal((box.Id, inbox.Id), (e.MailboxId, e.FolderId)));
        Assert.Contains(mailboxHeardByA, e => e.FolderId == created.Id && e.Kinds == FolderChangeKinds.Created);
        var changes = await A.GetChangesSinceAsync(inbox.Id, heardByA.First().HighestModSeq, Ct);
        Assert.Equal([delivered.Uid], changes.Expunged);
        Assert.Equal(expunged.HighestModSeq, changes.HighestModSeq);

        // B's own listener hears each of B's commits once: in-process, not a second time through NOTIFY.
        await Task.Delay(300);
        Assert.Equal([FolderChangeKinds.NewMessages, FolderChangeKinds.Flags, FolderChangeKinds.Expunged], heardByB.Select(e => e.Kinds));
    }

    [Fact]
    public async Task Concurrent_writers_through_two_nodes_keep_UIDs_unique_increasing_and_MODSEQ_consistent()
    {
        var box = await NewBoxAsync(A, "accueil", MailboxKind.Org);
        var inbox = (await A.GetFolderAsync(box.Id, "INBOX", Ct))!;
        var given = new ConcurrentBag<(long Uid, long ModSeq)>();
        var problems = new ConcurrentBag<string>();
        using var done = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var state = await A.LoadFolderStateAsync(inbox.Id, Ct);
                var uids = state.Messages.Select(m => m.Uid).ToList();
                if (!uids.SequenceEqual(uids.Order()) || uids.Distinct().Count() != uids.Count || uids.Any(u => u >= state.Folder.UidNext) || state.Folder.MessageCount != uids.Count)
                {
                    problems.Add($"inconsistent snapshot at UIDNEXT {state.Folder.UidNext}");
                }
            }
        });

        var writers = new[] { A, B }.SelectMany(node => Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var last = 0L;
            for (var i = 0; i < 12; i++)
            {
                long uid, modseq;
                if (i % 2 == 0)
                {
                    var appended = await node.AppendAsync(inbox.Id, [new AppendMessage(Message($"{w}-{i}"))], Ct);
                    (uid, modseq) = (appended.Uids[0], appended.HighestModSeq);
                }
                else
                {
                    var delivered = Assert.Single((await node.AcceptAsync(new AcceptedMessage(Message($"{w}-{i}"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct)).Local);
                    (uid, modseq) = (delivered.Uid, 0);
                }

                if (uid <= last)
                {
                    problems.Add($"writer {w} got UID {uid} after {last}");
                }

                last = uid;
                given.Add((uid, modseq));
            }
        }))).ToList();
        await Task.WhenAll(writers);
        await done.CancelAsync();
        await reader;

        Assert.Empty(problems);
        Assert.Equal(192, given.Count);
        Assert.Equal(given.Count, given.Select(g => g.Uid).Distinct().Count());
        var final = await B.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(given.Select(g => g.Uid).Order(), final.Messages.Select(m => m.Uid));
        Assert.Equal(final.Messages.Max(m => m.Uid) + 1, final.Folder.UidNext);
        // UIDs and MODSEQs are given together under the folder's row lock: in UID order, MODSEQs strictly grow.
        var modseqs = final.Messages.Select(m => m.ModSeq).ToList();
        Assert.True(modseqs.Zip(modseqs.Skip(1)).All(p => p.First < p.Second), "MODSEQ follows UID order");
        Assert.All(given.Where(g => g.ModSeq > 0), g => Assert.Equal(g.ModSeq, final.Messages.Single(m => m.Uid == g.Uid).ModSeq));
        Assert.Equal(final.Messages[^1].ModSeq, final.Folder.HighestModSeq);
        Assert.Equal((192, 192L), ((int)final.Folder.MessageCount, (await A.GetQuotaAsync(box.Id, Ct)).Messages));
    }

    [Fact]
    public async Task A_node_reads_content_sealed_under_keys_another_node_created_after_it_started()
    {
        // B hosts a new domain: its data key is created by B; A never loaded it.
        const string NewDomain = "clinique.mssante.test";
        await B.AddDomainAsync(NewDomain, Ct);
        var box = await NewBoxAsync(B, "accueil", MailboxKind.Org, NewDomain);
        var content = Message("Admission de M. Y");
        var delivered = await B.AcceptAsync(new AcceptedMessage(content, DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct);
        var inbox = (await A.GetFolderAsync(box.Id, "INBOX", Ct))!;
        Assert.Equal("Admission de M. Y", (await A.GetMessagesAsync(inbox.Id, [1], withViews: true, Ct))[0].Views!.Subject);
        Assert.Equal(content, await BlobsA.ReadAsync(delivered.BlobId, Ct));

        // B rotates an existing domain's key and writes under it: A still reads everything.
        var own = await NewBoxAsync(A, "cardiologie", MailboxKind.Org);
        await B.RotateDomainKeyAsync(Domain, Ct);
        var rotated = Message("Après rotation sur l'autre nœud");
        var second = await B.AcceptAsync(new AcceptedMessage(rotated, DateTimeOffset.UtcNow, null, [own.Id], [], null, true), Ct);
        var ownInbox = (await A.GetFolderAsync(own.Id, "INBOX", Ct))!;
        Assert.Equal("Après rotation sur l'autre nœud", (await A.GetMessagesAsync(ownInbox.Id, [1], withViews: true, Ct))[0].Views!.Subject);
        Assert.Equal(rotated, await BlobsA.ReadAsync(second.BlobId, Ct));

        // And A delivers to the domain B added (its current key is loaded on first use).
        var fromA = Assert.Single((await A.AcceptAsync(new AcceptedMessage(Message("De A"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct)).Local);
        Assert.Equal(2, fromA.Uid);
        Assert.Equal("De A", (await B.GetMessagesAsync(inbox.Id, [2], withViews: true, Ct))[0].Views!.Subject);
    }

    [Fact]
    public async Task The_listener_reconnects_and_signals_every_subscribed_folder_so_a_missed_notification_loses_nothing()
    {
        var box = await NewBoxAsync(A, "urgences", MailboxKind.Org);
        var inbox = (await A.GetFolderAsync(box.Id, "INBOX", Ct))!;
        var heard = new ConcurrentQueue<FolderChanged>();
        using var listener = A.SubscribeFolder(inbox.Id, heard.Enqueue);
        var delivered = Assert.Single((await B.AcceptAsync(new AcceptedMessage(Message("avant"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct)).Local);
        await Until(() => !heard.IsEmpty, "A hears B's delivery");
        var first = A.Listener!.BackendProcessId;
        Assert.NotEqual(0, first);
        Assert.Equal(1, A.Listener.Connections);

        // The link breaks (the listener's server process is killed) and stays down: no new connection.
        await _server.AdminAsync($"ALTER DATABASE \"{_database}\" ALLOW_CONNECTIONS false;");
        try
        {
            await _server.AdminAsync($"SELECT pg_terminate_backend({first});");
            await Until(() => A.Listener.BackendProcessId == 0, "A's listener notices");

            // Meanwhile B changes the folder (its writer's connection is open): the NOTIFY reaches no one.
            var flagged = await B.StoreFlagsAsync(inbox.Id, [delivered.Uid], FlagChange.Add(MessageFlags.Seen), null, Ct);
            await Task.Delay(500);
            Assert.DoesNotContain(heard, e => e.HighestModSeq >= flagged.HighestModSeq);

            // Back: the listener reconnects by itself and signals the folder with its current HIGHESTMODSEQ.
            await _server.AdminAsync($"ALTER DATABASE \"{_database}\" ALLOW_CONNECTIONS true;");
            await Until(() => heard.Any(e => e.HighestModSeq == flagged.HighestModSeq), "A's listener signals the folder after reconnecting", seconds: 20);
            Assert.Equal(2, A.Listener.Connections);
            Assert.NotEqual(first, A.Listener.BackendProcessId);
            var changes = await A.GetChangesSinceAsync(inbox.Id, heard.First().HighestModSeq, Ct);
            Assert.Equal(MessageFlags.Seen, Assert.Single(changes.Changed).Flags);
        }
        finally
        {
            await _server.AdminAsync($"ALTER DATABASE \"{_database}\" ALLOW_CONNECTIONS true;");
        }
    }

    [Fact]
    public async Task Two_nodes_sharing_one_queue_never_claim_the_same_recipient()
    {
        var now = DateTimeOffset.UtcNow;
        var recipients = Enumerable.Range(0, 90).Select(i => new OutboundRecipient(MailAddress.Parse($"r{i}@operateur{i % 30}.mssante.fr"), NotifyOn.Default, null)).ToList();
        for (var m = 0; m < 3; m++)
        {
            await A.AcceptAsync(new AcceptedMessage(Message($"file {m}"), now, null, [], recipients.Skip(m * 30).Take(30).ToList(), null, false), Ct);
        }

        var claims = new ConcurrentBag<long>();
        var claimers = new[] { A, B, A, B }.Select(node => Task.Run(async () =>
        {
            while (true)
            {
                var items = await node.ClaimDueAsync(now.AddSeconds(1), now.AddMinutes(10), 3, Ct);
                if (items.Count == 0)
                {
                    return;
                }

                foreach (var r in items.SelectMany(i => i.Recipients))
                {
                    claims.Add(r.Id);
                }
            }
        })).ToList();
        await Task.WhenAll(claimers);

        Assert.Equal(90, claims.Count);
        Assert.Equal(90, claims.Distinct().Count());
        Assert.Equal(90, await B.CountPendingAsync(Ct)); // leased, not delivered
    }

    [Fact]
    public async Task A_deadlock_with_another_node_is_undone_and_run_again_and_the_write_succeeds()
    {
        var box = await NewBoxAsync(A, "pharmacie", MailboxKind.Org);
        var inbox = (await A.GetFolderAsync(box.Id, "INBOX", Ct))!;
        var archive = (await A.GetFolderAsync(box.Id, "Archive", Ct))!;
        var delivered = Assert.Single((await A.AcceptAsync(new AcceptedMessage(Message("à classer"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct)).Local);

        // A node's writers detect a deadlock after 1 s here (a second node, the raw connection, after 60 s):
        // PostgreSQL then fails A's statement, and A's writer must run its batch again.
        await _server.AdminAsync($"ALTER ROLE caducee IN DATABASE \"{_database}\" SET deadlock_timeout = '1s';");
        await using var restart = await OpenNodeAsync();
        await using var other = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server.AdminConnectionString) { Database = _database }.ConnectionString);
        await other.OpenAsync();
        await Exec(other, "SET deadlock_timeout = '60s';");
        await using var tx = await other.BeginTransactionAsync();
        await Exec(other, $"UPDATE folders SET highest_modseq = highest_modseq WHERE id = {inbox.Id};", tx);

        // MOVE locks the target (Archive), then the source (INBOX): it waits for the other transaction…
        var move = restart.Store.MoveAsync(inbox.Id, [delivered.Uid], archive.Id, Ct);
        await Until(() => WaitingForLocks() > 0, "the move waits for the INBOX row");
        // …which now waits for Archive: a cycle, found by A's writer, which gives way and runs again.
        await Exec(other, $"UPDATE folders SET highest_modseq = highest_modseq WHERE id = {archive.Id};", tx);
        await tx.CommitAsync();

        var moved = await move;
        Assert.Equal([delivered.Uid], moved.Expunged);
        Assert.True(restart.Store.WriteRetries >= 1, "the batch was run again");
        Assert.Empty((await A.LoadFolderStateAsync(inbox.Id, Ct)).Messages);
        Assert.Equal([1L], (await A.LoadFolderStateAsync(archive.Id, Ct)).Messages.Select(m => m.Uid));
    }

    private int WaitingForLocks()
    {
        using var c = new NpgsqlConnection(_server.AdminConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = @d AND wait_event_type = 'Lock';", c);
        cmd.Parameters.AddWithValue("d", _database);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task Exec(NpgsqlConnection c, string sql, NpgsqlTransaction? tx = null)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<NodeHandle> OpenNodeAsync()
    {
        var keys = new Keyring(_master);
        var blobs = new FileBlobStore(Path.Combine(_dir.FullName, "blobs"), keys);
        var store = new PostgresMailStore(_server.ConnectionString(_database), blobs, keys);
        await store.MigrateAsync(Ct);
        return new NodeHandle(store, blobs);
    }

    [Fact]
    public async Task A_folder_state_cached_by_one_node_follows_the_changes_made_through_the_other_issue6_point3()
    {
        var box = await NewBoxAsync(A, "volumineux", MailboxKind.Org);
        var inbox = (await A.GetFolderAsync(box.Id, "INBOX", Ct))!;
        var count = Caducee.Storage.Sql.FolderStateCache.MinimumMessages + 50;
        await A.AppendAsync(inbox.Id, [.. Enumerable.Range(1, count).Select(i => new AppendMessage(Message("m" + i)))], Ct);
        Assert.Equal(count, (await A.LoadFolderStateAsync(inbox.Id, Ct)).Messages.Length);
        var merges = A.FolderStates.Merges;

        await B.StoreFlagsAsync(inbox.Id, [7, 8, 9], FlagChange.Add(MessageFlags.Deleted | MessageFlags.Seen, "$Relu"), null, Ct);
        await B.ExpungeAsync(inbox.Id, [8], Ct);
        await B.AcceptAsync(new AcceptedMessage(Message("par B"), DateTimeOffset.UtcNow, null, [box.Id], [], null, true), Ct);

        var onA = await A.LoadFolderStateAsync(inbox.Id, Ct);
        var rows = await B.ListMessagesAsync(inbox.Id, Ct);
        Assert.Equal(rows.Select(m => (m.Uid, m.ModSeq, m.Flags, string.Join(',', m.Keywords))), onA.Messages.Select(m => (m.Uid, m.ModSeq, m.Flags, string.Join(',', onA.KeywordsOf(m)))));
        Assert.Equal(count, onA.Messages.Length); // one expunged, one delivered
        Assert.Equal(merges + 1, A.FolderStates.Merges);
    }

    private static Task<MailboxInfo> NewBoxAsync(PostgresMailStore node, string local, MailboxKind kind, string domain = Domain) =>
        node.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"{local}@{domain}"), kind, kind == MailboxKind.Org ? PrincipalRef.Structure("312345678900018") : PrincipalRef.Professional("10100000001")), Ct);

    private static byte[] Message(string subject) =>
        Encoding.UTF8.GetBytes($"From: a@hopital.mssante.test\r\nTo: b@hopital.mssante.test\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@x>\r\n\r\nCorps.\r\n");

    private static async Task Until(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out ({seconds} s) waiting until {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A node's store and its blob view, disposable as one.</summary>
    private sealed record NodeHandle(PostgresMailStore Store, FileBlobStore Blobs) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Store.DisposeAsync();
    }
}
