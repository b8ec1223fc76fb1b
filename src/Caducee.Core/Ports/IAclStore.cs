// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Core.Ports;

/// <summary>
/// Access control lists (RFC 4314) on folders, so an ORG box can be shared with named people. Identifiers
/// are "anyone" or a mailbox address hosted here (a delegate's login); the owner of a mailbox has every
/// right implicitly and is never listed. "anyone" applies to every identity.
/// </summary>
public interface IAclStore
{
    /// <summary>The explicit entries of a folder's ACL (GETACL adds the owner's implicit entry).</summary>
    Task<IReadOnlyList<AclEntry>> GetAclAsync(long folderId, CancellationToken cancellationToken);

    /// <summary>SETACL / DELETEACL: changes an identifier's rights and returns them (empty = entry removed).</summary>
    Task<AclRights> SetAclAsync(long folderId, string identifier, AclModification modification, AclRights rights, CancellationToken cancellationToken);

    /// <summary>MYRIGHTS: the rights a user with these identities (login address, groups) has on a folder.</summary>
    Task<AclRights> GetRightsAsync(long folderId, IReadOnlyCollection<string> identities, CancellationToken cancellationToken);

    /// <summary>Folders of other mailboxes on which these identities have the lookup right "l" (the shared namespace).</summary>
    Task<IReadOnlyList<SharedFolder>> ListSharedFoldersAsync(IReadOnlyCollection<string> identities, CancellationToken cancellationToken);
}
