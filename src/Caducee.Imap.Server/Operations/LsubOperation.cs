// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Mailboxes;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// LSUB (RFC 3501 §6.3.9): the subscribed names that match; a level above a subscribed name that matches
/// "%" without being subscribed itself is listed \Noselect. Names that are no mailbox now are \Noselect.
/// </summary>
internal static class LsubOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, LsubCommand command, CancellationToken cancellationToken)
    {
        if (command.Pattern.Length == 0)
        {
            session.Out.Lsub(new ListEntry(string.Empty, ["\\Noselect"], Namespaces.Delimiter));
            return Completion.Ok("LSUB completed");
        }

        var user = session.User!;
        var pattern = MailboxPattern.Create(command.Reference, command.Pattern, Namespaces.Delimiter);
        var tree = await MailboxTree.BuildAsync(session.Services, user, cancellationToken).ConfigureAwait(false);
        var subscriptions = new SortedSet<string>((await session.Services.Store.ListSubscriptionsAsync(user.MailboxId, cancellationToken).ConfigureAwait(false)).Select(Namespaces.Canonical), Namespaces.ListOrder);
        var listed = new SortedDictionary<string, bool>(Namespaces.ListOrder);
        foreach (var name in subscriptions)
        {
            if (pattern.IsMatch(name))
            {
                listed[name] = tree.Find(name) is { Selectable: true };
                continue;
            }

            for (var i = name.LastIndexOf(Namespaces.Delimiter); i > 0; i = name.LastIndexOf(Namespaces.Delimiter, i - 1))
            {
                var parent = name[..i];
                if (pattern.IsMatch(parent))
                {
                    listed.TryAdd(parent, subscriptions.Contains(parent) && tree.Find(parent) is { Selectable: true });
                    break;
                }
            }
        }

        foreach (var (name, selectable) in listed)
        {
            session.Out.Lsub(new ListEntry(name, selectable ? [] : ["\\Noselect"], Namespaces.Delimiter));
        }

        return Completion.Ok("LSUB completed");
    }
}
