// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

/// <summary>Issue 7 point 6: operators' publications stored in the directory database, searched, re-imported (REQ-21, REQ-24, REQ-26).</summary>
public sealed class PublicationTests : IDisposable
{
    private const string Anais = "810004567891"; // LEFÈVRE-DUPONT Anaïs, no mailbox in the sample extraction
    private const string Jean = "810001234567";
    private const string HerriotFiness = "690781810";
    private static readonly PublicationContext s_operator = new("CN=mx.operateur.test,OU=1,O=OPERATEUR,C=FR", d => d is "medecin.mssante.fr" or "chu-lyon.mssante.fr" or "operateur.mssante.fr");

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<DirectoryStore> OpenAsync()
    {
        var store = DirectoryStore.Open(_dir.File("d.db"));
        if (store.PractitionerCount == 0)
        {
            await store.ImportAsync(Samples.All);
        }

        return store;
    }

    private static MailboxPatchOperation Add(string address, MailboxType type = MailboxType.Per, bool listeRouge = false, string? description = null) =>
        new(MailboxPatchKind.Add, null, new PublishedMailbox(address, type, listeRouge, Description: description));

    private static MailboxPatchOperation Replace(string target, PublishedMailbox value) => new(MailboxPatchKind.Replace, target, value);

    private static MailboxPatchOperation Delete(string target) => new(MailboxPatchKind.Delete, target, null);

    private static int Found(DirectoryStore store, string address, MailboxMatch match = MailboxMatch.Exact) =>
        store.Search(new DirectoryQuery { Mailbox = address, MailboxMatch = match }).Total;

    [Fact]
    public async Task A_published_box_is_in_the_mailbox_index_at_once_and_survives_a_reopen()
    {
        var address = "anais.lefevre-dupont@chu-lyon.mssante.fr";
        using (var store = await OpenAsync())
        {
            Assert.Equal(0, Found(store, address));
            var perBefore = store.Search(new DirectoryQuery { MailboxType = MailboxType.Per }).Total;
            var result = await store.PublishAsync(PublicationCarrier.Practitioner, Anais, [Add(address, description: "BAL de consultation")], s_operator);

            Assert.Equal([address], result.Published);
            Assert.Equal(address, Assert.Single(result.Practitioner!.Mailboxes).Address);
            Assert.Equal(Anais, Assert.Single(store.Search(new DirectoryQuery { Mailbox = address }).Items).IdNat);
            Assert.Equal(1, Found(store, "anais.lefevre", MailboxMatch.StartsWith));
            Assert.Equal(1, Found(store, "lefevre-dupont@chu", MailboxMatch.Contains));
            Assert.Equal(perBefore + 1, store.Search(new DirectoryQuery { MailboxType = MailboxType.Per }).Total);
            Assert.Equal(1, store.Search(new DirectoryQuery { Name = "anais", MailboxType = MailboxType.Per }).Total);
            Assert.Equal("BAL de consultation", store.FindPractitioner("10004567891")!.Mailboxes[0].Description);
        }

        using (var reopened = DirectoryStore.Open(_dir.File("d.db")))
        {
            var p = Assert.Single(reopened.Search(new DirectoryQuery { Mailbox = address }).Items);
            Assert.Equal(Anais, p.IdNat);
            Assert.Equal("BAL de consultation", Assert.Single(p.Mailboxes).Description);
            Assert.Equal(0, reopened.View.Overlay.Count); // loaded from the table, not replayed
        }
    }

    [Fact]
    public async Task A_publication_replaces_the_national_row_of_its_address_and_re_imports_keep_it()
    {
        using var store = await OpenAsync();
        const string Box = "jean.dupont@medecin.mssante.fr";
        var current = store.FindPractitioner(Jean)!.Mailboxes.Single(m => m.Address == Box);
        await store.PublishAsync(PublicationCarrier.Practitioner, Jean, [Replace(Box, new PublishedMailbox(Box, MailboxType.Per, Service: "Consultations", Description: "Cabinet"))], s_operator);
        await store.PublishAsync(PublicationCarrier.Practitioner, Jean, [Delete("jean.dupont@chu-lyon.mssante.fr")], s_operator);
        Assert.Equal(0, Found(store, "jean.dupont@chu-lyon.mssante.fr"));

        // The same national file again, then one without the replaced row: the publications still win.
        Assert.Equal(0L, (await store.ImportAsync(new DirectoryImportSources(CorrespondanceMssante: Samples.Mss))).Changed);
        AssertPublished();
        var lines = File.ReadAllLines(Samples.Mss, Encoding.UTF8).Where(l => !l.StartsWith("PER|jean.dupont@medecin", StringComparison.OrdinalIgnoreCase)).ToList();
        var next = _dir.File("Extraction_Correspondance_MSSante_202611220300.txt");
        File.WriteAllLines(next, lines, new UTF8Encoding(false));
        Assert.Equal(1L, (await store.ImportAsync(new DirectoryImportSources(CorrespondanceMssante: next))).Removed);
        AssertPublished();
        Assert.Equal(current.Type, store.FindPractitioner(Jean)!.Mailboxes.Single().Type);

        void AssertPublished()
        {
            var jean = store.FindPractitioner(Jean)!;
            var box = Assert.Single(jean.Mailboxes);
            Assert.Equal((Box, "Consultations", "Cabinet"), (box.Address, box.Service, box.Description));
            Assert.Equal(0, Found(store, "jean.dupont@chu-lyon.mssante.fr"));
        }
    }

