// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;

namespace Caducee.Core.Model;

/// <summary>Who can own a mailbox (REQ-20): a health professional, a structure, or an application.</summary>
public enum PrincipalKind
{
    /// <summary>A professional, identified by the RPPS (11 digits).</summary>
    Professional,
    /// <summary>A structure (legal or geographic entity), identified by its national structure id.</summary>
    Structure,
    /// <summary>An application (software sending and receiving automatically), identified by a local id.</summary>
    Application,
}

/// <summary>A principal by its national identity: the kind and the identifier in that kind's registry.</summary>
public sealed record PrincipalRef(PrincipalKind Kind, string NationalId)
{
    /// <summary>A professional by RPPS.</summary>
    public static PrincipalRef Professional(string rpps) => new(PrincipalKind.Professional, rpps);

    /// <summary>A structure by national structure id (e.g. "3" + SIRET).</summary>
    public static PrincipalRef Structure(string structureId) => new(PrincipalKind.Structure, structureId);

    /// <summary>An application by its identifier.</summary>
    public static PrincipalRef Application(string id) => new(PrincipalKind.Application, id);

    /// <summary>Checks the identifier's shape for its kind; <paramref name="error"/> says what is expected.</summary>
    public bool IsValid([NotNullWhen(false)] out string? error)
    {
        switch (Kind)
        {
            case PrincipalKind.Professional when NationalId.Length != 11 || !NationalId.All(char.IsAsciiDigit):
                error = $"'{NationalId}' is not an RPPS number (11 digits)";
                return false;
            case PrincipalKind.Structure when NationalId.Length is < 9 or > 20 || !NationalId.All(char.IsAsciiLetterOrDigit):
                error = $"'{NationalId}' is not a national structure id (9 to 20 letters or digits, e.g. 3 followed by the SIRET)";
                return false;
            case PrincipalKind.Application when NationalId.Length is < 1 or > 128 || NationalId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)):
                error = $"'{NationalId}' is not an application id (1 to 128 characters, no spaces)";
                return false;
            default:
                error = null;
                return true;
        }
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{NationalId}";
}

/// <summary>A stored principal.</summary>
public sealed record PrincipalInfo(long Id, PrincipalKind Kind, string NationalId, string? DisplayName, DateTimeOffset CreatedAt)
{
    public PrincipalRef Ref => new(Kind, NationalId);
}

/// <summary>REQ-20/21: which principal kinds may own which mailbox kinds.</summary>
public static class OwnershipRules
{
    /// <summary>PER and CAB are owned by a professional, ORG by a structure, APP by a structure or an application.</summary>
    public static bool MayOwn(PrincipalKind owner, MailboxKind mailbox) => mailbox switch
    {
        MailboxKind.Per or MailboxKind.Cab => owner == PrincipalKind.Professional,
        MailboxKind.Org => owner == PrincipalKind.Structure,
        MailboxKind.App => owner is PrincipalKind.Structure or PrincipalKind.Application,
        _ => false,
    };

    /// <summary>The usual owner kind of a mailbox kind (used when only an identifier is given).</summary>
    public static PrincipalKind DefaultOwnerKind(MailboxKind mailbox) =>
        mailbox is MailboxKind.Per or MailboxKind.Cab ? PrincipalKind.Professional : PrincipalKind.Structure;
}
