// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;

namespace Caducee.Imap.Server.Operations;

/// <summary>The one place where an <see cref="AuthFailure"/> becomes an IMAP tagged response (RFC 5530 codes; STYLE.md §4.7).</summary>
internal static class ImapAuthReplies
{
    public static (string Status, string Text) For(AuthResult result) => result.Failure switch
    {
        AuthFailure.Malformed or AuthFailure.Cancelled => ("BAD", result.Reason),
        AuthFailure.LockedOut or AuthFailure.Unavailable => ("NO", "[UNAVAILABLE] " + result.Reason),
        // Not AUTHENTICATIONFAILED: clients would prompt again for a password that can never work here.
        AuthFailure.MechanismTooWeak or AuthFailure.MechanismNotAllowed => ("NO", "[CANNOT] " + result.Reason),
        AuthFailure.MailboxDisabled or AuthFailure.NotAuthorized or AuthFailure.AuthzidRequired or AuthFailure.InsufficientScope => ("NO", "[AUTHORIZATIONFAILED] " + result.Reason),
        _ => ("NO", "[AUTHENTICATIONFAILED] " + result.Reason),
    };
}
