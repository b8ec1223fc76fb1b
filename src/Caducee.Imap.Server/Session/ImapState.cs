// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Core.Model;

namespace Caducee.Imap.Server.Session;

/// <summary>Session state as a closed set of types, each holding only what is valid in it (STYLE.md §4.4, RFC 9051 §3).</summary>
internal abstract record ImapState;

/// <summary>Before LOGIN or AUTHENTICATE: nothing but the connection.</summary>
internal sealed record NotAuthenticated : ImapState;

/// <summary>Logged in: who, as which mailbox, and the connection slot held for the per-user limit.</summary>
internal record Authenticated(UserContext User) : ImapState;

/// <summary>A mailbox is selected: the session's view of it (sequence numbers, known MODSEQ, pending updates).</summary>
internal sealed record Selected(UserContext User, SelectedMailbox Mailbox) : Authenticated(User);

/// <summary>After LOGOUT: the loop ends.</summary>
internal sealed record LoggedOut : ImapState;

/// <summary>The authenticated user: the principal, the mailbox the session acts as, and its ACL identities (RFC 4314).</summary>
internal sealed class UserContext(AuthenticatedPrincipal principal, IDisposable connectionSlot) : IDisposable
{
    public AuthenticatedPrincipal Principal { get; } = principal;

    public MailboxInfo Mailbox => Principal.Mailbox;

    public long MailboxId => Principal.Mailbox.Id;

    /// <summary>The login address, lower-cased: the identifier ACL entries name (plus "anyone", added by the store).</summary>
    public string Address => Principal.Mailbox.Address.Key;

    public IReadOnlyCollection<string> Identities { get; } = [principal.Mailbox.Address.Key];

    public void Dispose() => connectionSlot.Dispose();
}
