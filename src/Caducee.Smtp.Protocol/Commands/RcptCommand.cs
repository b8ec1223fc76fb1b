// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Smtp.Protocol.Commands;

/// <summary>NOTIFY= values (RFC 3461 §4.1), a flag set; <see cref="Never"/> excludes the others.</summary>
[Flags]
public enum DsnNotify
{
    Unspecified = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}

/// <summary>RCPT TO (RFC 5321 §4.1.1.3) with NOTIFY and ORCPT (RFC 3461).</summary>
public sealed record RcptCommand(MailAddress Recipient, DsnNotify Notify, string? OriginalRecipient) : SmtpCommand(SmtpVerb.Rcpt);