    [Fact]
    public async Task A_liste_rouge_publication_is_stored_but_never_exposed_REQ24()
    {
        const string Hidden = "anais.secret@chu-lyon.mssante.fr";
        const string Zoe = "zoe.lerouge@medecin.mssante.fr";
        using (var store = await OpenAsync())
        {
            await store.PublishAsync(PublicationCarrier.Practitioner, Anais, [Add(Hidden, listeRouge: true)], s_operator);
            Assert.Equal(0, Found(store, Hidden));
            Assert.Equal(0, Found(store, "secret", MailboxMatch.Contains));
            Assert.Empty(store.FindPractitioner(Anais)!.Mailboxes);

            // Stored: the operator can lift the flag, and the box shows.
            await store.PublishAsync(PublicationCarrier.Practitioner, Anais, [Replace(Hidden, new PublishedMailbox(Hidden, MailboxType.Per))], s_operator);
            Assert.Equal(1, Found(store, Hidden));

            // A box of the liste-rouge file stays hidden, whatever an operator publishes.
            await store.PublishAsync(PublicationCarrier.Practitioner, "810009123456", [Add(Zoe)], s_operator);
            Assert.Equal(0, Found(store, Zoe));
        }

        using var again = DirectoryStore.Open(_dir.File("d.db"));
        Assert.Equal(0, Found(again, Zoe));
        Assert.Equal(1, Found(again, Hidden));
    }

    [Fact]
    public async Task Address_and_type_are_immutable_and_a_refused_patch_changes_nothing_REQ21()
    {
        using var store = await OpenAsync();
        const string Box = "jean.dupont@medecin.mssante.fr";
        async Task<PublicationErrorKind> Refused(PublicationCarrier carrier, string owner, params MailboxPatchOperation[] ops) =>
            (await Assert.ThrowsAsync<PublicationException>(() => store.PublishAsync(carrier, owner, ops, s_operator))).Kind;

        Assert.Equal(PublicationErrorKind.Immutable, await Refused(PublicationCarrier.Practitioner, Jean, Replace(Box, new PublishedMailbox("autre@medecin.mssante.fr", MailboxType.Per))));
        Assert.Equal(PublicationErrorKind.Immutable, await Refused(PublicationCarrier.Practitioner, Jean, Replace(Box, new PublishedMailbox(Box, MailboxType.Cab))));
        Assert.Equal(PublicationErrorKind.Duplicate, await Refused(PublicationCarrier.Practitioner, Jean, Add(Box.ToUpperInvariant())));
        Assert.Equal(PublicationErrorKind.UnknownMailbox, await Refused(PublicationCarrier.Practitioner, Jean, Delete("nobody@medecin.mssante.fr")));
        Assert.Equal(PublicationErrorKind.Conflict, await Refused(PublicationCarrier.Practitioner, Anais, Add(Box)));
        Assert.Equal(PublicationErrorKind.ForeignDomain, await Refused(PublicationCarrier.Practitioner, Anais, Add("anais@autre-operateur.mssante.fr")));
        Assert.Equal(PublicationErrorKind.ForeignDomain, await Refused(PublicationCarrier.Practitioner, "810006789123", Delete("gregoire.martin@pharmacien.mssante.fr")));
        Assert.Equal(PublicationErrorKind.NotSupported, await Refused(PublicationCarrier.Practitioner, Anais, Add("anais.org@chu-lyon.mssante.fr", MailboxType.Org)));
        Assert.Equal(PublicationErrorKind.NotSupported, await Refused(PublicationCarrier.Organization, "F" + HerriotFiness, Add("urgences@chu-lyon.mssante.fr", MailboxType.Per)));

        // All or nothing: a valid add followed by a refused operation leaves no trace.
        Assert.Equal(PublicationErrorKind.UnknownMailbox, await Refused(PublicationCarrier.Practitioner, Anais, Add("anais.ok@chu-lyon.mssante.fr"), Delete("nobody@chu-lyon.mssante.fr")));
        Assert.Equal(0, Found(store, "anais.ok@chu-lyon.mssante.fr"));
        Assert.Equal(0, store.View.Overlay.Count);
        Assert.Equal(2, store.FindPractitioner(Jean)!.Mailboxes.Count);
    }

