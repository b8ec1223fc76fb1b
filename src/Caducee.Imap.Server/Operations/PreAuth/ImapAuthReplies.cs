// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Server.Operations.PreAuth;

/// <summary>The one place where an <see cref="AuthFailure"/> becomes an IMAP tagged response (RFC 5530 codes; STYLE.md §4.7).</summary>
internal static class ImapAuthReplies
{
    public static (ImapStatus Status, ResponseCode? Code) For(AuthFailure failure) => failure switch
    {
        AuthFailure.Malformed or AuthFailure.Cancelled => (ImapStatus.Bad, null),
        AuthFailure.LockedOut or AuthFailure.Unavailable => (ImapStatus.No, ResponseCode.Unavailable),
        // Not AUTHENTICATIONFAILED: clients would prompt again for a password that can never work here.
        AuthFailure.MechanismTooWeak or AuthFailure.MechanismNotAllowed => (ImapStatus.No, ResponseCode.Cannot),
        AuthFailure.MailboxDisabled or AuthFailure.NotAuthorized or AuthFailure.AuthzidRequired or AuthFailure.InsufficientScope => (ImapStatus.No, ResponseCode.AuthorizationFailed),
        _ => (ImapStatus.No, ResponseCode.AuthenticationFailed),
    };
}
