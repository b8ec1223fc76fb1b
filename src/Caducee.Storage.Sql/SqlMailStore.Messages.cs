// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>
/// Messages: UIDs strictly increasing per folder and never reused, one new MODSEQ per change of a folder
/// (RFC 7162), counters and quota usage kept in the same transaction, expunges remembered for QRESYNC.
/// Every folder write starts by updating the folder row, which serializes writers of one folder across
/// connections and nodes (row lock on PostgreSQL; the single writer on SQLite).
/// </summary>
public partial class SqlMailStore
{
    private const int MaxRangesPerQuery = 32;

    /// <summary>Rows (or lone UIDs) per multi-row statement: at most 800 parameters, far below every backend's limit.</summary>
    private const int RowsPerStatement = 100;
    private const string RowColumns = "m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.blob_id";

    public Task<FolderState> LoadFolderStateAsync(long folderId, CancellationToken cancellationToken) =>
        ReadAsync(async s =>
        {
            var folder = await FolderByIdAsync(s, folderId, cancellationToken).ConfigureAwait(false) ?? throw NotFound($"no folder {folderId}");
            var keywords = await KeywordsAsync(s, folderId, cancellationToken).ConfigureAwait(false);
            return new FolderState(folder, keywords, await FolderMessagesAsync(s, folder, cancellationToken).ConfigureAwait(false));
        }, cancellationToken, snapshot: true);

    /// <summary>
    /// The messages of <paramref name="folder"/> as of this snapshot: from the node's cache when the folder has
    /// not changed since, merged with the rows changed and the UIDs expunged since the cached MODSEQ when it
    /// has, read whole otherwise (docs/store.md, "Folder states").
    /// </summary>
    private async Task<MessageState[]> FolderMessagesAsync(SqlSession s, FolderInfo folder, CancellationToken cancellationToken)
    {
        var cached = FolderStates.Find(folder.Id, folder.UidValidity);
        if (cached is not null && cached.ModSeq == folder.HighestModSeq && cached.Messages.Length == folder.MessageCount)
        {
            FolderStates.Count(FolderStateCache.Load.Hit);
            return cached.Messages;
        }

        if (cached is not null && cached.ModSeq < folder.HighestModSeq)
        {
            var changed = new List<MessageState>();
            await using (var cmd = s.Command("SELECT uid, modseq, flags, keywords FROM messages WHERE folder_id = @f AND modseq > @m ORDER BY uid;", ("@f", folder.Id), ("@m", cached.ModSeq)))
            {
                await _dialect.ReadMessageStatesAsync(cmd, changed, cancellationToken).ConfigureAwait(false);
            }

            var expunged = await s.QueryAsync("SELECT uid FROM expunged WHERE folder_id = @f AND modseq > @m;", r => r.GetInt64(0), cancellationToken, ("@f", folder.Id), ("@m", cached.ModSeq)).ConfigureAwait(false);
            var merged = FolderStateCache.Merge(cached.Messages, changed, expunged);
            if (merged.Length == folder.MessageCount)
            {
                FolderStates.Count(FolderStateCache.Load.Merge);
                FolderStates.Put(folder.Id, folder.UidValidity, folder.HighestModSeq, merged);
                return merged;
            }
        }

        // No ORDER BY: the rows come in UID order from the primary key when the planner uses it, and are sorted
        // here when it does not. PostgreSQL without statistics yet (a freshly loaded folder) otherwise picked the
        // MODSEQ index and an on-disk sort: 40 ms of server time for 100,000 rows instead of 15.
        var messages = new List<MessageState>(folder.MessageCount);
        await using (var cmd = s.Command("SELECT uid, modseq, flags, keywords FROM messages WHERE folder_id = @f;", ("@f", folder.Id)))
        {
            await _dialect.ReadMessageStatesAsync(cmd, messages, cancellationToken).ConfigureAwait(false);
        }

        MessageState[] all = [.. messages];
        for (var i = 1; i < all.Length; i++)
        {
            if (all[i].Uid < all[i - 1].Uid)
            {
                Array.Sort(all, static (a, b) => a.Uid.CompareTo(b.Uid));
                break;
            }
        }

        FolderStates.Count(FolderStateCache.Load.Whole);
        FolderStates.Put(folder.Id, folder.UidValidity, folder.HighestModSeq, all);
        return all;
    }

