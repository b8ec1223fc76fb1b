// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Core.Auth;

/// <summary>
/// Why an authentication failed: the closed list every protocol maps to its wire replies in one place
/// (SMTP <c>AuthReplies</c>, IMAP <c>ImapAuthReplies</c>).
/// </summary>
public enum AuthFailure
{
    None,
    /// <summary>The credentials prove nothing: wrong password, unknown user, invalid or expired token, rejected certificate.</summary>
    InvalidCredentials,
    /// <summary>Too many failures for this account or client address; temporary.</summary>
    LockedOut,
    /// <summary>The mailbox is suspended or closed.</summary>
    MailboxDisabled,
    /// <summary>The mechanism is not offered by this operator (switched off or not configured).</summary>
    MechanismNotAllowed,
    /// <summary>A password for a mailbox that requires a strong method (REQ-15: PER boxes).</summary>
    MechanismTooWeak,
    /// <summary>The SASL message does not follow the mechanism's syntax.</summary>
    Malformed,
    /// <summary>Authenticated, but not allowed to use the mailbox asked for (the authorization identity).</summary>
    NotAuthorized,
    /// <summary>Authenticated, but the credentials fit several mailboxes: the client must name one (authzid).</summary>
    AuthzidRequired,
    /// <summary>The token was valid but lacks the required scope (RFC 6750 <c>insufficient_scope</c>).</summary>
    InsufficientScope,
    /// <summary>A dependency (issuer keys, store, revocation) cannot be consulted now; temporary.</summary>
    Unavailable,
    /// <summary>The client cancelled the exchange ("*").</summary>
    Cancelled,
}

/// <summary>Who proved their identity: a mailbox (password), a professional (RPPS, from a token or a CPS certificate) or an organisation certificate.</summary>
public enum IdentityKind
{
    /// <summary>The mailbox itself, by its password.</summary>
    Mailbox,
    /// <summary>A health professional, by national identifier (RPPS).</summary>
    Professional,
    /// <summary>An organisation certificate (APP boxes), by its canonical subject.</summary>
    Organisation,
}

/// <summary>The authenticated party, independent of the mailbox it acts as.</summary>
public sealed record AuthIdentity(IdentityKind Kind, string Id)
{
    public static AuthIdentity ForMailbox(MailboxInfo mailbox) => new(IdentityKind.Mailbox, mailbox.Address.Key);

    public static AuthIdentity Professional(string rpps) => new(IdentityKind.Professional, rpps);

    public static AuthIdentity Organisation(string subjectKey) => new(IdentityKind.Organisation, subjectKey);

    public override string ToString() => Kind switch
    {
        IdentityKind.Professional => "rpps:" + Id,
        IdentityKind.Organisation => "certificate:" + Id,
        _ => "mailbox:" + Id,
    };
}

/// <summary>
/// Who is logged in (<see cref="Identity"/>), by which mechanism, and the mailbox the session acts as
/// (the authorization identity). Sending as another address is decided by <see cref="IAuthService.MaySendAsAsync"/>.
/// </summary>
public sealed record AuthenticatedPrincipal(MailboxInfo Mailbox, string Mechanism, AuthIdentity Identity)
{
    public override string ToString() => $"{Mailbox.Address} via {Mechanism}";
}

/// <summary>
/// The outcome of an authentication attempt. <see cref="Reason"/> is a text safe to send to the client and
/// to log: it never holds a password, a token or a certificate; <see cref="User"/> is the name the client
/// tried (for the log), when it gave one.
/// </summary>
public sealed record AuthResult(AuthenticatedPrincipal? Principal, AuthFailure Failure, string Reason, string? User = null)
{
    public bool Succeeded => Principal is not null;

    public static AuthResult Success(AuthenticatedPrincipal principal) => new(principal, AuthFailure.None, "authenticated", principal.Mailbox.Address.ToString());

    public static AuthResult Fail(AuthFailure failure, string reason, string? user = null) => new(null, failure, reason, user);
}
