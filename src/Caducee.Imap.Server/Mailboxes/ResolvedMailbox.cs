// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Mailboxes;

/// <summary>
/// A mailbox name resolved for one user: the folder, the user's rights on it (RFC 4314; the owner has them
/// all), the name to answer with, and the owning mailbox when it is shared.
/// </summary>
internal sealed record ResolvedMailbox(FolderInfo Folder, AclRights Rights, string ClientName, MailAddress? Owner)
{
    public bool IsShared => Owner is not null;

    public long MailboxId => Folder.MailboxId;

    /// <summary>The quota root of the mailbox holding this folder (RFC 9208): "" for the user's own, "Shared/&lt;owner&gt;" otherwise.</summary>
    public string QuotaRoot => Owner is null ? string.Empty : Namespaces.SharedPrefix + Owner.Key;
}