    public Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(long folderId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<MessageSummary>>(async s =>
        {
            var keywords = await KeywordsAsync(s, folderId, cancellationToken).ConfigureAwait(false);
            var rows = await s.QueryAsync($"SELECT {RowColumns} FROM messages m WHERE m.folder_id = @f ORDER BY m.uid;", ReadRow, cancellationToken, ("@f", folderId)).ConfigureAwait(false);
            return rows.ConvertAll(r => r.ToSummary(keywords));
        }, cancellationToken, snapshot: true);

    public async Task<IReadOnlyList<MessageSummary>> GetMessagesAsync(long folderId, IReadOnlyCollection<long> uids, bool withViews, CancellationToken cancellationToken)
    {
        var ranges = UidRanges.From(uids);
        if (ranges.Count == 0)
        {
            return [];
        }

        var (keywords, rows) = await ReadAsync(async s =>
        {
            var keywords = await KeywordsAsync(s, folderId, cancellationToken).ConfigureAwait(false);
            var rows = await SelectRowsAsync(s, folderId, ranges, withViews, cancellationToken).ConfigureAwait(false);
            return (keywords, rows);
        }, cancellationToken, snapshot: true).ConfigureAwait(false);

        var result = new List<MessageSummary>(rows.Count);
        foreach (var row in rows)
        {
            var summary = row.ToSummary(keywords);
            if (withViews)
            {
                MessageViews views;
                if (row.SealedViews is { } sealedViews)
                {
                    if (Keyring.KeyIdOf(sealedViews) is { } keyId)
                    {
                        // Sealed under a key another node created since this one loaded its keys: load them again.
                        await _keys.EnsureAsync(keyId, cancellationToken).ConfigureAwait(false);
                    }

                    views = OpenViews(row.Blob, sealedViews);
                }
                else
                {
                    views = await BackfillViewsAsync(folderId, row.Blob, cancellationToken).ConfigureAwait(false);
                }

                summary = summary with { Views = views };
            }

            result.Add(summary);
        }

        return result;
    }

    public async Task<AppendResult> AppendAsync(long folderId, IReadOnlyList<AppendMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            throw new MailException(MailError.Parameters, "nothing to append");
        }

        foreach (var m in messages)
        {
            ValidateKeywords(m.Keywords ?? []);
            if (m.Content.Length == 0)
            {
                throw new MailException(MailError.Parameters, "an empty message cannot be appended");
            }
        }

        var domain = await DomainOfFolderAsync(folderId, cancellationToken).ConfigureAwait(false);
        var key = await CurrentKeyAsync(domain, cancellationToken).ConfigureAwait(false);
        var prepared = new List<(AppendMessage Message, string BlobId, byte[] Views, DateTimeOffset? SentDate)>(messages.Count);
        foreach (var m in messages)
        {
            var views = ComputeViews(m.Content);
            var blobId = await _blobs.PutDeferredAsync(m.Content, key, cancellationToken).ConfigureAwait(false);
            prepared.Add((m, blobId, SealViews(key, blobId, views), views.SentDate));
        }

        await _blobs.SyncAsync(cancellationToken).ConfigureAwait(false);

        var now = _clock.GetUtcNow();
        return await WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            foreach (var p in prepared)
            {
                RequireBlob(p.BlobId);
            }

            // The folder's row lock first: its keywords and UIDs are read then written (other nodes wait).
            await LockFolderAsync(ctx, folderId).ConfigureAwait(false);
            var folder = await FolderByIdAsync(ctx, folderId, ct).ConfigureAwait(false) ?? throw NotFound($"no folder {folderId}");
            if (!folder.Selectable)
            {
                throw new MailException(MailError.NotPossible, $"{folder.Name} is \\Noselect and holds no messages");
            }

            var (status, usage, _) = await QuotaOfAsync(ctx, folder.MailboxId, ct).ConfigureAwait(false);
            if (status != MailboxStatus.Active)
            {
                throw new MailException(MailError.MailboxDisabled, $"the mailbox is {StatusCode(status)}");
            }

            CheckQuota(usage, prepared.Count, prepared.Sum(p => (long)p.Message.Content.Length));
            foreach (var p in prepared)
            {
                await InsertViewsAsync(ctx, p.BlobId, p.SentDate, p.Views).ConfigureAwait(false);
            }

            var bits = await EnsureKeywordsAsync(ctx, folderId, prepared.SelectMany(p => p.Message.Keywords ?? [])).ConfigureAwait(false);
            var rows = prepared.Select(p => new Row(0, 0, p.Message.Flags & AllFlags, KeywordMask(bits, p.Message.Keywords), p.Message.Content.Length, (p.Message.InternalDate ?? now).ToUnixTimeMilliseconds(), p.BlobId, null)).ToList();
            var (firstUid, modseq, uidValidity) = await AllocateAsync(ctx, folderId, rows).ConfigureAwait(false);
            await InsertRowsAsync(ctx, folderId, rows, firstUid, modseq).ConfigureAwait(false);
            await UpdateUsageAsync(ctx, folder.MailboxId, rows.Count, rows.Sum(r => r.Size)).ConfigureAwait(false);
            ctx.Changed(folder.MailboxId, folderId, modseq, FolderChangeKinds.NewMessages);
            return new AppendResult(uidValidity, [.. Enumerable.Range(0, rows.Count).Select(i => firstUid + i)], modseq);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<StoreFlagsResult> StoreFlagsAsync(long folderId, IReadOnlyCollection<long> uids, FlagChange change, long? unchangedSince, CancellationToken cancellationToken)
    {
        ValidateKeywords(change.Keywords);
        var ranges = UidRanges.From(uids);
        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            var (mailboxId, highest) = await LockFolderAsync(ctx, folderId).ConfigureAwait(false);
            if (ranges.Count == 0)
            {
                return new StoreFlagsResult([], [], highest);
            }

            var keywordNames = await KeywordsAsync(ctx, folderId, ct).ConfigureAwait(false);
            var bits = change.Operation == FlagOperation.Remove
                ? KnownBits(keywordNames)
                : await EnsureKeywordsAsync(ctx, folderId, change.Keywords).ConfigureAwait(false);
            if (change.Operation != FlagOperation.Remove)
            {
                keywordNames = await KeywordsAsync(ctx, folderId, ct).ConfigureAwait(false);
            }

            var flags = change.Flags & AllFlags;
            var mask = KeywordMask(bits, change.Keywords);
            var rows = await SelectRowsAsync(ctx, folderId, ranges, false, ct).ConfigureAwait(false);
            var modified = new List<long>();
            var changed = new List<(Row Old, MessageFlags Flags, long Keywords)>();
            foreach (var row in rows)
            {
                if (unchangedSince is { } limit && row.ModSeq > limit)
                {
                    modified.Add(row.Uid);
                    continue;
                }

                var (newFlags, newKeywords) = change.Operation switch
                {
                    FlagOperation.Add => (row.Flags | flags, row.Keywords | mask),
                    FlagOperation.Remove => (row.Flags & ~flags, row.Keywords & ~mask),
                    _ => (flags, mask),
                };
                if (newFlags != row.Flags || newKeywords != row.Keywords)
                {
                    changed.Add((row, newFlags, newKeywords));
                }
            }

            if (changed.Count == 0)
            {
                return new StoreFlagsResult([], modified, highest);
            }

            var modseq = highest + 1;
            var set = change.Operation switch
            {
                FlagOperation.Add => "flags = flags | @fl, keywords = keywords | @kw",
                FlagOperation.Remove => "flags = flags & ~@fl, keywords = keywords & ~@kw",
                _ => "flags = @fl, keywords = @kw",
            };
            // The changed UIDs: one statement per range of consecutive UIDs, lone UIDs 100 at a time; the same expression for all.
            await ForUidsAsync(ctx, $"UPDATE messages SET {set}, modseq = @ms WHERE folder_id = @f AND ", [("@fl", (long)flags), ("@kw", mask), ("@ms", modseq), ("@f", folderId)], changed.Select(c => c.Old.Uid)).ConfigureAwait(false);

            var unseen = changed.Sum(c => Unseen(c.Flags) - Unseen(c.Old.Flags));
            var deleted = changed.Sum(c => Deleted(c.Flags) - Deleted(c.Old.Flags));
            await ctx.ExecAsync(
                "UPDATE folders SET highest_modseq = @ms, unseen_count = unseen_count + @u, deleted_count = deleted_count + @d WHERE id = @f;",
                ct,
                ("@ms", modseq),
                ("@u", unseen),
                ("@d", deleted),
                ("@f", folderId)).ConfigureAwait(false);
            ctx.Changed(mailboxId, folderId, modseq, FolderChangeKinds.Flags);
            var result = changed.ConvertAll(c => (c.Old with { Flags = c.Flags, Keywords = c.Keywords, ModSeq = modseq }).ToSummary(keywordNames));
            return new StoreFlagsResult(result, modified, modseq);
        }, cancellationToken);
    }

    public Task<CopyResult> CopyAsync(long sourceFolderId, IReadOnlyCollection<long> uids, long targetFolderId, CancellationToken cancellationToken)
    {
        var ranges = UidRanges.From(uids);
        return WriteAsync(async ctx =>
        {
            var (source, target) = await CopyEndsAsync(ctx, sourceFolderId, targetFolderId).ConfigureAwait(false);
            var rows = await SelectRowsAsync(ctx, sourceFolderId, ranges, false, ctx.CancellationToken).ConfigureAwait(false);
            return await CopyRowsAsync(ctx, source, rows, target, move: false).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<MoveResult> MoveAsync(long sourceFolderId, IReadOnlyCollection<long> uids, long targetFolderId, CancellationToken cancellationToken)
    {
        var ranges = UidRanges.From(uids);
        return WriteAsync(async ctx =>
        {
            var (source, target) = await CopyEndsAsync(ctx, sourceFolderId, targetFolderId).ConfigureAwait(false);
            if (source.Id == target.Id)
            {
                throw new MailException(MailError.NotPossible, "the source and target folders are the same");
            }

            var rows = await SelectRowsAsync(ctx, sourceFolderId, ranges, false, ctx.CancellationToken).ConfigureAwait(false);
            var copy = await CopyRowsAsync(ctx, source, rows, target, move: true).ConfigureAwait(false);
            var expunged = await ExpungeRowsAsync(ctx, source.Id, rows).ConfigureAwait(false);
            return new MoveResult(copy, expunged.Expunged, expunged.HighestModSeq);
        }, cancellationToken);
    }

    public Task<ExpungeResult> ExpungeAsync(long folderId, IReadOnlyCollection<long>? uids, CancellationToken cancellationToken)
    {
        var ranges = uids is null ? null : UidRanges.From(uids);
        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            var (_, highest) = await LockFolderAsync(ctx, folderId).ConfigureAwait(false);
            var rows = ranges is null
                ? await ctx.QueryAsync($"SELECT {RowColumns}, NULL FROM messages m WHERE m.folder_id = @f AND (m.flags & 8) <> 0 ORDER BY m.uid;", ReadRow, ct, ("@f", folderId)).ConfigureAwait(false)
                : await SelectRowsAsync(ctx, folderId, ranges, false, ct).ConfigureAwait(false);
            rows.RemoveAll(r => (r.Flags & MessageFlags.Deleted) == 0);
            return rows.Count == 0 ? new ExpungeResult([], highest) : await ExpungeRowsAsync(ctx, folderId, rows).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<FolderChanges> GetChangesSinceAsync(long folderId, long modSeq, CancellationToken cancellationToken) =>
        ReadAsync(async s =>
        {
            var folder = await FolderByIdAsync(s, folderId, cancellationToken).ConfigureAwait(false) ?? throw NotFound($"no folder {folderId}");
            var keywords = await KeywordsAsync(s, folderId, cancellationToken).ConfigureAwait(false);
            var changed = await s.QueryAsync($"SELECT {RowColumns}, NULL FROM messages m WHERE m.folder_id = @f AND m.modseq > @ms ORDER BY m.uid;", ReadRow, cancellationToken, ("@f", folderId), ("@ms", modSeq)).ConfigureAwait(false);
            var expunged = await s.QueryAsync("SELECT uid FROM expunged WHERE folder_id = @f AND modseq > @ms ORDER BY uid;", r => r.GetInt64(0), cancellationToken, ("@f", folderId), ("@ms", modSeq)).ConfigureAwait(false);
            return new FolderChanges(folder.HighestModSeq, changed.ConvertAll(r => r.ToSummary(keywords)), expunged);
        }, cancellationToken, snapshot: true);

    private const MessageFlags AllFlags = MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;

    private static int Unseen(MessageFlags f) => (f & MessageFlags.Seen) == 0 ? 1 : 0;

    private static int Deleted(MessageFlags f) => (f & MessageFlags.Deleted) != 0 ? 1 : 0;

    /// <summary>Takes the folder's row lock and reads its mailbox and HIGHESTMODSEQ. NotFound if absent.</summary>
    private static async Task<(long MailboxId, long HighestModSeq)> LockFolderAsync(WriteContext ctx, long folderId)
    {
        var rows = await ctx.QueryAsync(
            "UPDATE folders SET highest_modseq = highest_modseq WHERE id = @f RETURNING mailbox_id, highest_modseq;",
            r => (r.GetInt64(0), r.GetInt64(1)),
            ctx.CancellationToken,
            ("@f", folderId)).ConfigureAwait(false);
        return rows.Count == 0 ? throw NotFound($"no folder {folderId}") : rows[0];
    }

    private static async Task<(FolderInfo Source, FolderInfo Target)> CopyEndsAsync(WriteContext ctx, long sourceId, long targetId)
    {
        var source = await FolderByIdAsync(ctx, sourceId, ctx.CancellationToken).ConfigureAwait(false) ?? throw NotFound($"no folder {sourceId}");
        var target = await FolderByIdAsync(ctx, targetId, ctx.CancellationToken).ConfigureAwait(false) ?? throw NotFound($"no folder {targetId}");
        if (!target.Selectable)
        {
            throw new MailException(MailError.NotPossible, $"{target.Name} is \\Noselect and holds no messages");
        }

        return (source, target);
    }

    private static async Task<CopyResult> CopyRowsAsync(WriteContext ctx, FolderInfo source, List<Row> rows, FolderInfo target, bool move)
    {
        if (rows.Count == 0)
        {
            return new CopyResult(target.UidValidity, [], target.HighestModSeq);
        }

        var ct = ctx.CancellationToken;
        // The target's row lock first: its keywords and UIDs are read then written (other nodes wait).
        await LockFolderAsync(ctx, target.Id).ConfigureAwait(false);
        var (status, usage, _) = await QuotaOfAsync(ctx, target.MailboxId, ct).ConfigureAwait(false);
        if (status != MailboxStatus.Active)
        {
            throw new MailException(MailError.MailboxDisabled, $"the target mailbox is {StatusCode(status)}");
        }

        var bytes = rows.Sum(r => r.Size);
        if (!move || source.MailboxId != target.MailboxId)
        {
            CheckQuota(usage, rows.Count, bytes);
        }

        // Keyword bits are per folder: map the source's bits to the target's.
        var sourceNames = await KeywordsAsync(ctx, source.Id, ct).ConfigureAwait(false);
        var used = rows.Aggregate(0L, (a, r) => a | r.Keywords);
        var names = KeywordNames.Of(sourceNames, used);
        var targetBits = await EnsureKeywordsAsync(ctx, target.Id, names).ConfigureAwait(false);
        var remap = new Dictionary<int, int>();
        for (var i = 0; i < sourceNames.Count; i++)
        {
            if ((used & (1L << i)) != 0)
            {
                remap[i] = targetBits[sourceNames[i]];
            }
        }

        var copies = rows.ConvertAll(r => r with { Keywords = Remap(r.Keywords, remap) });
        var (firstUid, modseq, uidValidity) = await AllocateAsync(ctx, target.Id, copies).ConfigureAwait(false);
        await InsertRowsAsync(ctx, target.Id, copies, firstUid, modseq).ConfigureAwait(false);
        await UpdateUsageAsync(ctx, target.MailboxId, rows.Count, bytes).ConfigureAwait(false);
        ctx.Changed(target.MailboxId, target.Id, modseq, FolderChangeKinds.NewMessages);
        return new CopyResult(uidValidity, [.. rows.Select((r, i) => (r.Uid, firstUid + i))], modseq);
    }

    /// <summary>Removes rows of one folder, records the expunges (QRESYNC) under one new MODSEQ, updates counters and usage.</summary>
    private static async Task<ExpungeResult> ExpungeRowsAsync(WriteContext ctx, long folderId, List<Row> rows)
    {
        if (rows.Count == 0)
        {
            var (_, highest) = await LockFolderAsync(ctx, folderId).ConfigureAwait(false);
            return new ExpungeResult([], highest);
        }

        var ct = ctx.CancellationToken;
        var bytes = rows.Sum(r => r.Size);
        var updated = await ctx.QueryAsync(
            """
            UPDATE folders SET highest_modseq = highest_modseq + 1, message_count = message_count - @n, unseen_count = unseen_count - @u,
                               deleted_count = deleted_count - @d, total_size = total_size - @b
            WHERE id = @f RETURNING mailbox_id, highest_modseq;
            """,
            r => (MailboxId: r.GetInt64(0), ModSeq: r.GetInt64(1)),
            ct,
            ("@n", rows.Count),
            ("@u", rows.Sum(r => Unseen(r.Flags))),
            ("@d", rows.Sum(r => Deleted(r.Flags))),
            ("@b", bytes),
            ("@f", folderId)).ConfigureAwait(false);
        var (mailboxId, modseq) = updated[0];
        var uids = rows.ConvertAll(r => r.Uid);
        await ForUidsAsync(ctx, "DELETE FROM messages WHERE folder_id = @f AND ", [("@f", folderId)], uids).ConfigureAwait(false);

        await RecordExpungedAsync(ctx, folderId, uids, modseq).ConfigureAwait(false);
        await UpdateUsageAsync(ctx, mailboxId, -rows.Count, -bytes).ConfigureAwait(false);
        ctx.Changed(mailboxId, folderId, modseq, FolderChangeKinds.Expunged);
        uids.Sort();
        return new ExpungeResult(uids, modseq);
    }

    private static async Task RecordExpungedAsync(WriteContext ctx, long folderId, IEnumerable<long> uids, long modseq)
    {
        // Many rows per statement (a retention batch expunges thousands): few round trips to a server.
        foreach (var chunk in uids.Chunk(RowsPerStatement))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@f, @u{i}, @ms)"));
            await using var insert = ctx.Command(
                $"INSERT INTO expunged(folder_id, uid, modseq) VALUES {values} ON CONFLICT (folder_id, uid) DO UPDATE SET modseq = excluded.modseq;",
                ("@f", folderId),
                ("@ms", modseq));
            for (var i = 0; i < chunk.Length; i++)
            {
                SqlSession.Add(insert, $"@u{i}", chunk[i]);
            }

            await insert.ExecuteNonQueryAsync(ctx.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="head"/> (a statement ending with "AND ") for a set of UIDs: one statement per range of
    /// consecutive UIDs (<c>uid BETWEEN</c>), the lone UIDs of a fragmented set <see cref="RowsPerStatement"/> at a
    /// time (<c>uid IN (…)</c>), so even a scattered set of thousands costs few statements.
    /// </summary>
    private static async Task ForUidsAsync(WriteContext ctx, string head, (string Name, object? Value)[] parameters, IEnumerable<long> uids)
    {
        var ranges = UidRanges.From(uids);
        await using (var range = ctx.Command(head + "uid BETWEEN @lo AND @hi;", [.. parameters, ("@lo", 0L), ("@hi", 0L)]))
        {
            foreach (var (low, high) in ranges.Where(r => r.High > r.Low))
            {
                range.Parameters["@lo"].Value = low;
                range.Parameters["@hi"].Value = high;
                await range.ExecuteNonQueryAsync(ctx.CancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var chunk in ranges.Where(r => r.High == r.Low).Select(r => r.Low).Chunk(RowsPerStatement))
        {
            await using var list = ctx.Command(head + $"uid IN ({string.Join(", ", chunk.Select((_, i) => $"@u{i}"))});", parameters);
            for (var i = 0; i < chunk.Length; i++)
            {
                SqlSession.Add(list, $"@u{i}", chunk[i]);
            }

            await list.ExecuteNonQueryAsync(ctx.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reserves consecutive UIDs and one MODSEQ for new rows, with the counters, in one statement.</summary>
    private static async Task<(long FirstUid, long ModSeq, long UidValidity)> AllocateAsync(WriteContext ctx, long folderId, List<Row> rows)
    {
        var allocated = await ctx.QueryAsync(
            """
            UPDATE folders SET uid_next = uid_next + @n, highest_modseq = highest_modseq + 1, message_count = message_count + @n,
                               unseen_count = unseen_count + @u, deleted_count = deleted_count + @d, total_size = total_size + @b
            WHERE id = @f RETURNING uid_next - @n, highest_modseq, uid_validity;
            """,
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)),
            ctx.CancellationToken,
            ("@n", rows.Count),
            ("@u", rows.Sum(r => Unseen(r.Flags))),
            ("@d", rows.Sum(r => Deleted(r.Flags))),
            ("@b", rows.Sum(r => r.Size)),
            ("@f", folderId)).ConfigureAwait(false);
        return allocated.Count == 0 ? throw NotFound($"no folder {folderId}") : allocated[0];
    }

    private static async Task InsertRowsAsync(WriteContext ctx, long folderId, List<Row> rows, long firstUid, long modseq)
    {
        // Many rows per statement (an APPEND or COPY of thousands): few round trips to a server.
        var offset = 0;
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@f, @u{i}, @ms, @fl{i}, @kw{i}, @s{i}, @d{i}, @b{i})"));
            await using var insert = ctx.Command($"INSERT INTO messages(folder_id, uid, modseq, flags, keywords, size, internal_date, blob_id) VALUES {values};", ("@f", folderId), ("@ms", modseq));
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = chunk[i];
                SqlSession.Add(insert, $"@u{i}", firstUid + offset + i);
                SqlSession.Add(insert, $"@fl{i}", (long)row.Flags);
                SqlSession.Add(insert, $"@kw{i}", row.Keywords);
                SqlSession.Add(insert, $"@s{i}", row.Size);
                SqlSession.Add(insert, $"@d{i}", row.Date);
                SqlSession.Add(insert, $"@b{i}", row.Blob);
            }

            await insert.ExecuteNonQueryAsync(ctx.CancellationToken).ConfigureAwait(false);
            offset += chunk.Length;
        }
    }

    /// <summary>Rows for UID ranges: one query per range, or one over the span filtered here when the set is fragmented.</summary>
    private static async Task<List<Row>> SelectRowsAsync(SqlSession s, long folderId, List<(long Low, long High)> ranges, bool withViews, CancellationToken cancellationToken)
    {
        var sql = withViews
            ? $"SELECT {RowColumns}, v.views FROM messages m LEFT JOIN message_views v ON v.blob_id = m.blob_id WHERE m.folder_id = @f AND m.uid BETWEEN @lo AND @hi ORDER BY m.uid;"
            : $"SELECT {RowColumns}, NULL FROM messages m WHERE m.folder_id = @f AND m.uid BETWEEN @lo AND @hi ORDER BY m.uid;";
        var result = new List<Row>();
        HashSet<long>? filter = null;
        var queries = ranges;
        if (ranges.Count > MaxRangesPerQuery)
        {
            filter = [.. ranges.SelectMany(r => LongRange(r.Low, r.High))];
            queries = [(ranges[0].Low, ranges[^1].High)];
        }

        await using var cmd = s.Command(sql, ("@f", folderId), ("@lo", 0L), ("@hi", 0L));
        foreach (var (low, high) in queries)
        {
            cmd.Parameters["@lo"].Value = low;
            cmd.Parameters["@hi"].Value = high;
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = ReadRow(reader);
                if (filter is null || filter.Contains(row.Uid))
                {
                    result.Add(row);
                }
            }
        }

        return result;
    }

    private static IEnumerable<long> LongRange(long low, long high)
    {
        for (var i = low; i <= high; i++)
        {
            yield return i;
        }
    }

    /// <summary>The keywords of a folder, indexed by bit.</summary>
    private static async Task<IReadOnlyList<string>> KeywordsAsync(SqlSession s, long folderId, CancellationToken cancellationToken)
    {
        var rows = await s.QueryAsync("SELECT bit, name FROM folder_keywords WHERE folder_id = @f ORDER BY bit;", r => (Bit: (int)r.GetInt64(0), Name: r.GetString(1)), cancellationToken, ("@f", folderId)).ConfigureAwait(false);
        var names = new string[rows.Count == 0 ? 0 : rows[^1].Bit + 1];
        Array.Fill(names, string.Empty);
        foreach (var (bit, name) in rows)
        {
            names[bit] = name;
        }

        return names;
    }

    private static Dictionary<string, int> KnownBits(IReadOnlyList<string> names)
    {
        var bits = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i].Length > 0)
            {
                bits.TryAdd(names[i], i);
            }
        }

        return bits;
    }

    /// <summary>Gives each keyword a bit in the folder (case-insensitive; first spelling kept); Limit past 64.</summary>
    private static async Task<Dictionary<string, int>> EnsureKeywordsAsync(WriteContext ctx, long folderId, IEnumerable<string> keywords)
    {
        var names = await KeywordsAsync(ctx, folderId, ctx.CancellationToken).ConfigureAwait(false);
        var bits = KnownBits(names);
        var next = names.Count;
        foreach (var keyword in keywords)
        {
            if (bits.ContainsKey(keyword))
            {
                continue;
            }

            if (next >= KeywordNames.MaxPerFolder)
            {
                throw new MailException(MailError.Limit, $"a folder holds at most {KeywordNames.MaxPerFolder} distinct keywords");
            }

            await ctx.ExecAsync("INSERT INTO folder_keywords(folder_id, bit, name) VALUES (@f, @b, @n);", ctx.CancellationToken, ("@f", folderId), ("@b", next), ("@n", keyword)).ConfigureAwait(false);
            bits[keyword] = next++;
        }

        return bits;
    }

    private static long KeywordMask(Dictionary<string, int> bits, IEnumerable<string>? keywords)
    {
        var mask = 0L;
        foreach (var k in keywords ?? [])
        {
            if (bits.TryGetValue(k, out var bit))
            {
                mask |= 1L << bit;
            }
        }

        return mask;
    }

    private static long Remap(long bits, Dictionary<int, int> remap)
    {
        var result = 0L;
        foreach (var (from, to) in remap)
        {
            if ((bits & (1L << from)) != 0)
            {
                result |= 1L << to;
            }
        }

        return result;
    }

    private static void ValidateKeywords(IEnumerable<string> keywords)
    {
        foreach (var k in keywords)
        {
            if (!KeywordNames.IsValid(k))
            {
                throw new MailException(MailError.Parameters, $"'{k}' is not a valid keyword (an IMAP atom not starting with \"\\\")");
            }
        }
    }

    private async Task<string> DomainOfFolderAsync(long folderId, CancellationToken cancellationToken) =>
        await ReadAsync(async s =>
        {
            var rows = await s.QueryAsync("SELECT m.domain FROM folders f JOIN mailboxes m ON m.id = f.mailbox_id WHERE f.id = @f;", r => r.Text(0) ?? string.Empty, cancellationToken, ("@f", folderId)).ConfigureAwait(false);
            return rows.Count == 0 ? throw NotFound($"no folder {folderId}") : rows[0];
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Views of content stored before they existed (schema 1): computed from the blob once, then kept.</summary>
    private async Task<MessageViews> BackfillViewsAsync(long folderId, string blobId, CancellationToken cancellationToken)
    {
        var content = await _blobs.ReadAsync(blobId, cancellationToken).ConfigureAwait(false);
        var views = ComputeViews(content);
        var key = await CurrentKeyAsync(await DomainOfFolderAsync(folderId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var sealedViews = SealViews(key, blobId, views);
        await WriteAsync(ctx => InsertViewsAsync(ctx, blobId, views.SentDate, sealedViews), cancellationToken).ConfigureAwait(false);
        return views;
    }

    private static async Task<int> InsertViewsAsync(WriteContext ctx, string blobId, DateTimeOffset? sentDate, byte[] sealedViews) =>
        await ctx.ExecAsync(
            "INSERT INTO message_views(blob_id, sent_date, views) VALUES (@b, @s, @v) ON CONFLICT (blob_id) DO NOTHING;",
            ctx.CancellationToken,
            ("@b", blobId),
            ("@s", sentDate?.ToUnixTimeMilliseconds()),
            ("@v", sealedViews)).ConfigureAwait(false);

    private static MessageViews ComputeViews(ReadOnlyMemory<byte> content)
    {
        try
        {
            return MessageViews.Compute(content);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // The MIME engine is lenient; should it still fail, IMAP gets minimal views rather than no message.
            var size = content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new MessageViews(
                "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"u8.ToArray(),
                Encoding.ASCII.GetBytes($"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {size} 0)"),
                Encoding.ASCII.GetBytes($"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {size} 0 NIL NIL NIL NIL)"),
                null,
                null,
                string.Empty,
                null,
                null,
                null,
                null);
        }
    }

    private static byte[] ViewsAssociated(string blobId) => Encoding.ASCII.GetBytes("views|" + blobId);

    private static byte[] SealViews(DataKey key, string blobId, MessageViews views) =>
        Keyring.Seal(key, ViewsCodec.Encode(views), ViewsAssociated(blobId));

    private MessageViews OpenViews(string blobId, byte[] sealedViews) =>
        ViewsCodec.Decode(_keys.Open(sealedViews, ViewsAssociated(blobId)));

    private static Row ReadRow(DbDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), (MessageFlags)r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6), r.FieldCount > 7 ? r.Bytes(7) : null);

    /// <summary>A message row as read for a write or a fetch.</summary>
    private sealed record Row(long Uid, long ModSeq, MessageFlags Flags, long Keywords, long Size, long Date, string Blob, byte[]? SealedViews)
    {
        public MessageSummary ToSummary(IReadOnlyList<string> keywordNames) =>
            new(Uid, ModSeq, Flags, Size, DateTimeOffset.FromUnixTimeMilliseconds(Date), Blob) { Keywords = KeywordNames.Of(keywordNames, Keywords) };
    }
}
