// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Model;

/// <summary>The four MSSanté mailbox (BAL) kinds, TRE_R257-TypeBAL (REQ-20).</summary>
public enum MailboxKind
{
    /// <summary>Personal, tied to a professional's RPPS.</summary>
    Per,
    /// <summary>Organisational: a service or team of a structure.</summary>
    Org,
    /// <summary>Applicative: software sending and receiving automatically.</summary>
    App,
    /// <summary>A liberal practice's shared box.</summary>
    Cab,
}

/// <summary>Lifecycle of a mailbox (REQ-23).</summary>
public enum MailboxStatus
{
    Active,
    Suspended,
    Closed,
}

/// <summary>A mailbox as stored. Address and kind never change after creation (REQ-21).</summary>
public sealed record MailboxInfo(
    long Id,
    MailAddress Address,
    MailboxKind Kind,
    MailboxStatus Status,
    string? DisplayName,
    string? OwnerId,
    DateTimeOffset CreatedAt);

/// <summary>What is needed to create a mailbox.</summary>
public sealed record NewMailbox(MailAddress Address, MailboxKind Kind, string? DisplayName, string? OwnerId, string? PasswordHash, string? CertificateSubject);

/// <summary>Parsing and printing of <see cref="MailboxKind"/> in the national codes.</summary>
public static class MailboxKinds
{
    public static string ToCode(this MailboxKind kind) => kind switch
    {
        MailboxKind.Per => "PER",
        MailboxKind.Org => "ORG",
        MailboxKind.App => "APP",
        MailboxKind.Cab => "CAB",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? code, out MailboxKind kind)
    {
        switch (code?.Trim().ToUpperInvariant())
        {
            case "PER": kind = MailboxKind.Per; return true;
            case "ORG": kind = MailboxKind.Org; return true;
            case "APP": kind = MailboxKind.App; return true;
            case "CAB": kind = MailboxKind.Cab; return true;
            default: kind = default; return false;
        }
    }
}
