// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// The authorization of every mailbox access (RFC 4314 §4, issue 6 point 2): resolve the name for the user,
/// then require the right the command needs. A mailbox the user has no right on does not exist for them
/// (NO [NONEXISTENT], the same answer as for a name that does not exist); one they can see ("l") but lack
/// the right on gets NO [NOPERM].
/// </summary>
internal static class Access
{
    /// <summary>The resolved mailbox, or null with the refusal to answer.</summary>
    public static async Task<(ResolvedMailbox? Mailbox, Completion Refusal)> RequireAsync(ImapSession session, string name, char right, string action, CancellationToken cancellationToken)
    {
        var resolved = await MailboxResolver.ResolveAsync(session.Services, session.User!, name, cancellationToken).ConfigureAwait(false);
        if (resolved is null)
        {
            return (null, Failures.NoSuchMailbox());
        }

        return Check(session, resolved, right, action, out var refusal) ? (resolved, default) : (null, refusal);
    }

    /// <summary>Checks one right on a resolved mailbox (the owner has them all).</summary>
    public static bool Check(ImapSession session, ResolvedMailbox mailbox, char right, string action, out Completion refusal)
    {
        refusal = default;
        if (mailbox.Rights.Has(right))
        {
            return true;
        }

        Log.AccessRefused(session.Logger, session.Id, action, mailbox.Owner?.Key ?? "-", right);
        refusal = mailbox.Rights.Has('l') || mailbox.Rights.Has('r') ? Failures.NoRight(action) : Failures.NoSuchMailbox();
        return false;
    }
}
