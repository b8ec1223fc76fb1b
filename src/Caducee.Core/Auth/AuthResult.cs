// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>Why an authentication failed; protocols map these to 535/454 and NO [AUTHENTICATIONFAILED]/[UNAVAILABLE].</summary>
public enum AuthFailure
{
    None,
    InvalidCredentials,
    LockedOut,
    MailboxDisabled,
    MechanismNotAllowed,
    Unavailable,
}

/// <summary>Who is logged in, by which mechanism, and which addresses they may act as.</summary>
public sealed record AuthenticatedPrincipal(MailboxInfo Mailbox, string Mechanism)
{
    /// <summary>The addresses this principal may send as (its own; delegations come with ACLs).</summary>
    public bool CanSendAs(MailAddress address) => Mailbox.Address.SameMailbox(address);

    public override string ToString() => $"{Mailbox.Address} via {Mechanism}";
}

/// <summary>The outcome of an authentication attempt.</summary>
public sealed record AuthResult(AuthenticatedPrincipal? Principal, AuthFailure Failure)
{
    public bool Succeeded => Principal is not null;

    public static AuthResult Success(AuthenticatedPrincipal principal) => new(principal, AuthFailure.None);

    public static AuthResult Fail(AuthFailure failure) => new(null, failure);
}
