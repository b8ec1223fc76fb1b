// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>The outbound queue (same semantics as schema 1: leases, per-recipient outcome, rows leave when final).</summary>
public partial class SqlMailStore
{
    public Task<IReadOnlyList<QueueItem>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int maxItems, CancellationToken cancellationToken, string? owner = null) =>
        WriteAsync<IReadOnlyList<QueueItem>>(async ctx =>
        {
            // Several nodes share one queue: on PostgreSQL the rows are locked as they are claimed and rows
            // another node is claiming are skipped (FOR UPDATE SKIP LOCKED), so no recipient is claimed twice.
            var rows = await ctx.QueryAsync(
                $$"""
                SELECT r.id, r.address, r.notify, r.orcpt, r.attempts, r.domain, q.id, q.queue_id, q.blob_id, q.sender, q.envid, q.ret_full, q.created_at, r.delay_notified
                FROM queue_recipients r JOIN queue q ON q.id = r.queue_row
                WHERE r.status = 'pending' AND r.next_attempt_at <= @now AND (r.lease_until IS NULL OR r.lease_until <= @now)
                ORDER BY r.next_attempt_at LIMIT @max{{_dialect.ForUpdate("r", skipLocked: true)}};
                """,
                r => (RecipientId: r.GetInt64(0),
                      Recipient: new OutboundRecipient(MailAddress.Parse(r.GetString(1)), (NotifyOn)r.GetInt64(2), r.Text(3)),
                      Attempts: (int)r.GetInt64(4),
                      Domain: r.GetString(5),
                      Row: r.GetInt64(6),
                      QueueId: r.GetString(7),
                      Blob: r.GetString(8),
                      Sender: r.Text(9),
                      EnvId: r.Text(10),
                      RetFull: r.GetInt64(11) != 0,
                      Created: r.GetInt64(12),
                      DelayNotified: r.GetInt64(13) != 0),
                ctx.CancellationToken,
                ("@now", now.ToUnixTimeMilliseconds()),
                ("@max", maxItems)).ConfigureAwait(false);
            await using (var lease = ctx.Command("UPDATE queue_recipients SET lease_until = @l, lease_owner = @o WHERE id = @id;", ("@l", leaseUntil.ToUnixTimeMilliseconds()), ("@o", (object?)owner ?? DBNull.Value), ("@id", 0L)))
            {
                foreach (var row in rows)
                {
                    lease.Parameters["@id"].Value = row.RecipientId;
                    await lease.ExecuteNonQueryAsync(ctx.CancellationToken).ConfigureAwait(false);
                }
            }

            return rows
                .GroupBy(r => (r.Row, r.Domain))
                .Select(g =>
                {
                    var first = g.First();
                    return new QueueItem(
                        first.Row,
                        first.QueueId,
                        first.Blob,
                        first.Sender is null ? null : MailAddress.Parse(first.Sender),
                        first.EnvId,
                        first.RetFull,
                        DateTimeOffset.FromUnixTimeMilliseconds(first.Created),
                        first.Domain,
                        [.. g.Select(r => new QueueRecipient(r.RecipientId, r.Recipient, r.Attempts, r.DelayNotified))]);
                })
                .ToList();
        }, cancellationToken);

    public Task RecordAsync(long queueItemId, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken) =>
        WriteAsync(async ctx =>
        {
            foreach (var a in attempts)
            {
                var status = a.Outcome switch
                {
                    DeliveryOutcome.Delivered => "delivered",
                    DeliveryOutcome.Failed => "failed",
                    _ => "pending",
                };
                await ctx.ExecAsync(
                    "UPDATE queue_recipients SET status = @s, attempts = attempts + 1, next_attempt_at = COALESCE(@n, next_attempt_at), lease_until = NULL, lease_owner = NULL, last_detail = @d, delay_notified = CASE WHEN @dn = 1 THEN 1 ELSE delay_notified END WHERE id = @id;",
                    ctx.CancellationToken,
                    ("@s", status),
                    ("@n", a.NextAttemptAt?.ToUnixTimeMilliseconds()),
                    ("@d", a.Detail),
                    ("@dn", a.DelayNotified ? 1L : 0L),
                    ("@id", a.RecipientId)).ConfigureAwait(false);
            }

            // A message whose recipients are all final leaves the queue; its blob may then be collected.
            await ctx.ExecAsync("DELETE FROM queue WHERE id = @q AND NOT EXISTS (SELECT 1 FROM queue_recipients WHERE queue_row = @q AND status = 'pending');", ctx.CancellationToken, ("@q", queueItemId)).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken) =>
        WriteAsync(async ctx => await ctx.ExecAsync(
            "UPDATE queue_recipients SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = @o AND status = 'pending';",
            ctx.CancellationToken,
            ("@o", owner)).ConfigureAwait(false), cancellationToken);

    public Task<int> CountPendingAsync(CancellationToken cancellationToken) =>
        ReadAsync(async s => (int)(await s.LongAsync("SELECT COUNT(*) FROM queue_recipients WHERE status = 'pending';", cancellationToken).ConfigureAwait(false) ?? 0), cancellationToken);
}
