// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>
/// <see cref="IAuthDirectory"/> over the message store. Ownership and delegation rules
/// (docs/adr/0005-authentication.md):
/// <list type="bullet">
/// <item>a mailbox identity (password) owns exactly its mailbox;</item>
/// <item>a professional (RPPS, from a token or a CPS certificate) owns the PER and CAB boxes whose owner is that RPPS (REQ-20, REQ-21);</item>
/// <item>an organisation certificate owns the APP box whose stored certificate subject equals its subject (REQ-16);</item>
/// <item>delegation (RFC 4314): an identity may also use a mailbox on whose INBOX one of its own mailbox
/// addresses (or <c>anyone</c>) holds the <c>p</c> (post) right — e.g. a secretary sending as a service's ORG box.</item>
/// </list>
/// </summary>
public sealed class MailStoreAuthDirectory(IMailStore store) : IAuthDirectory
{
    private const char PostRight = 'p';

    public Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken) =>
        store.FindMailboxAsync(address, cancellationToken);

    public async Task<IReadOnlyList<MailboxInfo>> FindMailboxesOwnedByAsync(string nationalId, CancellationToken cancellationToken)
    {
        var owned = await store.ListMailboxesByOwnerAsync(PrincipalRef.Professional(nationalId), cancellationToken).ConfigureAwait(false);
        return [.. owned.Where(IsPersonal).OrderBy(m => m.Address.Key, StringComparer.Ordinal)];
    }

    public Task<MailboxInfo?> FindMailboxByCertificateSubjectAsync(string subjectKey, CancellationToken cancellationToken) =>
        store.FindMailboxByCertificateAsync(subjectKey, cancellationToken);

    public Task<string?> GetPasswordHashAsync(MailboxInfo mailbox, CancellationToken cancellationToken) =>
        store.GetPasswordHashAsync(mailbox.Id, cancellationToken);

    public async Task<bool> MayUseAsync(AuthIdentity identity, MailboxInfo mailbox, CancellationToken cancellationToken)
    {
        if (await OwnsAsync(identity, mailbox, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var inbox = await store.GetFolderAsync(mailbox.Id, DefaultFolders.Inbox, cancellationToken).ConfigureAwait(false);
        if (inbox is null)
        {
            return false;
        }

        var identities = await AddressesOfAsync(identity, cancellationToken).ConfigureAwait(false);
        var rights = await store.GetRightsAsync(inbox.Id, identities, cancellationToken).ConfigureAwait(false);
        return rights.Has(PostRight);
    }

    private async Task<bool> OwnsAsync(AuthIdentity identity, MailboxInfo mailbox, CancellationToken cancellationToken)
    {
        switch (identity.Kind)
        {
            case IdentityKind.Mailbox:
                return string.Equals(identity.Id, mailbox.Address.Key, StringComparison.Ordinal);
            case IdentityKind.Professional:
                return IsPersonal(mailbox) && mailbox.Owner is { Kind: PrincipalKind.Professional } owner && string.Equals(owner.NationalId, identity.Id, StringComparison.Ordinal);
            case IdentityKind.Organisation:
                var registered = await store.FindMailboxByCertificateAsync(identity.Id, cancellationToken).ConfigureAwait(false);
                return registered is not null && registered.Id == mailbox.Id;
            default:
                return false;
        }
    }

    /// <summary>The ACL identifiers an identity answers to: the addresses of the mailboxes it owns.</summary>
    private async Task<IReadOnlyCollection<string>> AddressesOfAsync(AuthIdentity identity, CancellationToken cancellationToken)
    {
        switch (identity.Kind)
        {
            case IdentityKind.Mailbox:
                return [identity.Id];
            case IdentityKind.Professional:
                var owned = await FindMailboxesOwnedByAsync(identity.Id, cancellationToken).ConfigureAwait(false);
                return [.. owned.Select(m => m.Address.Key)];
            case IdentityKind.Organisation:
                var app = await store.FindMailboxByCertificateAsync(identity.Id, cancellationToken).ConfigureAwait(false);
                return app is null ? [] : [app.Address.Key];
            default:
                return [];
        }
    }

    private static bool IsPersonal(MailboxInfo mailbox) => mailbox.Kind is MailboxKind.Per or MailboxKind.Cab;
}
