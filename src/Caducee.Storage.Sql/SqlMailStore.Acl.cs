// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>RFC 4314 access control lists on folders.</summary>
public partial class SqlMailStore
{
    public Task<IReadOnlyList<AclEntry>> GetAclAsync(long folderId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<AclEntry>>(async s =>
        {
            _ = await FolderByIdAsync(s, folderId, cancellationToken).ConfigureAwait(false) ?? throw NotFound($"no folder {folderId}");
            return await s.QueryAsync("SELECT identifier, rights FROM acl WHERE folder_id = @f ORDER BY identifier;", r => new AclEntry(r.GetString(0), AclRights.Parse(r.GetString(1))), cancellationToken, ("@f", folderId)).ConfigureAwait(false);
        }, cancellationToken, snapshot: true);

    public Task<AclRights> SetAclAsync(long folderId, string identifier, AclModification modification, AclRights rights, CancellationToken cancellationToken)
    {
        var id = AclIdentifiers.Normalize(identifier) ?? throw new MailException(MailError.Parameters, $"'{identifier}' is not an ACL identifier (\"anyone\" or a mailbox address)");
        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            var folder = await FolderByIdAsync(ctx, folderId, ct).ConfigureAwait(false) ?? throw NotFound($"no folder {folderId}");
            var owner = await ctx.QueryAsync("SELECT address FROM mailboxes WHERE id = @m;", r => r.GetString(0), ct, ("@m", folder.MailboxId)).ConfigureAwait(false);
            if (owner.Count > 0 && owner[0] == id)
            {
                throw new MailException(MailError.NotPossible, "the owner of a mailbox always has every right");
            }

            if (id != AclIdentifiers.Anyone)
            {
                var domain = id[(id.LastIndexOf('@') + 1)..];
                if (await ctx.LongAsync("SELECT COUNT(*) FROM domains WHERE name = @d;", ct, ("@d", domain)).ConfigureAwait(false) == 0)
                {
                    throw new MailException(MailError.Parameters, $"{id} is not a mailbox of this operator");
                }
            }

            var current = await ctx.QueryAsync("SELECT rights FROM acl WHERE folder_id = @f AND identifier = @i;", r => AclRights.Parse(r.GetString(0)), ct, ("@f", folderId), ("@i", id)).ConfigureAwait(false);
            var before = current.Count == 0 ? AclRights.None : current[0];
            var after = modification switch
            {
                AclModification.Add => before.Union(rights),
                AclModification.Remove => before.Except(rights),
                _ => rights,
            };
            if (after.IsEmpty)
            {
                await ctx.ExecAsync("DELETE FROM acl WHERE folder_id = @f AND identifier = @i;", ct, ("@f", folderId), ("@i", id)).ConfigureAwait(false);
            }
            else
            {
                await ctx.ExecAsync(
                    "INSERT INTO acl(folder_id, identifier, rights) VALUES (@f, @i, @r) ON CONFLICT (folder_id, identifier) DO UPDATE SET rights = excluded.rights;",
                    ct,
                    ("@f", folderId),
                    ("@i", id),
                    ("@r", after.Letters)).ConfigureAwait(false);
            }

            ctx.Changed(folder.MailboxId, folderId, folder.HighestModSeq, FolderChangeKinds.Attributes);
            return after;
        }, cancellationToken);
    }

    public Task<AclRights> GetRightsAsync(long folderId, IReadOnlyCollection<string> identities, CancellationToken cancellationToken)
    {
        var ids = NormalizeIdentities(identities);
        return ReadAsync(async s =>
        {
            var owner = await s.QueryAsync("SELECT m.address FROM folders f JOIN mailboxes m ON m.id = f.mailbox_id WHERE f.id = @f;", r => r.GetString(0), cancellationToken, ("@f", folderId)).ConfigureAwait(false);
            if (owner.Count == 0)
            {
                throw NotFound($"no folder {folderId}");
            }

            if (ids.Contains(owner[0]))
            {
                return AclRights.All;
            }

            var entries = await s.QueryAsync("SELECT identifier, rights FROM acl WHERE folder_id = @f;", r => (Id: r.GetString(0), Rights: AclRights.Parse(r.GetString(1))), cancellationToken, ("@f", folderId)).ConfigureAwait(false);
            return entries.Where(e => ids.Contains(e.Id)).Aggregate(AclRights.None, (a, e) => a.Union(e.Rights));
        }, cancellationToken, snapshot: true);
    }

    public Task<IReadOnlyList<SharedFolder>> ListSharedFoldersAsync(IReadOnlyCollection<string> identities, CancellationToken cancellationToken)
    {
        var ids = NormalizeIdentities(identities);
        var parameters = ids.Select((id, i) => ($"@i{i}", (object?)id)).ToArray();
        var list = string.Join(", ", parameters.Select(p => p.Item1));
        return ReadAsync<IReadOnlyList<SharedFolder>>(async s =>
        {
            var rows = await s.QueryAsync(
                $"""
                {FolderSelect.Replace("FROM folders f", ", m.address, a.rights FROM folders f", StringComparison.Ordinal)}
                JOIN acl a ON a.folder_id = f.id
                JOIN mailboxes m ON m.id = f.mailbox_id
                WHERE a.identifier IN ({list}) AND m.status <> 'closed'
                ORDER BY m.address, f.name;
                """,
                r => (Folder: ReadFolder(r), Owner: r.GetString(13), Rights: AclRights.Parse(r.GetString(14))),
                cancellationToken,
                parameters).ConfigureAwait(false);
            return rows
                .Where(r => !ids.Contains(r.Owner))
                .GroupBy(r => r.Folder.Id)
                .Select(g => new SharedFolder(g.First().Folder, MailAddress.Parse(g.First().Owner), g.Aggregate(AclRights.None, (a, r) => a.Union(r.Rights))))
                .Where(f => f.Rights.Has('l'))
                .ToList();
        }, cancellationToken, snapshot: true);
    }

    /// <summary>Login addresses (lower-cased) plus "anyone", which applies to everybody (RFC 4314 §2).</summary>
    private static HashSet<string> NormalizeIdentities(IReadOnlyCollection<string> identities)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal) { AclIdentifiers.Anyone };
        foreach (var identity in identities)
        {
            if (AclIdentifiers.Normalize(identity) is { } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
