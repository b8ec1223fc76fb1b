// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>RFC 4314 ACLs: an ORG box shared with named people (issue 4 point 1, issue 6 point 2).</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task ACL_entries_are_set_added_removed_and_the_owner_has_every_right()
    {
        var org = await NewBoxAsync("cardiologie", MailboxKind.Org);
        var inbox = await FolderAsync(org);
        var secretary = $"Secretaire@{Domain}";

        Assert.Equal("lrs", (await Store.SetAclAsync(inbox.Id, secretary, AclModification.Replace, AclRights.Parse("srl"), Ct)).Letters);
        Assert.Equal("lrswi", (await Store.SetAclAsync(inbox.Id, secretary, AclModification.Add, AclRights.Parse("wi"), Ct)).Letters);
        Assert.Equal("lrwi", (await Store.SetAclAsync(inbox.Id, secretary, AclModification.Remove, AclRights.Parse("s"), Ct)).Letters);
        await Store.SetAclAsync(inbox.Id, "ANYONE", AclModification.Replace, AclRights.Parse("p"), Ct);
        var acl = await Store.GetAclAsync(inbox.Id, Ct);
        Assert.Equal([("anyone", "p"), ($"secretaire@{Domain}", "lrwi")], acl.Select(e => (e.Identifier, e.Rights.Letters)));

        Assert.Equal(AclRights.All, await Store.GetRightsAsync(inbox.Id, [org.Address.ToString()], Ct));
        Assert.Equal("lrwip", (await Store.GetRightsAsync(inbox.Id, [secretary], Ct)).Letters); // anyone applies to everybody
        Assert.Equal("p", (await Store.GetRightsAsync(inbox.Id, [$"stranger@{Domain}"], Ct)).Letters);

        Assert.True((await Store.SetAclAsync(inbox.Id, secretary, AclModification.Replace, AclRights.None, Ct)).IsEmpty);
        Assert.Equal(["anyone"], (await Store.GetAclAsync(inbox.Id, Ct)).Select(e => e.Identifier));

        await Fails(MailError.NotPossible, () => Store.SetAclAsync(inbox.Id, org.Address.ToString(), AclModification.Replace, AclRights.Parse("l"), Ct));
        await Fails(MailError.Parameters, () => Store.SetAclAsync(inbox.Id, "not an identifier", AclModification.Replace, AclRights.Parse("l"), Ct));
        await Fails(MailError.Parameters, () => Store.SetAclAsync(inbox.Id, "someone@elsewhere.fr", AclModification.Replace, AclRights.Parse("l"), Ct));
        Assert.False(AclRights.TryParse("lrz", out _, out var error));
        Assert.Contains("'z'", error, StringComparison.Ordinal);
        await Fails(MailError.NotFound, () => Store.GetAclAsync(inbox.Id + 999, Ct));
    }

    [Fact]
    public async Task Shared_folders_are_listed_for_the_identities_that_may_look_them_up()
    {
        var org = await NewBoxAsync("cardiologie", MailboxKind.Org);
        var other = await NewBoxAsync("pediatrie", MailboxKind.Org);
        var secretary = await NewBoxAsync("secretaire");
        var inbox = await FolderAsync(org);
        var sent = await FolderAsync(org, "Sent");
        var peds = await FolderAsync(other);
        await Store.SetAclAsync(inbox.Id, secretary.Address.ToString(), AclModification.Replace, AclRights.Parse("lrsw"), Ct);
        await Store.SetAclAsync(sent.Id, secretary.Address.ToString(), AclModification.Replace, AclRights.Parse("r"), Ct); // no lookup right
        await Store.SetAclAsync(peds.Id, "anyone", AclModification.Replace, AclRights.Parse("l"), Ct);
        await Store.SetAclAsync((await FolderAsync(secretary)).Id, "anyone", AclModification.Replace, AclRights.Parse("l"), Ct);

        var shared = await Store.ListSharedFoldersAsync([secretary.Address.ToString()], Ct);
        Assert.Equal([(org.Address, "INBOX", "lrsw"), (other.Address, "INBOX", "l")], shared.Select(s => (s.Owner, s.Folder.Name, s.Rights.Letters)));
        Assert.Equal([(other.Address, "INBOX")], (await Store.ListSharedFoldersAsync([$"nobody@{Domain}"], Ct)).Where(s => s.Owner != secretary.Address).Select(s => (s.Owner, s.Folder.Name)));

        // Rights are inherited by new children, and a closed mailbox shares nothing.
        var child = await Store.CreateFolderAsync(org.Id, "INBOX/Urgences", null, Ct);
        Assert.Equal("lrsw", (await Store.GetRightsAsync(child.Id, [secretary.Address.ToString()], Ct)).Letters);
        await Store.SetMailboxStatusAsync(other.Address, MailboxStatus.Closed, Ct);
        Assert.DoesNotContain(await Store.ListSharedFoldersAsync([secretary.Address.ToString()], Ct), s => s.Owner == other.Address);
    }
}
