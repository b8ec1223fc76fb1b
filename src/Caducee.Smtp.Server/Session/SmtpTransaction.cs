// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Smtp.Protocol.Commands;

namespace Caducee.Smtp.Server.Session;

/// <summary>A mail transaction in progress: MAIL and the accepted recipients (local and remote).</summary>
internal sealed class SmtpTransaction(MailCommand mail)
{
    public MailCommand Mail { get; } = mail;

    public List<(RcptCommand Command, MailboxInfo Mailbox)> LocalRecipients { get; } = [];

    public List<RcptCommand> RemoteRecipients { get; } = [];

    public int RecipientCount => LocalRecipients.Count + RemoteRecipients.Count;
}
