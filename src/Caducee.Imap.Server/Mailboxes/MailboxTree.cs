// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Mailboxes;

/// <summary>One name of the user's hierarchy: a mailbox (with the user's rights), or a level that holds none.</summary>
/// <param name="Name">The client name.</param>
/// <param name="Folder">The folder, or null for a level of the hierarchy that is not a mailbox ("Shared", "Shared/&lt;owner&gt;", a parent the user cannot see).</param>
/// <param name="Rights">The user's rights on the folder.</param>
/// <param name="Owner">The owning mailbox for a shared folder.</param>
internal sealed record TreeNode(string Name, FolderInfo? Folder, AclRights Rights, MailAddress? Owner)
{
    public bool Selectable => Folder is { Selectable: true };

    public ResolvedMailbox? AsMailbox => Folder is null ? null : new ResolvedMailbox(Folder, Rights, Name, Owner);
}

/// <summary>
/// Every name the user can see (LIST, LSUB): the folders of their own mailbox, and under "Shared/" the
/// folders other mailboxes share with them through the lookup right "l" (RFC 4314), with the levels
/// between so a client can browse down to them. Built per command from two store queries.
/// </summary>
internal sealed class MailboxTree
{
    private readonly SortedDictionary<string, TreeNode> _nodes;
    private readonly HashSet<string> _parents;

    private MailboxTree(SortedDictionary<string, TreeNode> nodes)
    {
        _nodes = nodes;
        _parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in nodes.Keys)
        {
            foreach (var ancestor in Ancestors(name))
            {
                _parents.Add(ancestor);
            }
        }
    }

    public IEnumerable<TreeNode> Nodes => _nodes.Values;

    public static async Task<MailboxTree> BuildAsync(ImapServices services, UserContext user, CancellationToken cancellationToken)
    {
        var nodes = new SortedDictionary<string, TreeNode>(StringComparer.Ordinal);
        foreach (var folder in await services.Store.ListFoldersAsync(user.MailboxId, cancellationToken).ConfigureAwait(false))
        {
            if (!Namespaces.IsReserved(folder.Name))
            {
                nodes[folder.Name] = new TreeNode(folder.Name, folder, AclRights.All, null);
            }
        }

        foreach (var shared in await services.Store.ListSharedFoldersAsync(user.Identities, cancellationToken).ConfigureAwait(false))
        {
            if (shared.Owner.Key == user.Address)
            {
                continue;
            }

            var name = Namespaces.SharedName(shared.Owner.Key, shared.Folder.Name);
            nodes[name] = new TreeNode(name, shared.Folder, shared.Rights, shared.Owner);
        }

        // The levels between: "Shared", "Shared/<owner>", and parents the user cannot see themselves.
        foreach (var name in nodes.Keys.ToList())
        {
            foreach (var ancestor in Ancestors(name))
            {
                nodes.TryAdd(ancestor, new TreeNode(ancestor, null, AclRights.None, null));
            }
        }

        return new MailboxTree(nodes);
    }

    public TreeNode? Find(string name) => _nodes.GetValueOrDefault(name);

    public bool HasChildren(string name) => _parents.Contains(name);

    private static IEnumerable<string> Ancestors(string name)
    {
        for (var i = name.IndexOf(Namespaces.Delimiter, StringComparison.Ordinal); i > 0; i = name.IndexOf(Namespaces.Delimiter, i + 1))
        {
            yield return name[..i];
        }
    }
}
