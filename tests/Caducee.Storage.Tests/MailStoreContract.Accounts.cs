// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>Domains, principals and mailboxes (REQ-20 to REQ-24).</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Domains_are_hosted_once_each_with_a_data_key_and_settings_REQ42()
    {
        var again = await Store.AddDomainAsync(Domain.ToUpperInvariant(), Ct);
        Assert.Equal(Domain, again.Name);
        Assert.Equal([OtherDomain, Domain], (await Store.ListDomainsAsync(Ct)).Select(d => d.Name));
        Assert.True(again.CurrentKeyId > 0);
        Assert.NotEqual(again.CurrentKeyId, (await Store.GetDomainAsync(OtherDomain, Ct))!.CurrentKeyId);
        Assert.Equal(DomainSettings.Default, again.Settings);

        var updated = await Store.UpdateDomainSettingsAsync(Domain, new DomainSettings(365, 1_000_000, 500), Ct);
        Assert.Equal(new DomainSettings(365, 1_000_000, 500), updated.Settings);
        Assert.Equal(365, (await Store.GetDomainAsync(Domain, Ct))!.Settings.RetentionDays);
        await Fails(MailError.NotFound, () => Store.UpdateDomainSettingsAsync("nowhere.test", DomainSettings.Default, Ct));
        await Fails(MailError.Parameters, () => Store.UpdateDomainSettingsAsync(Domain, new DomainSettings(0, null, null), Ct));
        await Fails(MailError.Parameters, () => Store.AddDomainAsync("not a domain", Ct));
        Assert.Null(await Store.GetDomainAsync("nowhere.test", Ct));
    }

    [Fact]
    public async Task A_domain_and_mailbox_added_by_another_process_take_mail_at_once()
    {
        // The admin CLI is another store instance over the same database.
        var (cli, _) = await OpenAsync(Master);
        MailboxInfo box;
        await using (cli)
        {
            await cli.AddDomainAsync("nouveau.mssante.test", Ct);
            box = await cli.CreateMailboxAsync(new NewMailbox(MailAddress.Parse("accueil@nouveau.mssante.test"), MailboxKind.Org, PrincipalRef.Structure("399999999900011")), Ct);
        }

        var delivered = await DeliverAsync(box, Message("bienvenue"));
        Assert.True(delivered.Delivered);
        var message = (await Store.GetMessagesAsync(delivered.FolderId, [delivered.Uid], withViews: true, Ct)).Single();
        Assert.Equal("bienvenue", message.Views!.Subject);
    }

    [Fact]
    public async Task A_new_mailbox_has_the_special_use_folders_subscribed()
    {
        var box = await NewBoxAsync("jean.dupont");
        var folders = await Store.ListFoldersAsync(box.Id, Ct);
        Assert.Equal(["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"], folders.Select(f => f.Name));
        Assert.Equal([null, "\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\Archive"], folders.Select(f => f.SpecialUse));
        Assert.All(folders, f => Assert.Equal(1, f.UidNext));
        Assert.All(folders, f => Assert.True(f.Subscribed && f.Selectable));
        Assert.Equal(6, folders.Select(f => f.UidValidity).Distinct().Count());
        Assert.Equal((await Store.GetFolderAsync(box.Id, "inbox", Ct))!.Id, folders[0].Id);
        Assert.Equal(["Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"], await Store.ListSubscriptionsAsync(box.Id, Ct));
    }

    [Fact]
    public async Task An_address_exists_once_whatever_its_case_REQ21()
    {
        var created = await NewBoxAsync("jean.dupont");
        await Fails(MailError.Exists, () => NewBoxAsync("Jean.Dupont", MailboxKind.Org));
        var found = await Store.FindMailboxAsync(MailAddress.Parse("JEAN.DUPONT@HOPITAL.mssante.test"), Ct);
        Assert.Equal(created.Id, found!.Id);
        Assert.Equal(MailboxKind.Per, found.Kind);
        Assert.Equal(created, await Store.GetMailboxAsync(created.Id, Ct));
        Assert.Null(await Store.GetMailboxAsync(created.Id + 1000, Ct));
        await Fails(MailError.NotFound, () => NewBoxAsync("x", domain: "elsewhere.fr"));
    }

    [Fact]
    public async Task Owners_follow_the_kind_rules_REQ20()
    {
        var per = await NewBoxAsync("per");
        Assert.Equal(PrincipalKind.Professional, per.Owner!.Kind);
        Assert.Equal(per.Owner.NationalId, per.OwnerId);
        Assert.Equal(PrincipalKind.Structure, (await NewBoxAsync("org", MailboxKind.Org)).Owner!.Kind);
        Assert.Equal(PrincipalKind.Application, (await NewBoxAsync("app", MailboxKind.App)).Owner!.Kind);
        Assert.Equal(PrincipalKind.Professional, (await NewBoxAsync("cab", MailboxKind.Cab)).Owner!.Kind);
        var appOfStructure = await Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"dmp@{Domain}"), MailboxKind.App, PrincipalRef.Structure("312345678900018")), Ct);
        Assert.Equal(PrincipalKind.Structure, appOfStructure.Owner!.Kind);

        async Task Refused(MailboxKind kind, PrincipalRef owner, string mentions)
        {
            var ex = await Fails(MailError.Parameters, () => Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"{Guid.NewGuid():N}@{Domain}"), kind, owner), Ct));
            Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
        }

        await Refused(MailboxKind.Per, PrincipalRef.Structure("312345678900018"), "REQ-20");
        await Refused(MailboxKind.Cab, PrincipalRef.Application("x"), "REQ-20");
        await Refused(MailboxKind.Org, PrincipalRef.Professional("10100000001"), "REQ-20");
        await Refused(MailboxKind.App, PrincipalRef.Professional("10100000001"), "REQ-20");
        await Refused(MailboxKind.Per, PrincipalRef.Professional("123"), "RPPS");
        await Refused(MailboxKind.Org, PrincipalRef.Structure("x y"), "structure id");

        // The owner principal was created once and lists its mailboxes.
        var structure = PrincipalRef.Structure("312345678900018");
        Assert.Equal(["dmp@" + Domain, "org@" + Domain], (await Store.ListMailboxesByOwnerAsync(structure, Ct)).Select(m => m.Address.ToString()));
        Assert.NotNull(await Store.FindPrincipalAsync(structure, Ct));
        await Fails(MailError.Exists, () => Store.AddPrincipalAsync(structure, "CHU", Ct));
        var added = await Store.AddPrincipalAsync(PrincipalRef.Professional("10100000009"), "Dr Paul PETIT", Ct);
        Assert.Equal("Dr Paul PETIT", added.DisplayName);
        Assert.Contains(await Store.ListPrincipalsAsync(Ct), p => p.Id == added.Id);
    }

    [Fact]
    public async Task The_lifecycle_goes_active_suspended_closed_and_closed_is_final_REQ23()
    {
        var box = await NewBoxAsync("a");
        var seq = box.ChangeSeq;
        Assert.True(await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Suspended, Ct));
        Assert.True(await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Active, Ct));
        Assert.True(await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Suspended, Ct));
        Assert.True(await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Closed, Ct));
        Assert.True(await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Closed, Ct)); // staying put is fine
        var closed = (await Store.GetMailboxAsync(box.Id, Ct))!;
        Assert.Equal(MailboxStatus.Closed, closed.Status);
        Assert.True(closed.ChangeSeq > seq);
        await Fails(MailError.NotPossible, () => Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Active, Ct));
        await Fails(MailError.NotPossible, () => Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Suspended, Ct));
        Assert.False(await Store.SetMailboxStatusAsync(MailAddress.Parse($"nobody@{Domain}"), MailboxStatus.Closed, Ct));
        Assert.NotNull(await Store.FindMailboxAsync(box.Address, Ct)); // kept for retention
    }

    [Fact]
    public async Task Directory_metadata_is_updatable_and_changes_are_listed_for_the_publisher_REQ21_REQ24()
    {
        var a = await NewBoxAsync("a");
        var b = await NewBoxAsync("b", MailboxKind.Org);
        var start = (await Store.ListMailboxChangesAsync(0, 100, Ct)).HighWater;
        Assert.Equal(b.ChangeSeq, start);

        var metadata = new MailboxMetadata("Secrétariat de cardiologie", ListeRouge: true, Description: "Prise de rendez-vous", Service: "Cardiologie", Responsible: "Dr Martin", Rank: 1);
        var updated = await Store.UpdateMailboxMetadataAsync(b.Id, metadata, Ct);
        Assert.Equal(metadata, updated.Metadata);
        Assert.Equal("Secrétariat de cardiologie", updated.DisplayName);
        Assert.Equal(b.Address, updated.Address);
        Assert.Equal(MailboxKind.Org, updated.Kind);
        await Store.SetMailboxStatusAsync(a.Address, MailboxStatus.Suspended, Ct);

        var changes = await Store.ListMailboxChangesAsync(start, 100, Ct);
        Assert.Equal([b.Id, a.Id], changes.Mailboxes.Select(m => m.Id));
        Assert.True(changes.HighWater > start);
        Assert.Empty((await Store.ListMailboxChangesAsync(changes.HighWater, 100, Ct)).Mailboxes);
        var firstOnly = await Store.ListMailboxChangesAsync(start, 1, Ct);
        Assert.Equal([b.Id], firstOnly.Mailboxes.Select(m => m.Id));

        await Fails(MailError.Parameters, () => Store.UpdateMailboxMetadataAsync(b.Id, metadata with { Rank = 0 }, Ct));
        await Fails(MailError.NotFound, () => Store.UpdateMailboxMetadataAsync(b.Id + 99, metadata, Ct));
    }

    [Fact]
    public async Task Credentials_and_certificate_subjects_are_found_for_authentication()
    {
        var box = await NewBoxAsync("a");
        Assert.Equal("hash-a", await Store.GetPasswordHashAsync(box.Id, Ct));
        await Store.SetPasswordHashAsync(box.Id, "new-hash", Ct);
        Assert.Equal("new-hash", await Store.GetPasswordHashAsync(box.Id, Ct));
        Assert.Null(await Store.FindMailboxByCertificateAsync("CN=dpi", Ct));
        await Store.SetCertificateSubjectAsync(box.Id, "CN=dpi.hopital.mssante.test, OU=312345678900018", Ct);
        var found = await Store.FindMailboxByCertificateAsync("CN=dpi.hopital.mssante.test, OU=312345678900018", Ct);
        Assert.Equal(box.Id, found!.Id);
        Assert.Equal("CN=dpi.hopital.mssante.test, OU=312345678900018", found.CertificateSubject);
        await Fails(MailError.NotFound, () => Store.SetPasswordHashAsync(box.Id + 50, "x", Ct));
    }
}
