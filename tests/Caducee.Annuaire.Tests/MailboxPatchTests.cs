// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Model;
using Caducee.Annuaire.Publishing;
using Caducee.Annuaire.Search;

namespace Caducee.Annuaire.Tests;

/// <summary>The publication wire format (REQ-26): what the operator writes is what the authority reads.</summary>
public sealed class MailboxPatchTests
{
    private static IReadOnlyList<MailboxPatchOperation> Parse(string json, PublicationCarrier carrier = PublicationCarrier.Practitioner)
    {
        using var doc = JsonDocument.Parse(json);
        return FhirMailboxPatch.Parse(doc.RootElement, carrier);
    }

    [Fact]
    public void Written_operations_read_back_identically()
    {
        MailboxPatchOperation[] ops =
        [
            new(MailboxPatchKind.Add, null, new PublishedMailbox("o'brien@chu.mssante.fr", MailboxType.Cab, ListeRouge: true, Rank: 2, Description: "Cabinet \"Nord\"", Service: "Cardiologie", Responsible: "Dr X", Dematerialisation: false)),
            new(MailboxPatchKind.Replace, "a@chu.mssante.fr", new PublishedMailbox("a@chu.mssante.fr", MailboxType.Per, Description: "é")),
            new(MailboxPatchKind.Delete, "o'brien@chu.mssante.fr", null),
        ];
        var json = FhirMailboxPatch.Write(PublicationCarrier.Practitioner, ops);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(ops, FhirMailboxPatch.Parse(doc.RootElement, PublicationCarrier.Practitioner));
        Assert.Contains("Practitioner.telecom.where(value='o\\\\'brien@chu.mssante.fr')", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
    }

    [Fact]
    public void The_legacy_add_path_and_insert_are_accepted_and_the_type_defaults_to_the_carrier()
    {
        var ops = Parse("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"insert"},{"name":"path","valueString":"Organization.telecom"},{"name":"value","valueContactPoint":{"system":"email","value":"accueil@ch.mssante.fr"}}]}]}""", PublicationCarrier.Organization);
        var op = Assert.Single(ops);
        Assert.Equal(MailboxPatchKind.Add, op.Kind);
        Assert.Equal(new PublishedMailbox("accueil@ch.mssante.fr", MailboxType.Org), op.Value);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient"}""", PublicationErrorKind.Invalid, "Parameters")]
    [InlineData("""{"resourceType":"Parameters","parameter":[]}""", PublicationErrorKind.Invalid, "no operation")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"move"},{"name":"path","valueString":"Practitioner.telecom"}]}]}""", PublicationErrorKind.Invalid, "move")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Practitioner.name"},{"name":"value","valueString":"x"}]}]}""", PublicationErrorKind.NotSupported, "telecom")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Practitioner.telecom[0]"}]}]}""", PublicationErrorKind.NotSupported, "where(value=")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Practitioner"},{"name":"name","valueString":"telecom"},{"name":"value","valueContactPoint":{"system":"email","value":"not an address"}}]}]}""", PublicationErrorKind.Invalid, "not a mailbox address")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Practitioner"},{"name":"name","valueString":"telecom"},{"name":"value","valueContactPoint":{"system":"email","value":"a@b.fr","rank":0}}]}]}""", PublicationErrorKind.Invalid, "rank")]
    public void Malformed_patches_say_what_is_wrong(string json, PublicationErrorKind kind, string mentioned)
    {
        var ex = Assert.Throws<PublicationException>(() => Parse(json));
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(mentioned, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Organization_search_parameters_are_parsed_with_their_identifier_systems()
    {
        static FhirOrganizationSearchRequest P(string q) => FhirOrganizationSearchRequest.Parse(FhirSearchRequest.QueryString(q));
        Assert.Equal((StructureIdentifierKind.Finess, "690781810"), (P("identifier=https://finess.esante.gouv.fr|690781810").Query.IdentifierKind, P("identifier=https://finess.esante.gouv.fr|690781810").Query.Identifier));
        Assert.Equal(StructureIdentifierKind.IdNatSt, P("identifier=urn:oid:1.2.250.1.71.4.2.2|1690781810").Query.IdentifierKind);
        Assert.Equal(StructureIdentifierKind.Any, P("identifier=1690781810").Query.IdentifierKind);
        var mailbox = P("mailbox-mss:contains=chu&mailbox-mss-type=APP&_count=5").Query;
        Assert.Equal(("chu", MailboxMatch.Contains, MailboxType.App, 5), (mailbox.Mailbox, mailbox.MailboxMatch, mailbox.MailboxType, mailbox.Count));
        Assert.Contains("identifier system", P("identifier=urn:oid:9|1").Errors[0], StringComparison.Ordinal);
        Assert.Contains("not supported on Organization", P("family=x").Errors[0], StringComparison.Ordinal);
    }
}
