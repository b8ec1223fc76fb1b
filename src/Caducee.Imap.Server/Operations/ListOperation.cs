// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Mailboxes;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258: selection SUBSCRIBED, SPECIAL-USE, RECURSIVEMATCH,
/// several patterns, return SUBSCRIBED, CHILDREN, SPECIAL-USE), LIST-STATUS (RFC 5819) and SPECIAL-USE
/// (RFC 6154). Children and special-use attributes are always returned. The shared namespace shows only
/// what the user may look up ("l").
/// </summary>
internal static class ListOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, ListCommand command, CancellationToken cancellationToken)
    {
        var patterns = command.Patterns.Where(p => p.Length > 0).Select(p => MailboxPattern.Create(command.Reference, p, Namespaces.Delimiter)).ToList();
        if (patterns.Count == 0)
        {
            // An empty pattern asks for the delimiter and the root of the reference (RFC 9051 §6.3.9).
            session.Out.List(new ListEntry(string.Empty, ["\\Noselect"], Namespaces.Delimiter));
            return Completion.Ok("LIST completed");
        }

        var user = session.User!;
        var tree = await MailboxTree.BuildAsync(session.Services, user, cancellationToken).ConfigureAwait(false);
        var selectSubscribed = (command.Selection & ListSelectOptions.Subscribed) != 0;
        var wantSubscribed = selectSubscribed || (command.Return & ListReturnOptions.Subscribed) != 0;
        var subscriptions = wantSubscribed
            ? new HashSet<string>((await session.Services.Store.ListSubscriptionsAsync(user.MailboxId, cancellationToken).ConfigureAwait(false)).Select(Namespaces.Canonical), StringComparer.Ordinal)
            : [];
        var recursive = (command.Selection & ListSelectOptions.RecursiveMatch) != 0;
        var specialOnly = (command.Selection & ListSelectOptions.SpecialUse) != 0;
        var status = (command.Return & ListReturnOptions.Status) != 0;

        var names = new SortedSet<string>(tree.Nodes.Select(n => n.Name), Namespaces.ListOrder);
        if (selectSubscribed)
        {
            names.UnionWith(subscriptions);
            if (recursive)
            {
                // The levels above subscribed names, which RECURSIVEMATCH may report for them.
                names.UnionWith(subscriptions.SelectMany(Ancestors));
            }
        }

        foreach (var name in names)
        {
            if (!patterns.Exists(p => p.IsMatch(name)))
            {
                continue;
            }

            var node = tree.Find(name);
            var subscribed = subscriptions.Contains(name);
            IReadOnlyList<string>? childInfo = null;
            if (selectSubscribed && !subscribed)
            {
                // RECURSIVEMATCH: a parent that is not subscribed itself is listed for its subscribed children (RFC 5258 §3.5).
                if (!recursive || !subscriptions.Any(s => s.StartsWith(name + Namespaces.Delimiter, StringComparison.Ordinal)))
                {
                    continue;
                }

                childInfo = ["SUBSCRIBED"];
            }

            if (specialOnly && node?.Folder?.SpecialUse is null)
            {
                continue;
            }

            var attributes = new List<string>();
            if (node is null)
            {
                attributes.Add("\\NonExistent");
            }
            else
            {
                if (!node.Selectable)
                {
                    attributes.Add("\\Noselect");
                }

                attributes.Add(tree.HasChildren(name) ? "\\HasChildren" : "\\HasNoChildren");
                if (node.Folder?.SpecialUse is { } use)
                {
                    attributes.Add(use);
                }
            }

            if (wantSubscribed && subscribed)
            {
                attributes.Add("\\Subscribed");
            }

            session.Out.List(new ListEntry(name, attributes, Namespaces.Delimiter, command.IsExtended ? childInfo : null));
            if (status && node?.AsMailbox is { Folder.Selectable: true } mailbox && mailbox.Rights.Has('r'))
            {
                await StatusValues.WriteAsync(session, mailbox, command.StatusItems, cancellationToken).ConfigureAwait(false);
            }

            await session.FlushIfLargeAsync(cancellationToken).ConfigureAwait(false);
        }

        return Completion.Ok("LIST completed");
    }

    private static IEnumerable<string> Ancestors(string name)
    {
        for (var i = name.IndexOf(Namespaces.Delimiter, StringComparison.Ordinal); i > 0; i = name.IndexOf(Namespaces.Delimiter, i + 1))
        {
            yield return name[..i];
        }
    }
}
