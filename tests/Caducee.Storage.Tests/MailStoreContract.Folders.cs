// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>Folders: hierarchy, CREATE / RENAME / DELETE as RFC 9051 says, subscriptions, UIDVALIDITY.</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Creating_a_folder_creates_its_missing_parents_which_inherit_the_ACL()
    {
        var box = await NewBoxAsync("a");
        var projects = await Store.CreateFolderAsync(box.Id, "Projets", null, Ct);
        await Store.SetAclAsync(projects.Id, $"secretariat@{Domain}", AclModification.Replace, AclRights.Parse("lrs"), Ct);

        var deep = await Store.CreateFolderAsync(box.Id, "Projets/2026/Cardio", "\\flagged", Ct);
        Assert.Equal("\\Flagged", deep.SpecialUse);
        Assert.Equal(1, deep.UidNext);
        var middle = await FolderAsync(box, "Projets/2026");
        Assert.True(middle.Selectable);
        Assert.Equal("lrs", (await Store.GetAclAsync(middle.Id, Ct)).Single().Rights.Letters);
        Assert.Equal("lrs", (await Store.GetAclAsync(deep.Id, Ct)).Single().Rights.Letters);
        Assert.Empty(await Store.GetAclAsync((await FolderAsync(box, "Sent")).Id, Ct));

        await Fails(MailError.Exists, () => Store.CreateFolderAsync(box.Id, "Projets", null, Ct));
        await Fails(MailError.Exists, () => Store.CreateFolderAsync(box.Id, "inbox", null, Ct));
        foreach (var bad in new[] { "", "/a", "a/", "a//b", "a*", "a%b", "a\u0001", new string('x', 300) })
        {
            await Fails(MailError.Parameters, () => Store.CreateFolderAsync(box.Id, bad, null, Ct));
        }

        await Fails(MailError.Parameters, () => Store.CreateFolderAsync(box.Id, "X", "\\Important", Ct));
        await Fails(MailError.NotFound, () => Store.CreateFolderAsync(box.Id + 99, "X", null, Ct));
    }

    [Fact]
    public async Task Deleting_a_folder_with_children_keeps_them_under_a_Noselect_placeholder()
    {
        var box = await NewBoxAsync("a");
        var parent = await Store.CreateFolderAsync(box.Id, "Dossiers", null, Ct);
        var child = await Store.CreateFolderAsync(box.Id, "Dossiers/Patients", null, Ct);
        await AppendAsync(parent, "dans le parent");
        await AppendAsync(child, "dans l'enfant");
        var usage = await Store.GetQuotaAsync(box.Id, Ct);
        Assert.Equal(2, usage.Messages);

        await Store.DeleteFolderAsync(box.Id, "Dossiers", Ct);
        var placeholder = await FolderAsync(box, "Dossiers");
        Assert.False(placeholder.Selectable);
        Assert.Equal(0, placeholder.MessageCount);
        Assert.Equal(1, (await FolderAsync(box, "Dossiers/Patients")).MessageCount);
        Assert.Equal(1, (await Store.GetQuotaAsync(box.Id, Ct)).Messages);
        await Fails(MailError.NotPossible, () => AppendAsync(placeholder, "refused"));
        await Fails(MailError.NotPossible, () => Store.DeleteFolderAsync(box.Id, "Dossiers", Ct)); // \Noselect with children

        // CREATE on the placeholder makes it a folder again, with a new UIDVALIDITY.
        var again = await Store.CreateFolderAsync(box.Id, "Dossiers", null, Ct);
        Assert.True(again.Selectable);
        Assert.NotEqual(parent.UidValidity, again.UidValidity);
        Assert.Equal(placeholder.Id, again.Id);

        await Store.DeleteFolderAsync(box.Id, "Dossiers/Patients", Ct);
        Assert.Null(await Store.GetFolderAsync(box.Id, "Dossiers/Patients", Ct));
        await Store.DeleteFolderAsync(box.Id, "Dossiers", Ct);
        Assert.Null(await Store.GetFolderAsync(box.Id, "Dossiers", Ct));
        Assert.Equal(0, (await Store.GetQuotaAsync(box.Id, Ct)).Messages);
        await Fails(MailError.NotPossible, () => Store.DeleteFolderAsync(box.Id, "INBOX", Ct));
        await Fails(MailError.NotFound, () => Store.DeleteFolderAsync(box.Id, "Nothing", Ct));
    }

    [Fact]
    public async Task A_recreated_name_never_reuses_a_UIDVALIDITY()
    {
        var box = await NewBoxAsync("a");
        var seen = new HashSet<long>((await Store.ListFoldersAsync(box.Id, Ct)).Select(f => f.UidValidity));
        for (var i = 0; i < 5; i++)
        {
            var f = await Store.CreateFolderAsync(box.Id, "Temp", null, Ct);
            Assert.True(seen.Add(f.UidValidity), "UIDVALIDITY reused");
            Assert.InRange(f.UidValidity, 1, uint.MaxValue);
            await Store.DeleteFolderAsync(box.Id, "Temp", Ct);
        }
    }

    [Fact]
    public async Task Renaming_moves_the_children_and_their_subscriptions()
    {
        var box = await NewBoxAsync("a");
        var a = await Store.CreateFolderAsync(box.Id, "A/B/C", null, Ct);
        await Store.SetSubscriptionAsync(box.Id, "A/B", true, Ct);
        await Store.SetSubscriptionAsync(box.Id, "A/B/C", true, Ct);
        var appended = await AppendAsync(a, "garde");

        await Store.RenameFolderAsync(box.Id, "A/B", "X/Y", Ct);
        Assert.NotNull(await Store.GetFolderAsync(box.Id, "A", Ct));
        Assert.Null(await Store.GetFolderAsync(box.Id, "A/B", Ct));
        Assert.NotNull(await Store.GetFolderAsync(box.Id, "X", Ct)); // created as a parent
        var moved = await FolderAsync(box, "X/Y/C");
        Assert.Equal(a.Id, moved.Id);
        Assert.Equal(a.UidValidity, moved.UidValidity); // same folder, same UIDs
        Assert.Equal(appended.Uids, (await Store.ListMessagesAsync(moved.Id, Ct)).Select(m => m.Uid));
        var subscriptions = await Store.ListSubscriptionsAsync(box.Id, Ct);
        Assert.Contains("X/Y", subscriptions);
        Assert.Contains("X/Y/C", subscriptions);
        Assert.DoesNotContain("A/B/C", subscriptions);

        await Fails(MailError.Exists, () => Store.RenameFolderAsync(box.Id, "A", "X", Ct));
        await Fails(MailError.Exists, () => Store.RenameFolderAsync(box.Id, "A", "INBOX", Ct));
        await Fails(MailError.Parameters, () => Store.RenameFolderAsync(box.Id, "X", "X/Z", Ct));
        await Fails(MailError.NotFound, () => Store.RenameFolderAsync(box.Id, "Nothing", "Z", Ct));
    }

    [Fact]
    public async Task Renaming_INBOX_moves_its_messages_and_leaves_an_empty_INBOX_RFC9051()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        await Store.CreateFolderAsync(box.Id, "INBOX/Sub", null, Ct);
        var first = await DeliverAsync(box, Message("un"));
        var second = await DeliverAsync(box, Message("deux"));
        await Store.StoreFlagsAsync(inbox.Id, [second.Uid], FlagChange.Add(MessageFlags.Seen, "$Important"), null, Ct);
        var before = await FolderAsync(box);

        await Store.RenameFolderAsync(box.Id, "inbox", "Ancien", Ct);
        var old = await FolderAsync(box, "Ancien");
        Assert.NotEqual(inbox.UidValidity, old.UidValidity);
        var moved = await Store.ListMessagesAsync(old.Id, Ct);
        Assert.Equal([first.Uid, second.Uid], moved.Select(m => m.Uid));
        Assert.Equal(["$Important"], moved[1].Keywords);
        Assert.Equal(2, old.MessageCount);
        Assert.Equal(1, old.UnseenCount);
        Assert.Equal(before.UidNext, old.UidNext);

        var emptied = await FolderAsync(box);
        Assert.Equal(inbox.Id, emptied.Id);
        Assert.Equal(0, emptied.MessageCount);
        Assert.Equal(inbox.UidValidity, emptied.UidValidity);
        Assert.NotNull(await Store.GetFolderAsync(box.Id, "INBOX/Sub", Ct)); // inferiors of INBOX stay
        var changes = await Store.GetChangesSinceAsync(inbox.Id, before.HighestModSeq, Ct);
        Assert.Equal([first.Uid, second.Uid], changes.Expunged); // QRESYNC clients see them vanish
        var next = await DeliverAsync(box, Message("trois"));
        Assert.True(next.Uid > second.Uid); // INBOX UIDs are never reused
    }

    [Fact]
    public async Task Subscriptions_are_names_and_may_name_folders_that_do_not_exist()
    {
        var box = await NewBoxAsync("a");
        await Store.SetSubscriptionAsync(box.Id, "Partagé/Cardio", true, Ct);
        await Store.SetSubscriptionAsync(box.Id, "Junk", false, Ct);
        await Store.SetSubscriptionAsync(box.Id, "Junk", false, Ct);
        var names = await Store.ListSubscriptionsAsync(box.Id, Ct);
        Assert.Contains("Partagé/Cardio", names);
        Assert.DoesNotContain("Junk", names);
        Assert.False((await FolderAsync(box, "Junk")).Subscribed);
        await Fails(MailError.Parameters, () => Store.SetSubscriptionAsync(box.Id, "a//b", true, Ct));
        await Fails(MailError.NotFound, () => Store.SetSubscriptionAsync(box.Id + 99, "x", true, Ct));
    }
}
