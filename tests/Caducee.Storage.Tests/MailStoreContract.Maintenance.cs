// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using Caducee.Core.Model;

namespace Caducee.Storage.Tests;

/// <summary>Retention and blob collection (issue 4 point 6, ADR 0006).</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Retention_expunges_old_messages_of_domains_with_a_policy_only_REQ42()
    {
        await Store.UpdateDomainSettingsAsync(Domain, new DomainSettings(30, null, null), Ct);
        var a = await NewBoxAsync("a");
        var b = await NewBoxAsync("b", domain: OtherDomain); // no policy: kept forever
        var now = DateTimeOffset.UtcNow;
        var old = await DeliverAsync(a, Message("ancien"), now.AddDays(-45));
        var recent = await DeliverAsync(a, Message("récent"), now.AddDays(-5));
        var archived = await Store.AppendAsync((await FolderAsync(a, "Archive")).Id, [new AppendMessage(Message("archivé"), InternalDate: now.AddDays(-31))], Ct);
        await DeliverAsync(b, Message("autre domaine"), now.AddDays(-400));
        var inbox = await FolderAsync(a);
        var events = new ConcurrentQueue<FolderChanged>();
        using var subscription = Store.SubscribeMailbox(a.Id, events.Enqueue);

        var result = await Store.ApplyRetentionAsync(now, Ct);
        Assert.Equal(2, result.ExpungedByDomain[Domain]);
        Assert.False(result.ExpungedByDomain.ContainsKey(OtherDomain));
        Assert.Equal([recent.Uid], (await Store.ListMessagesAsync(inbox.Id, Ct)).Select(m => m.Uid));
        Assert.Empty(await Store.ListMessagesAsync((await FolderAsync(a, "Archive")).Id, Ct));
        Assert.Single(await Store.ListMessagesAsync((await FolderAsync(b)).Id, Ct));
        Assert.Equal([old.Uid], (await Store.GetChangesSinceAsync(inbox.Id, inbox.HighestModSeq, Ct)).Expunged); // recorded like any expunge
        Assert.Contains(events, e => e.FolderId == inbox.Id && e.Kinds == FolderChangeKinds.Expunged);
        Assert.Equal(1, (await Store.GetQuotaAsync(a.Id, Ct)).Messages);
        Assert.Single(archived.Uids);
        Assert.Equal(0, (await Store.ApplyRetentionAsync(now, Ct)).Total);
    }

    [Fact]
    public async Task Unreferenced_blobs_are_collected_after_the_grace_period_and_referenced_ones_kept()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var keep = await DeliverAsync([box], Message("gardé"));
        var drop = await DeliverAsync([box], Message("effacé"));
        var queued = await Store.AcceptAsync(new AcceptedMessage(Message("en file"), DateTimeOffset.UtcNow, null, [], [new OutboundRecipient(Caducee.Primitives.MailAddress.Parse("x@ailleurs.mssante.fr"), NotifyOn.Default, null)], null, true), Ct);
        await Store.StoreFlagsAsync(inbox.Id, [drop.Local[0].Uid], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        Assert.Equal(3, BlobFileCount());

        // Within the grace period nothing goes, referenced or not.
        var fresh = await Store.CollectBlobsAsync(TimeSpan.FromHours(1), Ct);
        Assert.Equal(0, fresh.Examined);
        Assert.Equal(3, BlobFileCount());

        foreach (var id in new[] { keep.BlobId, drop.BlobId, queued.BlobId })
        {
            Age(id, TimeSpan.FromHours(2));
        }

        var collected = await Store.CollectBlobsAsync(TimeSpan.FromHours(1), Ct);
        Assert.Equal(new BlobCollectionResult(3, 1, 0, 0), collected);
        Assert.Equal(2, BlobFileCount());
        await Fails(Caducee.Primitives.MailError.NotFound, () => Blobs.ReadAsync(drop.BlobId, Ct));
        Assert.NotEmpty(await Blobs.ReadAsync(keep.BlobId, Ct));
        Assert.NotEmpty(await Blobs.ReadAsync(queued.BlobId, Ct)); // a queue entry is a reference too
    }

    [Fact]
    public async Task A_delivery_of_the_same_content_during_a_collection_is_never_lost()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var content = Message("même contenu", body: "Compte rendu identique\r\n");

        // Case 1: the same content is delivered after the blob was chosen as a candidate (the put refreshes it).
        var id = await OrphanAsync(box, inbox, content);
        Age(id, TimeSpan.FromHours(2));
        LocalDelivery? during = null;
        var result = await Store.CollectBlobsAsync(TimeSpan.FromHours(1), async _ => during = await DeliverAsync(box, content), null, Ct);
        Assert.Equal(1, result.Restored);
        Assert.Equal(0, result.Deleted);
        Assert.Equal(content, await Blobs.ReadAsync((await Store.GetMessagesAsync(inbox.Id, [during!.Uid], false, Ct))[0].BlobId, Ct));

        // Case 2: delivered after it was moved aside (the put writes a fresh copy; the reference is seen).
        await Store.StoreFlagsAsync(inbox.Id, [during.Uid], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        Age(id, TimeSpan.FromHours(2));
        LocalDelivery? after = null;
        result = await Store.CollectBlobsAsync(TimeSpan.FromHours(1), null, async _ => after = await DeliverAsync(box, content), Ct);
        Assert.Equal(1, result.Restored);
        Assert.Equal(0, result.Deleted);
        Assert.Equal(content, await Blobs.ReadAsync(id, Ct));
        Assert.Equal(id, (await Store.GetMessagesAsync(inbox.Id, [after!.Uid], false, Ct))[0].BlobId);
        Assert.Equal(1, BlobFileCount());

        // Case 3: nobody wants it any more: it goes.
        await Store.StoreFlagsAsync(inbox.Id, [after.Uid], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        Age(id, TimeSpan.FromHours(2));
        Assert.Equal(1, (await Store.CollectBlobsAsync(TimeSpan.FromHours(1), Ct)).Deleted);
        Assert.Equal(0, BlobFileCount());
    }

    [Fact]
    public async Task Collections_racing_with_deliveries_of_identical_content_lose_nothing()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var content = Message("course", body: "Contenu partagé\r\n");
        for (var round = 0; round < 5; round++)
        {
            var id = await OrphanAsync(box, inbox, content);
            Age(id, TimeSpan.FromHours(2));
            var deliveries = Enumerable.Range(0, 6).Select(async i =>
            {
                await Task.Delay(i * round % 4);
                return await DeliverAsync(box, content);
            }).ToList();
            var collection = Store.CollectBlobsAsync(TimeSpan.FromHours(1), Ct);
            var delivered = await Task.WhenAll(deliveries);
            await collection;
            foreach (var d in delivered)
            {
                var message = (await Store.GetMessagesAsync(inbox.Id, [d.Uid], false, Ct)).Single();
                Assert.Equal(content, await Blobs.ReadAsync(message.BlobId, Ct));
            }

            // A later pass (with every file old) must still find them referenced.
            Age(id, TimeSpan.FromHours(2));
            Assert.Equal(0, (await Store.CollectBlobsAsync(TimeSpan.FromHours(1), Ct)).Deleted);
            Assert.Equal(content, await Blobs.ReadAsync(id, Ct));
        }
    }

    [Fact]
    public async Task Putting_existing_content_refreshes_its_time_and_leftover_temporary_files_go()
    {
        var box = await NewBoxAsync("a");
        var content = Message("rafraîchi");
        var id = (await DeliverAsync([box], content)).BlobId;
        Age(id, TimeSpan.FromDays(3));
        await DeliverAsync([box], content);
        Assert.True(DateTime.UtcNow - File.GetLastWriteTimeUtc(Blobs.PathOf(id)) < TimeSpan.FromMinutes(5));

        var temp = Path.Combine(Path.GetDirectoryName(Blobs.PathOf(id))!, $".{id}.crash.tmp");
        await File.WriteAllBytesAsync(temp, [1, 2, 3]);
        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddHours(-3));
        Assert.Equal(1, (await Store.CollectBlobsAsync(TimeSpan.FromHours(1), Ct)).TemporaryFilesDeleted);
        Assert.False(File.Exists(temp));
    }

    /// <summary>Delivers <paramref name="content"/> then expunges it: its blob is unreferenced. Returns the blob id.</summary>
    private async Task<string> OrphanAsync(MailboxInfo box, FolderInfo inbox, byte[] content)
    {
        var delivered = await DeliverAsync([box], content);
        await Store.StoreFlagsAsync(inbox.Id, [delivered.Local[0].Uid], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        return delivered.BlobId;
    }
}
