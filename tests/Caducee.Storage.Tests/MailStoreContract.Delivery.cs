// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>Delivery, quotas, the queue, concurrency (point 5) and the change feed.</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Accepting_delivers_one_blob_to_every_inbox_and_queues_remote_recipients_atomically()
    {
        var a = await NewBoxAsync("a");
        var b = await NewBoxAsync("b", domain: OtherDomain);
        var remote = new OutboundRecipient(MailAddress.Parse("x@ailleurs.mssante.fr"), NotifyOn.Failure, "rfc822;x@ailleurs.mssante.fr");
        var content = Message("Résultats d'analyse");
        var result = await DeliverAsync([a, b], content, remote: [remote]);
        Assert.True(result.AllLocalDelivered);
        Assert.Equal([a.Id, b.Id], result.Local.Select(l => l.MailboxId));
        Assert.All(result.Local, l => Assert.Equal(1, l.Uid));
        Assert.Equal(1, BlobFileCount()); // one copy whatever the number of recipients
        var inA = Assert.Single(await Store.ListMessagesAsync((await FolderAsync(a)).Id, Ct));
        var inB = Assert.Single(await Store.ListMessagesAsync((await FolderAsync(b)).Id, Ct));
        Assert.Equal(result.BlobId, inA.BlobId);
        Assert.Equal(result.BlobId, inB.BlobId);
        Assert.Equal(content, await Blobs.ReadAsync(result.BlobId, Ct));
        Assert.Equal(1, await Store.CountPendingAsync(Ct));
        var queued = Assert.Single(await Store.ClaimDueAsync(DateTimeOffset.UtcNow.AddSeconds(1), DateTimeOffset.UtcNow.AddMinutes(5), 10, Ct));
        Assert.Equal(result.BlobId, queued.BlobId);
        Assert.Equal(result.QueueId, queued.QueueId);
        Assert.Equal("rfc822;x@ailleurs.mssante.fr", queued.Recipients.Single().Recipient.OriginalRecipient);

        // Durable: another instance over the same data sees it all.
        await ReopenAsync();
        Assert.Single(await Store.ListMessagesAsync((await FolderAsync(a)).Id, Ct));
        Assert.Equal(content, await Blobs.ReadAsync(result.BlobId, Ct));
    }

    [Fact]
    public async Task Each_local_recipient_is_refused_alone_over_quota_closed_or_unknown()
    {
        await Store.UpdateDomainSettingsAsync(Domain, new DomainSettings(null, 4_000, null), Ct);
        var small = await NewBoxAsync("small");
        var big = await NewBoxAsync("big", quota: new QuotaLimits(1_000_000, 2));
        var closed = await NewBoxAsync("closed");
        await Store.SetMailboxStatusAsync(closed.Address, MailboxStatus.Closed, Ct);
        var content = Message("x", body: new string('a', 1500));

        Assert.True((await DeliverAsync([small, big], content)).AllLocalDelivered);
        Assert.True((await DeliverAsync([small, big], content)).AllLocalDelivered);
        var third = await Store.AcceptAsync(new AcceptedMessage(content, DateTimeOffset.UtcNow, null, [small.Id, big.Id, closed.Id, 9999], [], null, true), Ct);
        Assert.Equal([MailError.OverQuota, MailError.OverQuota, MailError.MailboxDisabled, MailError.NotFound], third.Local.Select(l => l.Refusal));
        Assert.Contains("storage quota", third.Local[0].Reason, StringComparison.Ordinal); // small: the domain's 4,000 bytes
        Assert.Contains("message quota", third.Local[1].Reason, StringComparison.Ordinal); // big: its own 2 messages

        var usage = await Store.GetQuotaAsync(small.Id, Ct);
        Assert.Equal(2, usage.Messages);
        Assert.Equal(2L * content.Length, usage.StorageBytes);
        Assert.Equal(4_000, usage.StorageLimit);
        Assert.Null(usage.MessageLimit);
        Assert.Equal(new QuotaUsage(2L * content.Length, 2, 1_000_000, 2), await Store.GetQuotaAsync(big.Id, Ct));

        // Freeing space (expunge) lets mail in again: usage is kept transactionally.
        var inbox = await FolderAsync(small);
        await Store.StoreFlagsAsync(inbox.Id, [1, 2], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        Assert.Equal(new QuotaUsage(0, 0, 4_000, null), await Store.GetQuotaAsync(small.Id, Ct));
        Assert.True((await DeliverAsync([small], content)).AllLocalDelivered);
        await Store.SetQuotaAsync(small.Id, new QuotaLimits(null, 1), Ct);
        Assert.Equal(MailError.OverQuota, (await DeliverAsync(small, content)).Refusal);
        await Fails(MailError.Parameters, () => Store.SetQuotaAsync(small.Id, new QuotaLimits(-1, null), Ct));
        await Fails(MailError.Parameters, () => Store.AcceptAsync(new AcceptedMessage(content, DateTimeOffset.UtcNow, null, [], [], null, true), Ct));
    }

    [Fact]
    public async Task The_queue_leases_recipients_and_forgets_messages_once_final()
    {
        var now = DateTimeOffset.UtcNow;
        var r1 = new OutboundRecipient(MailAddress.Parse("x@cabinet-est.mssante.fr"), NotifyOn.Default, null);
        var r2 = new OutboundRecipient(MailAddress.Parse("y@cabinet-est.mssante.fr"), NotifyOn.Default, null);
        await Store.AcceptAsync(new AcceptedMessage(Message("q"), now, null, [], [r1, r2], "ENV1", false), Ct);

        var claimed = Assert.Single(await Store.ClaimDueAsync(now, now.AddMinutes(10), 10, Ct));
        Assert.Equal("cabinet-est.mssante.fr", claimed.Domain);
        Assert.Equal("ENV1", claimed.EnvelopeId);
        Assert.False(claimed.ReturnFullMessage);
        Assert.Empty(await Store.ClaimDueAsync(now, now.AddMinutes(10), 10, Ct)); // leased

        await Store.RecordAsync(claimed.Id, [
            new DeliveryAttempt(claimed.Recipients[0].Id, DeliveryOutcome.Delivered, "250", null),
            new DeliveryAttempt(claimed.Recipients[1].Id, DeliveryOutcome.Deferred, "451", now.AddMinutes(1)),
        ], Ct);
        Assert.Equal(1, await Store.CountPendingAsync(Ct));
        Assert.Empty(await Store.ClaimDueAsync(now.AddSeconds(30), now.AddMinutes(10), 10, Ct));
        var retry = Assert.Single(await Store.ClaimDueAsync(now.AddMinutes(2), now.AddMinutes(12), 10, Ct));
        Assert.Equal(1, retry.Recipients.Single().Attempts);
        await Store.RecordAsync(retry.Id, [new DeliveryAttempt(retry.Recipients[0].Id, DeliveryOutcome.Failed, "550", null)], Ct);
        Assert.Equal(0, await Store.CountPendingAsync(Ct));
    }

    [Fact]
    public async Task A_node_takes_back_its_own_leases_after_a_crash_but_never_another_nodes_issue5()
    {
        var now = DateTimeOffset.UtcNow;
        await Store.AcceptAsync(new AcceptedMessage(Message("l1"), now, null, [], [new OutboundRecipient(MailAddress.Parse("x@lease-a.mssante.fr"), NotifyOn.Default, null)], null, true), Ct);
        await Store.AcceptAsync(new AcceptedMessage(Message("l2"), now, null, [], [new OutboundRecipient(MailAddress.Parse("y@lease-b.mssante.fr"), NotifyOn.Default, null)], null, true), Ct);
        var mine = Assert.Single(await Store.ClaimDueAsync(now, now.AddMinutes(10), 1, Ct, "node-1"));
        var theirs = Assert.Single(await Store.ClaimDueAsync(now, now.AddMinutes(10), 1, Ct, "node-2"));
        Assert.NotEqual(mine.Id, theirs.Id);
        Assert.Empty(await Store.ClaimDueAsync(now, now.AddMinutes(10), 10, Ct, "node-1"));

        // node-1 was killed and starts again: its lease is free, node-2's is not.
        Assert.Equal(1, await Store.ReleaseLeasesAsync("node-1", Ct));
        var again = Assert.Single(await Store.ClaimDueAsync(now, now.AddMinutes(10), 10, Ct, "node-1"));
        Assert.Equal(mine.Id, again.Id);

        // A recorded outcome ends the lease: nothing is left to release.
        await Store.RecordAsync(again.Id, [new DeliveryAttempt(again.Recipients[0].Id, DeliveryOutcome.Deferred, "451", now.AddMinutes(1))], Ct);
        Assert.Equal(0, await Store.ReleaseLeasesAsync("node-1", Ct));
        Assert.Equal(0, await Store.ReleaseLeasesAsync("node-3", Ct));
    }

    [Fact]
    public async Task A_delay_notice_is_recorded_once_per_recipient_and_survives_later_deferrals_issue5()
    {
        var now = DateTimeOffset.UtcNow;
        var r1 = new OutboundRecipient(MailAddress.Parse("x@cabinet-ouest.mssante.fr"), NotifyOn.Delay | NotifyOn.Failure, "rfc822;x@cabinet-ouest.mssante.fr");
        var r2 = new OutboundRecipient(MailAddress.Parse("y@cabinet-ouest.mssante.fr"), NotifyOn.Default, null);
        await Store.AcceptAsync(new AcceptedMessage(Message("d"), now, MailAddress.Parse("a@b.mssante.fr"), [], [r1, r2], null, true), Ct);
        var first = Assert.Single(await Store.ClaimDueAsync(now, now.AddMinutes(10), 10, Ct));
        Assert.All(first.Recipients, r => Assert.False(r.DelayNotified));
        Assert.Equal(NotifyOn.Delay | NotifyOn.Failure, first.Recipients.Single(r => r.Recipient.Address.LocalPart == "x").Recipient.Notify);
        await Store.RecordAsync(first.Id, [
            new DeliveryAttempt(first.Recipients[0].Id, DeliveryOutcome.Deferred, "451", now.AddMinutes(1), DelayNotified: true),
            new DeliveryAttempt(first.Recipients[1].Id, DeliveryOutcome.Deferred, "451", now.AddMinutes(1)),
        ], Ct);

        var second = Assert.Single(await Store.ClaimDueAsync(now.AddMinutes(2), now.AddMinutes(12), 10, Ct));
        Assert.Equal([true, false], second.Recipients.OrderBy(r => r.Id).Select(r => r.DelayNotified));

        // A later deferral that does not send a notice keeps the flag.
        await Store.RecordAsync(second.Id, [.. second.Recipients.Select(r => new DeliveryAttempt(r.Id, DeliveryOutcome.Deferred, "451", now.AddMinutes(3)))], Ct);
        var third = Assert.Single(await Store.ClaimDueAsync(now.AddMinutes(4), now.AddMinutes(14), 10, Ct));
        Assert.Equal([true, false], third.Recipients.OrderBy(r => r.Id).Select(r => r.DelayNotified));
        Assert.Equal([2, 2], third.Recipients.Select(r => r.Attempts));
    }

    [Fact]
    public async Task Concurrent_writers_on_one_folder_keep_UIDs_unique_increasing_and_MODSEQ_consistent()
    {
        var box = await NewBoxAsync("org", MailboxKind.Org);
        var inbox = await FolderAsync(box);
        var given = new ConcurrentBag<long>();
        var appendModSeqs = new ConcurrentBag<long>();
        var observed = new ConcurrentBag<string>();
        using var done = new CancellationTokenSource();

        // A reader keeps loading the state while writers work: every snapshot is consistent.
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var state = await Store.LoadFolderStateAsync(inbox.Id, Ct);
                var uids = state.Messages.Select(m => m.Uid).ToList();
                if (!uids.SequenceEqual(uids.Order()) || uids.Distinct().Count() != uids.Count || uids.Any(u => u >= state.Folder.UidNext) ||
                    state.Messages.Any(m => m.ModSeq > state.Folder.HighestModSeq) || state.Folder.MessageCount != uids.Count)
                {
                    observed.Add($"inconsistent snapshot at UIDNEXT {state.Folder.UidNext}");
                }
            }
        });

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                if (i % 3 == 0)
                {
                    var appended = await AppendAsync(inbox, $"w{w}-{i}");
                    given.Add(appended.Uids[0]);
                    appendModSeqs.Add(appended.HighestModSeq);
                }
                else if (i % 3 == 1)
                {
                    var delivered = await DeliverAsync(box, Message($"w{w}-{i}"));
                    Assert.True(delivered.Delivered);
                    given.Add(delivered.Uid);
                }
                else
                {
                    var flagged = await Store.StoreFlagsAsync(inbox.Id, [.. given.Take(3)], FlagChange.Add(w % 2 == 0 ? MessageFlags.Seen : MessageFlags.Flagged), null, Ct);
                    Assert.All(flagged.Changed, m => Assert.Equal(flagged.HighestModSeq, m.ModSeq));
                }
            }
        })).ToList();
        await Task.WhenAll(writers);
        await done.CancelAsync();
        await reader;

        Assert.Empty(observed);
        Assert.Equal(80, given.Count);
        Assert.Equal(given.Count, given.Distinct().Count()); // unique
        var final = await Store.LoadFolderStateAsync(inbox.Id, Ct);
        Assert.Equal(given.Order(), final.Messages.Select(m => m.Uid)); // every UID given is there, in order
        Assert.Equal(final.Messages.Max(m => m.Uid) + 1, final.Folder.UidNext);
        Assert.All(final.Messages, m => Assert.InRange(m.ModSeq, 2, final.Folder.HighestModSeq));
        Assert.Equal(40, appendModSeqs.Distinct().Count()); // every append got its own MODSEQ
        Assert.True(final.Folder.HighestModSeq >= 81); // one MODSEQ per write that changed the folder
        Assert.Equal(final.Messages.Count(m => (m.Flags & MessageFlags.Seen) == 0), final.Folder.UnseenCount);
    }

    [Fact]
    public async Task A_write_that_fails_within_a_group_commit_is_undone_alone()
    {
        var box = await NewBoxAsync("a");
        await Store.CreateFolderAsync(box.Id, "Existe", null, Ct);
        var events = new ConcurrentQueue<FolderChanged>();
        using var subscription = Store.SubscribeMailbox(box.Id, events.Enqueue);

        // Concurrent writes are committed together; every other one fails (Exists) inside the shared transaction.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.CreateFolderAsync(box.Id, i % 2 == 0 ? "Existe" : $"Nouveau{i}/Sous", null, Ct);
                return (MailError?)null;
            }
            catch (MailException ex)
            {
                return ex.Error;
            }
        })));
        Assert.Equal(20, outcomes.Count(o => o == MailError.Exists));
        Assert.Equal(20, outcomes.Count(o => o is null));
        var names = (await Store.ListFoldersAsync(box.Id, Ct)).Select(f => f.Name).ToList();
        Assert.Equal(20, names.Count(n => n.StartsWith("Nouveau", StringComparison.Ordinal) && n.EndsWith("/Sous", StringComparison.Ordinal)));
        Assert.Equal(20, names.Count(n => n.StartsWith("Nouveau", StringComparison.Ordinal) && !n.Contains('/', StringComparison.Ordinal)));
        Assert.Equal(40, events.Count); // only committed writes are announced (a parent and a child each)
    }

    [Fact]
    public async Task The_change_feed_tells_listeners_of_new_flag_and_expunge_changes()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var folderEvents = new ConcurrentQueue<FolderChanged>();
        var mailboxEvents = new ConcurrentQueue<FolderChanged>();
        using var throwing = Store.SubscribeFolder(inbox.Id, _ => throw new InvalidOperationException("a bad listener"));
        var folderSubscription = Store.SubscribeFolder(inbox.Id, folderEvents.Enqueue);
        using var mailboxSubscription = Store.SubscribeMailbox(box.Id, mailboxEvents.Enqueue);

        var delivered = await DeliverAsync(box, Message("nouveau"));
        var afterDelivery = (await FolderAsync(box)).HighestModSeq;
        await Store.StoreFlagsAsync(inbox.Id, [delivered.Uid], FlagChange.Add(MessageFlags.Deleted), null, Ct);
        await Store.ExpungeAsync(inbox.Id, null, Ct);
        var highest = (await FolderAsync(box)).HighestModSeq;

        Assert.Equal([FolderChangeKinds.NewMessages, FolderChangeKinds.Flags, FolderChangeKinds.Expunged], folderEvents.Select(e => e.Kinds));
        Assert.Equal(afterDelivery, folderEvents.First().HighestModSeq);
        Assert.Equal(highest, folderEvents.Last().HighestModSeq);
        Assert.All(folderEvents, e => Assert.Equal((box.Id, inbox.Id), (e.MailboxId, e.FolderId)));
        var changes = await Store.GetChangesSinceAsync(inbox.Id, afterDelivery, Ct);
        Assert.Equal([delivered.Uid], changes.Expunged);

        // The mailbox listener also hears about folders created elsewhere in the mailbox.
        var created = await Store.CreateFolderAsync(box.Id, "Nouveau", null, Ct);
        Assert.Contains(mailboxEvents, e => e.FolderId == created.Id && e.Kinds == FolderChangeKinds.Created);
        Assert.Equal(4, mailboxEvents.Count);

        folderSubscription.Dispose();
        await DeliverAsync(box, Message("encore"));
        Assert.Equal(3, folderEvents.Count);
        Assert.Equal(5, mailboxEvents.Count);
    }
}
