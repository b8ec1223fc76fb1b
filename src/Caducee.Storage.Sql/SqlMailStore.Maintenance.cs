// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Storage.Sql;

/// <summary>Retention (issue 4 point 6, REQ-42) and collection of unreferenced blobs (ADR 0006).</summary>
public partial class SqlMailStore
{
    private const int RetentionBatch = 2_000;

    public async Task<RetentionResult> ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var domains = await ListDomainsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var domain in domains.Where(d => d.Settings.RetentionDays is not null))
        {
            var cutoff = (now - TimeSpan.FromDays(domain.Settings.RetentionDays!.Value)).ToUnixTimeMilliseconds();
            var total = 0;
            while (true)
            {
                // One batch per write: expunged like any expunge (MODSEQ, history, counters, listeners).
                var expunged = await WriteAsync(async ctx =>
                {
                    var candidates = await ctx.QueryAsync(
                        $"""
                        SELECT m.folder_id, {RowColumns}, NULL
                        FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id
                        WHERE b.domain = @d AND m.internal_date < @c
                        ORDER BY m.folder_id, m.uid LIMIT @n;
                        """,
                        r => (Folder: r.GetInt64(0), Row: new Row(r.GetInt64(1), r.GetInt64(2), (MessageFlags)r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetString(7), null)),
                        ctx.CancellationToken,
                        ("@d", domain.Name),
                        ("@c", cutoff),
                        ("@n", RetentionBatch)).ConfigureAwait(false);
                    foreach (var group in candidates.GroupBy(c => c.Folder))
                    {
                        await ExpungeRowsAsync(ctx, group.Key, [.. group.Select(g => g.Row)]).ConfigureAwait(false);
                    }

                    return candidates.Count;
                }, cancellationToken).ConfigureAwait(false);
                total += expunged;
                if (expunged < RetentionBatch)
                {
                    break;
                }
            }

            result[domain.Name] = total;
        }

        return new RetentionResult(result);
    }

    public Task<BlobCollectionResult> CollectBlobsAsync(TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        CollectBlobsAsync(gracePeriod, null, null, cancellationToken);

    /// <summary>
    /// The collection pass of ADR 0006. The two hooks let tests run a concurrent delivery at the two
    /// dangerous moments: after a blob was chosen as a candidate, and after it was moved aside.
    /// </summary>
    internal async Task<BlobCollectionResult> CollectBlobsAsync(TimeSpan gracePeriod, Func<string, Task>? afterCandidate, Func<string, Task>? afterQuarantine, CancellationToken cancellationToken)
    {
        var threshold = _clock.GetUtcNow() - gracePeriod;
        var temporary = _blobs.DeleteStaleTemporaryFiles(threshold);
        int examined = 0, deleted = 0, restored = 0;
        foreach (var blobId in _blobs.ListUntouchedSince(threshold).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            examined++;
            // 1. Referenced now? Then it stays (most candidates end here, without touching the file).
            if (await ReadAsync(s => IsReferencedAsync(s, blobId, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (afterCandidate is not null)
            {
                await afterCandidate(blobId).ConfigureAwait(false);
            }

            // 2. Move it aside: from now on a put of the same content finds nothing and writes a fresh copy.
            var touched = _blobs.Quarantine(blobId);
            if (touched is null)
            {
                continue;
            }

            if (afterQuarantine is not null)
            {
                await afterQuarantine(blobId).ConfigureAwait(false);
            }

            // 3. Touched since it was listed (a put of the same content refreshed it): it is wanted, put it back.
            if (touched.Value >= threshold)
            {
                _blobs.Restore(blobId);
                restored++;
                continue;
            }

            // 4. Referenced meanwhile? Belt and braces, checked by the writer itself so no write interleaves:
            //    a new reference needs a put (refreshes the time, or writes anew after step 2) or a copy of an
            //    existing reference (there was none at step 1). The grace period covers put-to-commit delays.
            var referenced = await WriteAsync(async ctx =>
            {
                if (await IsReferencedAsync(ctx, blobId, ctx.CancellationToken).ConfigureAwait(false))
                {
                    return true;
                }

                await ctx.ExecAsync("DELETE FROM message_views WHERE blob_id = @b;", ctx.CancellationToken, ("@b", blobId)).ConfigureAwait(false);
                return false;
            }, cancellationToken).ConfigureAwait(false);
            if (referenced)
            {
                _blobs.Restore(blobId);
                restored++;
            }
            else
            {
                _blobs.Purge(blobId);
                deleted++;
            }
        }

        return new BlobCollectionResult(examined, deleted, restored, temporary);
    }

    private static async Task<bool> IsReferencedAsync(SqlSession s, string blobId, CancellationToken cancellationToken) =>
        await s.LongAsync("SELECT COUNT(*) FROM messages WHERE blob_id = @b;", cancellationToken, ("@b", blobId)).ConfigureAwait(false) > 0 ||
        await s.LongAsync("SELECT COUNT(*) FROM queue WHERE blob_id = @b;", cancellationToken, ("@b", blobId)).ConfigureAwait(false) > 0;
}
