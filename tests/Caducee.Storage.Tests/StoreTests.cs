// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Sqlite;

namespace Caducee.Storage.Tests;

public sealed class StoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-store-");
    private readonly SqliteMailStore _store;

    public StoreTests()
    {
        _store = new SqliteMailStore(Path.Combine(_dir.FullName, "db", "caducee.db"));
        _store.MigrateAsync(default).GetAwaiter().GetResult();
        _store.AddDomainAsync("hopital.mssante.test", default).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Delete(recursive: true);
    }

    private Task<MailboxInfo> Create(string local, MailboxKind kind = MailboxKind.Per) =>
        _store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"{local}@hopital.mssante.test"), kind, local, "10100000001", "hash", null), default);

    [Fact]
    public async Task A_new_mailbox_has_the_special_use_folders()
    {
        var box = await Create("jean.dupont");
        var folders = await _store.ListFoldersAsync(box.Id, default);
        Assert.Equal(["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"], folders.Select(f => f.Name));
        Assert.Equal("\\Sent", folders.Single(f => f.Name == "Sent").SpecialUse);
        Assert.All(folders, f => Assert.Equal(1, f.UidNext));
        Assert.NotNull(await _store.GetFolderAsync(box.Id, "inbox", default));
    }

    [Fact]
    public async Task An_address_exists_once_whatever_its_case_REQ21()
    {
        await Create("jean.dupont");
        var ex = await Assert.ThrowsAsync<MailException>(() => Create("Jean.Dupont", MailboxKind.Org));
        Assert.Equal(MailError.Exists, ex.Error);
        var found = await _store.FindMailboxAsync(MailAddress.Parse("JEAN.DUPONT@hopital.mssante.test"), default);
        Assert.Equal(MailboxKind.Per, found!.Kind);
    }

    [Fact]
    public async Task A_mailbox_outside_the_hosted_domains_is_refused()
    {
        var ex = await Assert.ThrowsAsync<MailException>(() =>
            _store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse("x@elsewhere.fr"), MailboxKind.Per, null, null, null, null), default));
        Assert.Equal(MailError.NotFound, ex.Error);
    }

    [Fact]
    public async Task Accepting_delivers_with_increasing_UIDs_and_queues_remote_recipients_atomically()
    {
        var a = await Create("a");
        var b = await Create("b");
        var remote = new OutboundRecipient(MailAddress.Parse("x@cabinet.mssante.test"), NotifyOn.Failure, null);
        for (var i = 0; i < 3; i++)
        {
            await _store.AcceptAsync(new AcceptedMessage($"{i:x64}", 100 + i, DateTimeOffset.UtcNow, MailAddress.Parse("s@hopital.mssante.test"), [a.Id, b.Id], [remote], null, true), default);
        }

        var inboxA = (await _store.GetFolderAsync(a.Id, "INBOX", default))!;
        var messages = await _store.ListMessagesAsync(inboxA.Id, default);
        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.Uid));
        Assert.Equal(4, inboxA.UidNext);
        Assert.True(messages.Select(m => m.ModSeq).SequenceEqual(messages.Select(m => m.ModSeq).Order()));
        Assert.Equal(3, await _store.CountPendingAsync(default));
    }

    [Fact]
    public async Task The_queue_leases_recipients_and_forgets_messages_once_final()
    {
        var now = DateTimeOffset.UtcNow;
        var r1 = new OutboundRecipient(MailAddress.Parse("x@cabinet.mssante.test"), NotifyOn.Default, null);
        var r2 = new OutboundRecipient(MailAddress.Parse("y@cabinet.mssante.test"), NotifyOn.Default, null);
        await _store.AcceptAsync(new AcceptedMessage(new string('a', 64), 10, now, null, [], [r1, r2], "ENV1", false), default);

        var claimed = Assert.Single(await _store.ClaimDueAsync(now, now.AddMinutes(10), 10, default));
        Assert.Equal("cabinet.mssante.test", claimed.Domain);
        Assert.Equal("ENV1", claimed.EnvelopeId);
        Assert.Empty(await _store.ClaimDueAsync(now, now.AddMinutes(10), 10, default)); // leased

        await _store.RecordAsync(claimed.Id, [
            new DeliveryAttempt(claimed.Recipients[0].Id, DeliveryOutcome.Delivered, "250", null),
            new DeliveryAttempt(claimed.Recipients[1].Id, DeliveryOutcome.Deferred, "451", now.AddMinutes(1)),
        ], default);
        Assert.Equal(1, await _store.CountPendingAsync(default));
        Assert.Empty(await _store.ClaimDueAsync(now.AddSeconds(30), now.AddMinutes(10), 10, default));
        var retry = Assert.Single(await _store.ClaimDueAsync(now.AddMinutes(2), now.AddMinutes(12), 10, default));
        Assert.Equal(1, retry.Recipients.Single().Attempts);
        await _store.RecordAsync(retry.Id, [new DeliveryAttempt(retry.Recipients[0].Id, DeliveryOutcome.Failed, "550", null)], default);
        Assert.Equal(0, await _store.CountPendingAsync(default));
    }

    [Fact]
    public async Task Flags_are_added_with_a_new_modseq()
    {
        var a = await Create("a");
        await _store.AcceptAsync(new AcceptedMessage(new string('b', 64), 10, DateTimeOffset.UtcNow, null, [a.Id], [], null, true), default);
        var inbox = (await _store.GetFolderAsync(a.Id, "INBOX", default))!;
        var before = Assert.Single(await _store.ListMessagesAsync(inbox.Id, default));
        var changed = Assert.Single(await _store.AddFlagsAsync(inbox.Id, [1], MessageFlags.Seen | MessageFlags.Flagged, default));
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, changed.Flags);
        Assert.True(changed.ModSeq > before.ModSeq);
        Assert.Empty(await _store.AddFlagsAsync(inbox.Id, [1], MessageFlags.Seen, default)); // no change, no new modseq
    }

    [Fact]
    public async Task Closing_a_mailbox_keeps_it_but_marks_it_closed_REQ23()
    {
        await Create("a");
        Assert.True(await _store.SetMailboxStatusAsync(MailAddress.Parse("a@hopital.mssante.test"), MailboxStatus.Closed, default));
        Assert.Equal(MailboxStatus.Closed, (await _store.FindMailboxAsync(MailAddress.Parse("a@hopital.mssante.test"), default))!.Status);
        Assert.False(await _store.SetMailboxStatusAsync(MailAddress.Parse("nobody@hopital.mssante.test"), MailboxStatus.Closed, default));
    }

    [Fact]
    public async Task Migrations_are_idempotent_and_data_survives_reopening()
    {
        await Create("a");
        await _store.MigrateAsync(default);
        Assert.Equal(1, await _store.GetSchemaVersionAsync(default));
        using var reopened = new SqliteMailStore(Path.Combine(_dir.FullName, "db", "caducee.db"));
        await reopened.MigrateAsync(default);
        Assert.NotNull(await reopened.FindMailboxAsync(MailAddress.Parse("a@hopital.mssante.test"), default));
    }
}

