// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>
/// What authentication needs to know about mailboxes and who may use them: a narrow port, so the auth
/// component does not depend on the shape of the message store (see <see cref="MailStoreAuthDirectory"/>).
/// Failures surface as <see cref="MailException"/>; the auth service turns them into <see cref="AuthFailure.Unavailable"/>.
/// </summary>
public interface IAuthDirectory
{
    Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken);

    /// <summary>The personal mailboxes (PER, CAB) owned by a professional's national identifier (RPPS), ordered by address.</summary>
    Task<IReadOnlyList<MailboxInfo>> FindMailboxesOwnedByAsync(string nationalId, CancellationToken cancellationToken);

    /// <summary>The mailbox registered for an organisation certificate (APP boxes, REQ-16), by canonical subject (<see cref="CertificateIdentity.SubjectKey(System.Security.Cryptography.X509Certificates.X500DistinguishedName)"/>).</summary>
    Task<MailboxInfo?> FindMailboxByCertificateSubjectAsync(string subjectKey, CancellationToken cancellationToken);

    /// <summary>The password hash of a mailbox, or null when it has none (password methods then fail).</summary>
    Task<string?> GetPasswordHashAsync(MailboxInfo mailbox, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="identity"/> may act as <paramref name="mailbox"/>: log in to it and send as
    /// its address. True for the mailbox's owner; with ACLs, also for delegates (see the adapter).
    /// </summary>
    Task<bool> MayUseAsync(AuthIdentity identity, MailboxInfo mailbox, CancellationToken cancellationToken);
}
