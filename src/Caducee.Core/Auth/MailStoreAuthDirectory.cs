// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>
/// <see cref="IAuthDirectory"/> over the current <see cref="IMailStore"/>. Ownership rules
/// (docs/adr/0005-authentication.md):
/// <list type="bullet">
/// <item>a mailbox identity (password) owns exactly its mailbox;</item>
/// <item>a professional (RPPS, from a token or a CPS certificate) owns the PER and CAB boxes whose owner id is that RPPS (REQ-20, REQ-21);</item>
/// <item>an organisation certificate owns the APP box whose stored certificate subject equals its subject (REQ-16).</item>
/// </list>
/// Delegation, once the store has ACLs (RFC 4314): a principal may also use a mailbox on whose INBOX it
/// holds the <c>p</c> right (post). Until then owners only: this is the one place to re-point.
/// </summary>
public sealed class MailStoreAuthDirectory(IMailStore store) : IAuthDirectory
{
    public Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken) =>
        store.FindMailboxAsync(address, cancellationToken);

    public async Task<IReadOnlyList<MailboxInfo>> FindMailboxesOwnedByAsync(string nationalId, CancellationToken cancellationToken)
    {
        var owned = await store.ListMailboxesByOwnerAsync(nationalId, cancellationToken).ConfigureAwait(false);
        return [.. owned.Where(IsPersonal).OrderBy(m => m.Address.Key, StringComparer.Ordinal)];
    }

    public Task<MailboxInfo?> FindMailboxByCertificateSubjectAsync(string subjectKey, CancellationToken cancellationToken) =>
        store.FindMailboxByCertificateSubjectAsync(subjectKey, cancellationToken);

    public Task<string?> GetPasswordHashAsync(MailboxInfo mailbox, CancellationToken cancellationToken) =>
        store.GetPasswordHashAsync(mailbox.Id, cancellationToken);

    public async Task<bool> MayUseAsync(AuthIdentity identity, MailboxInfo mailbox, CancellationToken cancellationToken)
    {
        switch (identity.Kind)
        {
            case IdentityKind.Mailbox:
                return string.Equals(identity.Id, mailbox.Address.Key, StringComparison.Ordinal);
            case IdentityKind.Professional:
                return IsPersonal(mailbox) && string.Equals(mailbox.OwnerId, identity.Id, StringComparison.Ordinal);
            case IdentityKind.Organisation:
                var registered = await store.FindMailboxByCertificateSubjectAsync(identity.Id, cancellationToken).ConfigureAwait(false);
                return registered is not null && registered.Id == mailbox.Id;
            default:
                return false;
        }
    }

    private static bool IsPersonal(MailboxInfo mailbox) => mailbox.Kind is MailboxKind.Per or MailboxKind.Cab;
}
