// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>The one place where an <see cref="AuthFailure"/> becomes an SMTP reply (RFC 4954 §6, RFC 3463; STYLE.md §4.7).</summary>
internal static class AuthReplies
{
    public static SmtpReply For(AuthResult result) => result.Failure switch
    {
        AuthFailure.Malformed => new SmtpReply(501, "5.5.2", result.Reason),
        AuthFailure.Cancelled => new SmtpReply(501, "5.0.0", result.Reason),
        AuthFailure.LockedOut or AuthFailure.Unavailable => new SmtpReply(454, "4.7.0", result.Reason),
        // RFC 4954 §6: 534 5.7.9 "Authentication mechanism is too weak".
        AuthFailure.MechanismTooWeak or AuthFailure.MechanismNotAllowed => new SmtpReply(534, "5.7.9", result.Reason),
        _ => new SmtpReply(535, "5.7.8", result.Reason),
    };
}
