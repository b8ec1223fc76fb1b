// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>Folders (IMAP mailboxes): hierarchy with "/", CREATE/RENAME/DELETE semantics of RFC 9051, subscriptions.</summary>
public partial class SqlMailStore
{
    private const string FolderSelect = """
        SELECT f.id, f.mailbox_id, f.name, f.special_use, f.uid_validity, f.uid_next, f.highest_modseq, f.message_count,
               f.unseen_count, f.deleted_count, f.total_size, f.selectable,
               CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.mailbox_id = f.mailbox_id AND s.name = f.name) THEN 1 ELSE 0 END
        FROM folders f
        """;

    public Task<IReadOnlyList<FolderInfo>> ListFoldersAsync(long mailboxId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<FolderInfo>>(async s => await s.QueryAsync($"{FolderSelect} WHERE f.mailbox_id = @m ORDER BY f.id;", ReadFolder, cancellationToken, ("@m", mailboxId)).ConfigureAwait(false), cancellationToken);

    public Task<FolderInfo?> GetFolderAsync(long mailboxId, string name, CancellationToken cancellationToken) =>
        ReadAsync(s => FolderByNameAsync(s, mailboxId, FolderNames.Normalize(name), cancellationToken), cancellationToken);

    public Task<FolderInfo?> GetFolderByIdAsync(long folderId, CancellationToken cancellationToken) =>
        ReadAsync(s => FolderByIdAsync(s, folderId, cancellationToken), cancellationToken);

    public Task<FolderInfo> CreateFolderAsync(long mailboxId, string name, string? specialUse, CancellationToken cancellationToken)
    {
        name = FolderNames.Normalize(name);
        if (!FolderNames.IsValid(name, out var error))
        {
            throw new MailException(MailError.Parameters, error);
        }

        if (FolderNames.IsInbox(name))
        {
            throw new MailException(MailError.Exists, "INBOX always exists");
        }

        string? use = null;
        if (specialUse is not null && !FolderNames.TryNormalizeSpecialUse(specialUse, out use))
        {
            throw new MailException(MailError.Parameters, $"'{specialUse}' is not a special-use attribute (RFC 6154: {string.Join(' ', FolderNames.SpecialUses)})");
        }

        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            await RequireMailboxAsync(ctx, mailboxId).ConfigureAwait(false);
            var existing = await FolderByNameAsync(ctx, mailboxId, name, ct).ConfigureAwait(false);
            if (existing is { Selectable: true })
            {
                throw new MailException(MailError.Exists, $"folder {name} already exists");
            }

            await CreateAncestorsAsync(ctx, mailboxId, name).ConfigureAwait(false);
            long id;
            if (existing is not null)
            {
                // A \Noselect placeholder becomes a folder again, with a new UIDVALIDITY (RFC 9051 §2.3.1.1).
                id = existing.Id;
                await ctx.ExecAsync(
                    "UPDATE folders SET selectable = 1, special_use = @s, uid_validity = @v, uid_next = 1 WHERE id = @id;",
                    ct,
                    ("@s", use),
                    ("@v", await NextUidValidityAsync(ctx).ConfigureAwait(false)),
                    ("@id", id)).ConfigureAwait(false);
                await ctx.ExecAsync("DELETE FROM expunged WHERE folder_id = @id;", ct, ("@id", id)).ConfigureAwait(false);
            }
            else
            {
                id = await InsertFolderAsync(ctx, mailboxId, name, use).ConfigureAwait(false);
                await InheritAclAsync(ctx, mailboxId, id, name).ConfigureAwait(false);
            }

            var folder = (await FolderByIdAsync(ctx, id, ct).ConfigureAwait(false))!;
            ctx.Changed(mailboxId, id, folder.HighestModSeq, FolderChangeKinds.Created);
            return folder;
        }, cancellationToken);
    }

    public Task RenameFolderAsync(long mailboxId, string name, string newName, CancellationToken cancellationToken)
    {
        name = FolderNames.Normalize(name);
        newName = FolderNames.Normalize(newName);
        if (!FolderNames.IsValid(newName, out var error))
        {
            throw new MailException(MailError.Parameters, error);
        }

        if (FolderNames.IsInbox(newName) || name == newName)
        {
            throw new MailException(MailError.Exists, $"folder {newName} already exists");
        }

        if (FolderNames.IsBelow(newName, name))
        {
            throw new MailException(MailError.Parameters, $"cannot move {name} below itself");
        }

        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            var source = await FolderByNameAsync(ctx, mailboxId, name, ct).ConfigureAwait(false) ?? throw NotFound($"no folder {name}");
            if (await FolderByNameAsync(ctx, mailboxId, newName, ct).ConfigureAwait(false) is not null || await HasChildrenAsync(ctx, mailboxId, newName).ConfigureAwait(false))
            {
                throw new MailException(MailError.Exists, $"folder {newName} already exists");
            }

            await CreateAncestorsAsync(ctx, mailboxId, newName).ConfigureAwait(false);
            if (FolderNames.IsInbox(name))
            {
                await RenameInboxAsync(ctx, source, newName).ConfigureAwait(false);
                return 0;
            }

            var moved = await ctx.QueryAsync(
                "SELECT id, name, highest_modseq FROM folders WHERE mailbox_id = @m AND (name = @o OR substr(name, 1, @l) = @p);",
                r => (Id: r.GetInt64(0), Name: r.GetString(1), ModSeq: r.GetInt64(2)),
                ct,
                ("@m", mailboxId),
                ("@o", name),
                ("@l", name.Length + 1),
                ("@p", name + FolderNames.Delimiter)).ConfigureAwait(false);
            await using (var rename = ctx.Command("UPDATE folders SET name = @n WHERE id = @id;", ("@n", string.Empty), ("@id", 0L)))
            {
                foreach (var f in moved)
                {
                    rename.Parameters["@n"].Value = newName + f.Name[name.Length..];
                    rename.Parameters["@id"].Value = f.Id;
                    await rename.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    ctx.Changed(mailboxId, f.Id, f.ModSeq, FolderChangeKinds.Renamed);
                }
            }

            // Subscriptions follow the folders they name.
            var subscribed = await ctx.QueryAsync(
                "SELECT name FROM subscriptions WHERE mailbox_id = @m AND (name = @o OR substr(name, 1, @l) = @p);",
                r => r.GetString(0),
                ct,
                ("@m", mailboxId),
                ("@o", name),
                ("@l", name.Length + 1),
                ("@p", name + FolderNames.Delimiter)).ConfigureAwait(false);
            foreach (var s in subscribed)
            {
                await ctx.ExecAsync("DELETE FROM subscriptions WHERE mailbox_id = @m AND name = @n;", ct, ("@m", mailboxId), ("@n", s)).ConfigureAwait(false);
                await ctx.ExecAsync("INSERT INTO subscriptions(mailbox_id, name) VALUES (@m, @n) ON CONFLICT DO NOTHING;", ct, ("@m", mailboxId), ("@n", newName + s[name.Length..])).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);
    }

    public Task DeleteFolderAsync(long mailboxId, string name, CancellationToken cancellationToken)
    {
        name = FolderNames.Normalize(name);
        if (FolderNames.IsInbox(name))
        {
            throw new MailException(MailError.NotPossible, "INBOX cannot be deleted");
        }

        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            var folder = await FolderByNameAsync(ctx, mailboxId, name, ct).ConfigureAwait(false) ?? throw NotFound($"no folder {name}");
            var hasChildren = await HasChildrenAsync(ctx, mailboxId, name).ConfigureAwait(false);
            if (!folder.Selectable && hasChildren)
            {
                throw new MailException(MailError.NotPossible, $"{name} has inferior folders and is \\Noselect (RFC 9051 §6.3.4)");
            }

            await UpdateUsageAsync(ctx, mailboxId, -folder.MessageCount, -folder.TotalSize).ConfigureAwait(false);
            if (hasChildren)
            {
                // RFC 9051 §6.3.4: the messages go, the name stays as \Noselect so the children keep their place.
                await ctx.ExecAsync("DELETE FROM messages WHERE folder_id = @f;", ct, ("@f", folder.Id)).ConfigureAwait(false);
                await ctx.ExecAsync("DELETE FROM expunged WHERE folder_id = @f;", ct, ("@f", folder.Id)).ConfigureAwait(false);
                await ctx.ExecAsync("DELETE FROM folder_keywords WHERE folder_id = @f;", ct, ("@f", folder.Id)).ConfigureAwait(false);
                await ctx.ExecAsync(
                    """
                    UPDATE folders SET selectable = 0, special_use = NULL, message_count = 0, unseen_count = 0, deleted_count = 0,
                                       total_size = 0, highest_modseq = highest_modseq + 1 WHERE id = @f;
                    """,
                    ct,
                    ("@f", folder.Id)).ConfigureAwait(false);
            }
            else
            {
                await ctx.ExecAsync("DELETE FROM folders WHERE id = @f;", ct, ("@f", folder.Id)).ConfigureAwait(false);
            }

            ctx.Changed(mailboxId, folder.Id, folder.HighestModSeq + 1, FolderChangeKinds.Deleted);
            return 0;
        }, cancellationToken);
    }

    public Task SetSubscriptionAsync(long mailboxId, string name, bool subscribed, CancellationToken cancellationToken)
    {
        name = FolderNames.Normalize(name);
        if (!FolderNames.IsValid(name, out var error))
        {
            throw new MailException(MailError.Parameters, error);
        }

        return WriteAsync(async ctx =>
        {
            await RequireMailboxAsync(ctx, mailboxId).ConfigureAwait(false);
            await ctx.ExecAsync(
                subscribed
                    ? "INSERT INTO subscriptions(mailbox_id, name) VALUES (@m, @n) ON CONFLICT DO NOTHING;"
                    : "DELETE FROM subscriptions WHERE mailbox_id = @m AND name = @n;",
                ctx.CancellationToken,
                ("@m", mailboxId),
                ("@n", name)).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(long mailboxId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>(async s => await s.QueryAsync("SELECT name FROM subscriptions WHERE mailbox_id = @m ORDER BY name;", r => r.GetString(0), cancellationToken, ("@m", mailboxId)).ConfigureAwait(false), cancellationToken);

    /// <summary>INBOX renamed: a new folder takes its messages (same UIDs, new UIDVALIDITY); INBOX stays, empty, and records the expunges.</summary>
    private async Task RenameInboxAsync(WriteContext ctx, FolderInfo inbox, string newName)
    {
        var ct = ctx.CancellationToken;
        var id = await InsertFolderAsync(ctx, inbox.MailboxId, newName, null).ConfigureAwait(false);
        await InheritAclAsync(ctx, inbox.MailboxId, id, newName).ConfigureAwait(false);
        await ctx.ExecAsync("INSERT INTO folder_keywords(folder_id, bit, name) SELECT @n, bit, name FROM folder_keywords WHERE folder_id = @i;", ct, ("@n", id), ("@i", inbox.Id)).ConfigureAwait(false);
        var uids = await ctx.QueryAsync("SELECT uid FROM messages WHERE folder_id = @i ORDER BY uid;", r => r.GetInt64(0), ct, ("@i", inbox.Id)).ConfigureAwait(false);
        await ctx.ExecAsync("UPDATE messages SET folder_id = @n WHERE folder_id = @i;", ct, ("@n", id), ("@i", inbox.Id)).ConfigureAwait(false);
        await ctx.ExecAsync(
            """
            UPDATE folders SET uid_next = @un, highest_modseq = @hm, message_count = @mc, unseen_count = @uc, deleted_count = @dc, total_size = @ts
            WHERE id = @n;
            """,
            ct,
            ("@un", inbox.UidNext),
            ("@hm", inbox.HighestModSeq),
            ("@mc", inbox.MessageCount),
            ("@uc", inbox.UnseenCount),
            ("@dc", inbox.DeletedCount),
            ("@ts", inbox.TotalSize),
            ("@n", id)).ConfigureAwait(false);
        var modseq = inbox.HighestModSeq + 1;
        await RecordExpungedAsync(ctx, inbox.Id, uids, modseq).ConfigureAwait(false);
        await ctx.ExecAsync(
            "UPDATE folders SET highest_modseq = @hm, message_count = 0, unseen_count = 0, deleted_count = 0, total_size = 0 WHERE id = @i;",
            ct,
            ("@hm", modseq),
            ("@i", inbox.Id)).ConfigureAwait(false);
        ctx.Changed(inbox.MailboxId, inbox.Id, modseq, FolderChangeKinds.Expunged);
        ctx.Changed(inbox.MailboxId, id, inbox.HighestModSeq, FolderChangeKinds.Created);
    }

    private async Task<long> InsertFolderAsync(WriteContext ctx, long mailboxId, string name, string? specialUse) =>
        await ctx.LongAsync(
            "INSERT INTO folders(mailbox_id, name, special_use, uid_validity, uid_next, highest_modseq) VALUES (@m, @n, @s, @v, 1, 1) RETURNING id;",
            ctx.CancellationToken,
            ("@m", mailboxId),
            ("@n", name),
            ("@s", specialUse),
            ("@v", await NextUidValidityAsync(ctx).ConfigureAwait(false))).ConfigureAwait(false) ?? throw new MailException(MailError.Temporary, "folder insert returned no id");

    /// <summary>RFC 9051 §6.3.4: superior levels are created as needed, each inheriting its parent's ACL.</summary>
    private async Task CreateAncestorsAsync(WriteContext ctx, long mailboxId, string name)
    {
        foreach (var ancestor in FolderNames.Ancestors(name))
        {
            if (await FolderByNameAsync(ctx, mailboxId, ancestor, ctx.CancellationToken).ConfigureAwait(false) is null)
            {
                var id = await InsertFolderAsync(ctx, mailboxId, ancestor, null).ConfigureAwait(false);
                await InheritAclAsync(ctx, mailboxId, id, ancestor).ConfigureAwait(false);
                ctx.Changed(mailboxId, id, 1, FolderChangeKinds.Created);
            }
        }
    }

    /// <summary>A new folder gets the ACL of its parent (issue 4: "new folders inherit the ACL of their parent").</summary>
    private static async Task InheritAclAsync(WriteContext ctx, long mailboxId, long folderId, string name)
    {
        if (FolderNames.Parent(name) is not { } parent)
        {
            return;
        }

        await ctx.ExecAsync(
            "INSERT INTO acl(folder_id, identifier, rights) SELECT @f, a.identifier, a.rights FROM acl a JOIN folders p ON p.id = a.folder_id WHERE p.mailbox_id = @m AND p.name = @p;",
            ctx.CancellationToken,
            ("@f", folderId),
            ("@m", mailboxId),
            ("@p", parent)).ConfigureAwait(false);
    }

    private static async Task<bool> HasChildrenAsync(WriteContext ctx, long mailboxId, string name) =>
        await ctx.LongAsync(
            "SELECT COUNT(*) FROM folders WHERE mailbox_id = @m AND substr(name, 1, @l) = @p;",
            ctx.CancellationToken,
            ("@m", mailboxId),
            ("@l", name.Length + 1),
            ("@p", name + FolderNames.Delimiter)).ConfigureAwait(false) > 0;

    private static async Task RequireMailboxAsync(WriteContext ctx, long mailboxId)
    {
        if (await ctx.LongAsync("SELECT COUNT(*) FROM mailboxes WHERE id = @m;", ctx.CancellationToken, ("@m", mailboxId)).ConfigureAwait(false) == 0)
        {
            throw NotFound($"no mailbox {mailboxId}");
        }
    }

    private static Task<FolderInfo?> FolderByNameAsync(SqlSession s, long mailboxId, string name, CancellationToken cancellationToken) =>
        s.SingleAsync($"{FolderSelect} WHERE f.mailbox_id = @m AND f.name = @n;", ReadFolder, cancellationToken, ("@m", mailboxId), ("@n", name));

    private static Task<FolderInfo?> FolderByIdAsync(SqlSession s, long folderId, CancellationToken cancellationToken) =>
        s.SingleAsync($"{FolderSelect} WHERE f.id = @id;", ReadFolder, cancellationToken, ("@id", folderId));

    private static FolderInfo ReadFolder(DbDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.Text(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), (int)r.GetInt64(7))
        {
            UnseenCount = (int)r.GetInt64(8),
            DeletedCount = (int)r.GetInt64(9),
            TotalSize = r.GetInt64(10),
            Selectable = r.GetInt64(11) != 0,
            Subscribed = r.GetInt64(12) != 0,
        };
}
