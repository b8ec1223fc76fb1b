// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Model;

/// <summary>The one place where <see cref="MailError"/> becomes an SMTP reply (STYLE.md §4.7).</summary>
public static class SmtpErrorMapping
{
    public static SmtpReply ToSmtpReply(MailError error, string text) => error switch
    {
        MailError.Temporary => new SmtpReply(451, "4.3.0", text),
        MailError.Unavailable => new SmtpReply(451, "4.4.3", text),
        MailError.OverQuota => new SmtpReply(452, "4.2.2", text),
        MailError.NotFound => new SmtpReply(550, "5.1.1", text),
        MailError.MailboxDisabled => new SmtpReply(550, "5.2.1", text),
        MailError.Permission => new SmtpReply(550, "5.7.1", text),
        MailError.TooBig => new SmtpReply(552, "5.3.4", text),
        MailError.Limit => new SmtpReply(452, "4.5.3", text),
        MailError.InvalidData => new SmtpReply(554, "5.6.0", text),
        MailError.Parameters => new SmtpReply(501, "5.5.4", text),
        MailError.Exists or MailError.NotPossible or MailError.Expunged or MailError.InUse => new SmtpReply(451, "4.3.0", text),
        _ => new SmtpReply(451, "4.3.0", text),
    };
}
