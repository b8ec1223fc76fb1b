// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Host.Demo;

/// <summary>A mailbox of the demo.</summary>
internal sealed record DemoMailboxPlan(string LocalPart, MailboxKind Kind, string DisplayName, string? FirstName = null, string? LastName = null, string? Rpps = null);

/// <summary>
/// An operator of the demo, with its structure identity (DN in the IGC-Santé style). Its ORG and APP boxes
/// belong to <see cref="MailboxStructureId"/>: the structure (of the generated directory) where its doctor
/// practises, an establishment with a FINESS when <see cref="Establishment"/>, a practice otherwise.
/// </summary>
internal sealed record DemoOperatorPlan(string Name, string Domain, string Organisation, string StructureId, string Department, IReadOnlyList<DemoMailboxPlan> Mailboxes, bool Establishment = false)
{
    /// <summary>The national structure id (idNatSt) of the directory structure owning the ORG and APP boxes.</summary>
    public string? MailboxStructureId { get; init; }
}

/// <summary>The fixed cast of `caducee demo`: a hospital and a liberal practice.</summary>
internal static class DemoPlan
{
    public static readonly IReadOnlyList<DemoOperatorPlan> Operators =
    [
        new("hopital-nord", "hopital-nord.mssante.test", "CENTRE HOSPITALIER NORD", "312345678900018", "Nord (59)",
        [
            new("jean.dupont", MailboxKind.Per, "Dr Jean DUPONT", "Jean", "Dupont", "10100000001"),
            new("cardiologie", MailboxKind.Org, "Secrétariat de cardiologie"),
            new("dpi", MailboxKind.App, "Dossier patient informatisé"),
        ], Establishment: true),
        new("cabinet-sud", "cabinet-sud.mssante.test", "CABINET MEDICAL DU SUD", "344556677800012", "Bouches-du-Rhône (13)",
        [
            new("marie.martin", MailboxKind.Per, "Dr Marie MARTIN", "Marie", "Martin", "10100000002"),
            new("accueil", MailboxKind.Org, "Accueil du cabinet"),
        ]),
    ];
}
