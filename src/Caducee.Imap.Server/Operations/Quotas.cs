// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// Quota roots (RFC 9208): one per mailbox (BAL): "" for the user's own, "Shared/&lt;owner&gt;" for a
/// mailbox shared with them. STORAGE in units of 1024 octets, MESSAGE in messages; a resource without a
/// limit is not listed.
/// </summary>
internal static class Quotas
{
    public static async Task WriteAsync(ImapSession session, string root, long mailboxId, CancellationToken cancellationToken)
    {
        var quota = await session.Services.Store.GetQuotaAsync(mailboxId, cancellationToken).ConfigureAwait(false);
        var resources = new List<QuotaResource>(2);
        if (quota.StorageLimit is long storage)
        {
            resources.Add(new QuotaResource("STORAGE", (quota.StorageBytes + 1023) / 1024, storage / 1024));
        }

        if (quota.MessageLimit is long messages)
        {
            resources.Add(new QuotaResource("MESSAGE", quota.Messages, messages));
        }

        session.Out.Quota(root, resources);
    }

    /// <summary>The mailbox of a quota root the user may see, or null.</summary>
    public static async Task<long?> FindRootAsync(ImapSession session, string root, CancellationToken cancellationToken)
    {
        var user = session.User!;
        if (root.Length == 0)
        {
            return user.MailboxId;
        }

        if (Namespaces.Parse(root) is not NamespaceNode { Owner: { } address })
        {
            return null;
        }

        var owner = await MailboxResolver.FindOwnerAsync(session.Services, user, address, cancellationToken).ConfigureAwait(false);
        if (owner is null)
        {
            return null;
        }

        // Only a mailbox that shares something with the user is visible to them.
        var shared = await session.Services.Store.ListSharedFoldersAsync(user.Identities, cancellationToken).ConfigureAwait(false);
        return shared.Any(f => f.Folder.MailboxId == owner.Id) ? owner.Id : null;
    }
}