    [Fact]
    public async Task Organization_boxes_are_published_by_structure_and_found_by_FINESS_and_mailbox()
    {
        string herriot;
        using (var store = await OpenAsync())
        {
            var byFiness = Assert.Single(store.SearchStructures(new StructureQuery { Identifier = HerriotFiness, IdentifierKind = StructureIdentifierKind.Finess }).Items);
            herriot = byFiness.Id;
            Assert.Equal("HOPITAL EDOUARD HERRIOT", byFiness.Name);
            Assert.Same(byFiness, Assert.Single(store.SearchStructures(new StructureQuery { Identifier = "1" + HerriotFiness, IdentifierKind = StructureIdentifierKind.IdNatSt }).Items));
            Assert.Empty(store.SearchStructures(new StructureQuery { Identifier = HerriotFiness, IdentifierKind = StructureIdentifierKind.Siret }).Items);
            Assert.Equal(herriot, Assert.Single(store.SearchStructures(new StructureQuery { Mailbox = "secretariat.cardiologie@chu-lyon.mssante.fr" }).Items).Id);

            await store.PublishAsync(PublicationCarrier.Organization, herriot,
            [
                Add("urgences@chu-lyon.mssante.fr", MailboxType.Org, description: "Accueil des urgences"),
                Add("dpi@chu-lyon.mssante.fr", MailboxType.App),
            ], s_operator);
            AssertFound(store);
        }

        using var reopened = DirectoryStore.Open(_dir.File("d.db"));
        AssertFound(reopened);

        void AssertFound(DirectoryStore s)
        {
            Assert.Equal(herriot, Assert.Single(s.SearchStructures(new StructureQuery { Mailbox = "urgences@chu-lyon.mssante.fr" }).Items).Id);
            Assert.Equal(herriot, Assert.Single(s.SearchStructures(new StructureQuery { Mailbox = "dpi@", MailboxMatch = MailboxMatch.StartsWith }).Items).Id);
            Assert.Equal(herriot, Assert.Single(s.SearchStructures(new StructureQuery { MailboxType = MailboxType.App }).Items).Id);
            Assert.Equal(2, s.SearchStructures(new StructureQuery { MailboxType = MailboxType.Org }).Total); // Herriot and the pharmacy
            Assert.Equal(3, s.FindStructure(herriot)!.Mailboxes.Count);
            Assert.Equal("Accueil des urgences", s.FindStructure(herriot)!.Mailboxes.Single(m => m.Address.StartsWith("urgences", StringComparison.Ordinal)).Description);
            Assert.Equal(0, s.Search(new DirectoryQuery { Mailbox = "urgences@chu-lyon.mssante.fr" }).Total); // not a practitioner's box
        }
    }

    [Fact]
    public async Task The_overlay_and_a_rebuilt_index_answer_the_same()
    {
        using var store = await OpenAsync();
        await store.PublishAsync(PublicationCarrier.Practitioner, Anais, [Add("anais@chu-lyon.mssante.fr")], s_operator);
        await store.PublishAsync(PublicationCarrier.Practitioner, Jean, [Delete("jean.dupont@chu-lyon.mssante.fr"), Add("jean.cab@medecin.mssante.fr", MailboxType.Cab)], s_operator);
        await store.PublishAsync(PublicationCarrier.Organization, "F" + HerriotFiness, [Add("urgences@chu-lyon.mssante.fr", MailboxType.Org)], s_operator);
        Assert.Equal(3, store.View.Overlay.Count);
        var queries = new DirectoryQuery[]
        {
            new() { Mailbox = "chu-lyon", MailboxMatch = MailboxMatch.Contains },
            new() { Mailbox = "jean", MailboxMatch = MailboxMatch.StartsWith },
            new() { MailboxType = MailboxType.Per },
            new() { MailboxType = MailboxType.Cab },
            new() { Name = "dupont", MailboxType = MailboxType.Per },
            new() { ProfessionCode = "10", Mailbox = "medecin", MailboxMatch = MailboxMatch.Contains },
        };
        string Answers() => string.Join("\n", queries.Select(q => string.Join(",", store.Search(q).Items.Select(p => p.IdNat + ":" + string.Join("+", p.Mailboxes.Select(m => m.Address)))))
            .Concat([string.Join(",", store.SearchStructures(new StructureQuery { MailboxType = MailboxType.Org }).Items.Select(s => s.Id + ":" + s.Mailboxes.Count))]));
        var withOverlay = Answers();
        Assert.Contains("jean.cab@medecin.mssante.fr", withOverlay, StringComparison.Ordinal);
        Assert.DoesNotContain("jean.dupont@chu-lyon", withOverlay, StringComparison.Ordinal);
        foreach (var sparse in new[] { 0, int.MaxValue })
        {
            // Both search plans (bit arrays and candidate lists) see the overlay.
            Assert.Equal(
                queries.Select(q => store.Index.Search(q, sparse, store.View.Resolved).Total),
                queries.Select(q => store.Search(q).Total));
        }

        await store.CompactAsync();
        Assert.Equal(0, store.View.Overlay.Count);
        Assert.Equal(withOverlay, Answers());

        // With a threshold of one, the rebuild runs in the background after a publication.
        store.CompactThreshold = 1;
        await store.PublishAsync(PublicationCarrier.Practitioner, Anais, [Delete("anais@chu-lyon.mssante.fr")], s_operator);
        Assert.Equal(0, Found(store, "anais@chu-lyon.mssante.fr"));
        for (var i = 0; i < 200 && store.View.Overlay.Count > 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, store.View.Overlay.Count);
        Assert.Equal(0, Found(store, "anais@chu-lyon.mssante.fr"));
    }
}
