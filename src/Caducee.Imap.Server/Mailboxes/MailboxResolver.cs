// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Server.Session;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Mailboxes;

/// <summary>
/// Turns a client mailbox name into a folder and the user's rights on it. A shared folder on which the user
/// has no right at all does not exist for them (RFC 4314 §4: its existence is never revealed), nor does a
/// closed mailbox or an unknown owner: callers answer NO [NONEXISTENT] alike.
/// </summary>
internal static class MailboxResolver
{
    public static async Task<ResolvedMailbox?> ResolveAsync(ImapServices services, UserContext user, string clientName, CancellationToken cancellationToken)
    {
        switch (Namespaces.Parse(clientName))
        {
            case PersonalName personal:
            {
                if (Namespaces.IsReserved(personal.Folder))
                {
                    return null;
                }

                var folder = await services.Store.GetFolderAsync(user.MailboxId, personal.Folder, cancellationToken).ConfigureAwait(false);
                return folder is null ? null : new ResolvedMailbox(folder, AclRights.All, folder.Name, null);
            }

            case SharedName shared:
            {
                var owner = await FindOwnerAsync(services, user, shared.Owner, cancellationToken).ConfigureAwait(false);
                if (owner is null)
                {
                    return null;
                }

                var folder = await services.Store.GetFolderAsync(owner.Id, shared.Folder, cancellationToken).ConfigureAwait(false);
                if (folder is null)
                {
                    return null;
                }

                var rights = await services.Store.GetRightsAsync(folder.Id, user.Identities, cancellationToken).ConfigureAwait(false);
                return rights.IsEmpty ? null : new ResolvedMailbox(folder, rights, Namespaces.SharedName(owner.Address.Key, folder.Name), owner.Address);
            }

            default:
                return null;
        }
    }

    /// <summary>The active mailbox <paramref name="address"/> when it is another user's (one's own box is never seen through "Shared/").</summary>
    public static async Task<MailboxInfo?> FindOwnerAsync(ImapServices services, UserContext user, string address, CancellationToken cancellationToken)
    {
        if (!MailAddress.TryParse(address, out var parsed, out _) || parsed.Key == user.Address)
        {
            return null;
        }

        var owner = await services.Store.FindMailboxAsync(parsed, cancellationToken).ConfigureAwait(false);
        return owner is { Status: not MailboxStatus.Closed } ? owner : null;
    }
}