public sealed class BlobStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-blobs-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Stores_bytes_exactly_encrypted_at_rest_and_once_per_content()
    {
        var key = MasterKey.LoadOrCreate(Path.Combine(_dir.FullName, "keys", "master.key"));
        var store = new FileBlobStore(Path.Combine(_dir.FullName, "blobs"), key);
        var message = Encoding.UTF8.GetBytes("Subject: Résultat\r\n\r\nHémoglobine 13,2 g/dL — patient DUPONT\r\n");
        var id = await store.PutAsync(message, default);
        Assert.Equal(id, await store.PutAsync(message, default));
        Assert.Equal(message, await store.ReadAsync(id, default));

        var files = Directory.GetFiles(Path.Combine(_dir.FullName, "blobs"), "*", SearchOption.AllDirectories);
        var onDisk = await File.ReadAllBytesAsync(Assert.Single(files));
        Assert.Equal(-1, onDisk.AsSpan().IndexOf("DUPONT"u8));
        Assert.Equal(-1, onDisk.AsSpan().IndexOf("moglobine"u8));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.FullName, "keys", "master.key")));
    }

    [Fact]
    public async Task Tampering_or_a_wrong_key_is_detected()
    {
        var store = new FileBlobStore(Path.Combine(_dir.FullName, "blobs"), MasterKey.LoadOrCreate(Path.Combine(_dir.FullName, "k1")));
        var id = await store.PutAsync("hello"u8.ToArray(), default);
        var file = Directory.GetFiles(Path.Combine(_dir.FullName, "blobs"), id, SearchOption.AllDirectories).Single();

        var other = new FileBlobStore(Path.Combine(_dir.FullName, "blobs"), MasterKey.LoadOrCreate(Path.Combine(_dir.FullName, "k2")));
        Assert.Equal(MailError.InvalidData, (await Assert.ThrowsAsync<MailException>(() => other.ReadAsync(id, default))).Error);

        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);
        Assert.Equal(MailError.InvalidData, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync(id, default))).Error);
        Assert.Equal(MailError.NotFound, (await Assert.ThrowsAsync<MailException>(() => store.ReadAsync(new string('0', 64), default))).Error);
    }
}
