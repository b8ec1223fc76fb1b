// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>Delivery after SMTP DATA: one blob, local INBOXes and the outbound queue in one durable transaction.</summary>
public partial class SqlMailStore
{
    private const int MailboxDomainCacheSize = 100_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _mailboxDomains = new();

    public async Task<AcceptResult> AcceptAsync(AcceptedMessage message, CancellationToken cancellationToken)
    {
        if (message.Content.Length == 0)
        {
            throw new MailException(MailError.Parameters, "an empty message cannot be accepted");
        }

        if (message.LocalMailboxIds.Count == 0 && message.RemoteRecipients.Count == 0)
        {
            throw new MailException(MailError.Parameters, "a message needs at least one recipient");
        }

        // Bytes first (flushed, shared with the deliveries waiting at the same time), metadata second: a crash
        // in between leaves an unreferenced blob, collected later.
        var key = await CurrentKeyAsync(await KeyDomainAsync(message, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var views = ComputeViews(message.Content);
        var blobId = await _blobs.PutDeferredAsync(message.Content, key, cancellationToken).ConfigureAwait(false);
        // One flush for every delivery waiting now (a group flush beside the writer's group commit).
        await _blobs.SyncAsync(cancellationToken).ConfigureAwait(false);
        var sealedViews = SealViews(key, blobId, views);
        var received = message.ReceivedAt.ToUnixTimeMilliseconds();
        var queueId = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        return await WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            RequireBlob(blobId);
            var local = new List<LocalDelivery>();
            if (message.LocalMailboxIds.Count > 0)
            {
                // Folders are locked in mailbox-id order, whatever the order of the recipients: two nodes
                // delivering to the same mailboxes then wait for each other instead of deadlocking. The views
                // row goes with the first recipient's statements.
                var ids = message.LocalMailboxIds.Distinct().ToList();
                var outcomes = new Dictionary<long, LocalDelivery>();
                var viewsRow = (views.SentDate?.ToUnixTimeMilliseconds(), sealedViews);
                foreach (var mailboxId in ids.Order())
                {
                    var viewsFirst = outcomes.Count == 0 ? viewsRow : ((long?, byte[])?)null;
                    outcomes[mailboxId] = _dialect.WritableCtes
                        ? await DeliverLocalInOneStatementAsync(ctx, mailboxId, blobId, message.Content.Length, received, viewsFirst).ConfigureAwait(false)
                        : await DeliverLocalAsync(ctx, mailboxId, blobId, message.Content.Length, received, viewsFirst).ConfigureAwait(false);
                }

                local.AddRange(ids.Select(id => outcomes[id]));
            }

            if (message.RemoteRecipients.Count > 0)
            {
                var row = await ctx.LongAsync(
                    "INSERT INTO queue(queue_id, blob_id, sender, envid, ret_full, created_at) VALUES (@q, @b, @s, @e, @r, @t) RETURNING id;",
                    ct,
                    ("@q", queueId),
                    ("@b", blobId),
                    ("@s", message.Sender?.ToString()),
                    ("@e", message.EnvelopeId),
                    ("@r", message.ReturnFullMessage),
                    ("@t", received)).ConfigureAwait(false);
                await using var insert = ctx.Command(
                    "INSERT INTO queue_recipients(queue_row, address, domain, notify, orcpt, status, next_attempt_at) VALUES (@q, @a, @d, @n, @o, 'pending', @t);",
                    ("@q", row),
                    ("@a", string.Empty),
                    ("@d", string.Empty),
                    ("@n", 0L),
                    ("@o", null),
                    ("@t", received));
                foreach (var r in message.RemoteRecipients)
                {
                    insert.Parameters["@a"].Value = r.Address.ToString();
                    insert.Parameters["@d"].Value = r.Address.Domain;
                    insert.Parameters["@n"].Value = (long)r.Notify;
                    insert.Parameters["@o"].Value = (object?)r.OriginalRecipient ?? DBNull.Value;
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            return new AcceptResult(queueId, blobId, local);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="DeliverLocalAsync"/> in one round trip, for a database server whose common table expressions
    /// may write (PostgreSQL): the recipient's row is read, and only when the box is active, under its quotas
    /// and has an INBOX are the folder (next UID and MODSEQ, its row lock), the message row and the usage
    /// written, all in one statement. The refusal, if any, is then told from the row read, with the same
    /// rules and texts as the two-step path.
    /// </summary>
    private static async Task<LocalDelivery> DeliverLocalInOneStatementAsync(WriteContext ctx, long mailboxId, string blobId, long size, long received, (long? SentDate, byte[] Sealed)? views)
    {
        const string Deliver = """
            WITH r AS (
                SELECT m.status, m.used_storage, m.used_messages, COALESCE(m.quota_storage, d.quota_storage) AS qs,
                       COALESCE(m.quota_messages, d.quota_messages) AS qm, f.id AS inbox
                FROM mailboxes m
                LEFT JOIN domains d ON d.name = m.domain
                LEFT JOIN folders f ON f.mailbox_id = m.id AND f.name = 'INBOX'
                WHERE m.id = @id),
            f AS (
                UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1, message_count = message_count + 1,
                                   unseen_count = unseen_count + 1, total_size = total_size + @s
                WHERE id = (SELECT inbox FROM r WHERE status = @active AND (qs IS NULL OR used_storage + @s <= qs) AND (qm IS NULL OR used_messages + 1 <= qm))
                RETURNING id, uid_next - 1 AS uid, highest_modseq),
            i AS (
                INSERT INTO messages(folder_id, uid, modseq, flags, keywords, size, internal_date, blob_id)
                SELECT id, uid, highest_modseq, 0, 0, @s, @d, @b FROM f),
            u AS (
                UPDATE mailboxes SET used_messages = used_messages + 1, used_storage = used_storage + @s
                WHERE id = @id AND EXISTS (SELECT 1 FROM f))
            SELECT r.status, r.used_storage, r.used_messages, r.qs, r.qm, r.inbox, f.id, f.uid, f.highest_modseq FROM r LEFT JOIN f ON true;
            """;
        const string ViewsThenDeliver = "INSERT INTO message_views(blob_id, sent_date, views) VALUES (@vb, @vs, @vv) ON CONFLICT (blob_id) DO NOTHING;\n" + Deliver;
        (MailboxStatus Status, QuotaUsage Usage, long? Inbox, long? Folder, long Uid, long ModSeq)? found = null;
        var active = StatusCode(MailboxStatus.Active);
        await using (var cmd = views is { } v
            ? ctx.Command(ViewsThenDeliver, ("@vb", blobId), ("@vs", v.SentDate), ("@vv", v.Sealed), ("@id", mailboxId), ("@s", size), ("@d", received), ("@b", blobId), ("@active", active))
            : ctx.Command(Deliver, ("@id", mailboxId), ("@s", size), ("@d", received), ("@b", blobId), ("@active", active)))
        await using (var reader = await cmd.ExecuteReaderAsync(ctx.CancellationToken).ConfigureAwait(false))
        {
            while (reader.FieldCount == 0 && await reader.NextResultAsync(ctx.CancellationToken).ConfigureAwait(false))
            {
            }

            if (await reader.ReadAsync(ctx.CancellationToken).ConfigureAwait(false))
            {
                found = (ParseStatus(reader.GetString(0)), new QuotaUsage(reader.GetInt64(1), reader.GetInt64(2), reader.NLong(3), reader.NLong(4)), reader.NLong(5), reader.NLong(6), reader.NLong(7) ?? 0, reader.NLong(8) ?? 0);
            }
        }

        if (found is not { } row)
        {
            return new LocalDelivery(mailboxId, MailError.NotFound, "no such mailbox", 0, 0);
        }

        if (row.Folder is { } folderId)
        {
            ctx.Changed(mailboxId, folderId, row.ModSeq, FolderChangeKinds.NewMessages);
            return new LocalDelivery(mailboxId, null, null, folderId, row.Uid);
        }

        return RefusalOf(mailboxId, row.Status, row.Usage, row.Inbox, size)
            ?? new LocalDelivery(mailboxId, MailError.NotFound, "the mailbox has no INBOX", 0, 0);
    }

    /// <summary>Why a recipient cannot take a message (disabled, over quota, no INBOX), or null when it can; one rule for both delivery paths.</summary>
    private static LocalDelivery? RefusalOf(long mailboxId, MailboxStatus status, QuotaUsage usage, long? inbox, long size)
    {
        if (status != MailboxStatus.Active)
        {
            return new LocalDelivery(mailboxId, MailError.MailboxDisabled, $"the mailbox is {StatusCode(status)}", 0, 0);
        }

        try
        {
            CheckQuota(usage, 1, size);
        }
        catch (MailException ex)
        {
            return new LocalDelivery(mailboxId, MailError.OverQuota, ex.Message, 0, 0);
        }

        return inbox is null ? new LocalDelivery(mailboxId, MailError.NotFound, "the mailbox has no INBOX", 0, 0) : null;
    }

    /// <summary>One local recipient: refused (closed error) or delivered to its INBOX with the next UID; <paramref name="views"/>, when given, is inserted first (same round trip).</summary>
    private static async Task<LocalDelivery> DeliverLocalAsync(WriteContext ctx, long mailboxId, string blobId, long size, long received, (long? SentDate, byte[] Sealed)? views)
    {
        const string Recipient = """
            SELECT m.status, m.used_storage, m.used_messages, COALESCE(m.quota_storage, d.quota_storage), COALESCE(m.quota_messages, d.quota_messages), f.id
            FROM mailboxes m
            LEFT JOIN domains d ON d.name = m.domain
            LEFT JOIN folders f ON f.mailbox_id = m.id AND f.name = 'INBOX'
            WHERE m.id = @id;
            """;
        const string ViewsThenRecipient = "INSERT INTO message_views(blob_id, sent_date, views) VALUES (@vb, @vs, @vv) ON CONFLICT (blob_id) DO NOTHING;\n" + Recipient;
        (MailboxStatus Status, QuotaUsage Usage, long? Inbox)? found = null;
        await using (var cmd = views is { } v
            ? ctx.Command(ViewsThenRecipient, ("@vb", blobId), ("@vs", v.SentDate), ("@vv", v.Sealed), ("@id", mailboxId))
            : ctx.Command(Recipient, ("@id", mailboxId)))
        await using (var reader = await cmd.ExecuteReaderAsync(ctx.CancellationToken).ConfigureAwait(false))
        {
            // Past the INSERT's empty result (a provider may show it), to the recipient's row.
            while (reader.FieldCount == 0 && await reader.NextResultAsync(ctx.CancellationToken).ConfigureAwait(false))
            {
            }

            if (await reader.ReadAsync(ctx.CancellationToken).ConfigureAwait(false))
            {
                found = (ParseStatus(reader.GetString(0)), new QuotaUsage(reader.GetInt64(1), reader.GetInt64(2), reader.NLong(3), reader.NLong(4)), reader.NLong(5));
            }
        }

        if (found is not { } row)
        {
            return new LocalDelivery(mailboxId, MailError.NotFound, "no such mailbox", 0, 0);
        }

        if (RefusalOf(mailboxId, row.Status, row.Usage, row.Inbox, size) is { } refused)
        {
            return refused;
        }

        var folderId = row.Inbox!.Value;

        // The next UID and MODSEQ (the folder's row lock), the message row and the usage, in one command: one
        // round trip to a database server. The row takes the values the UPDATE just gave the folder.
        long uid = 0, modseq = 0;
        await using (var cmd = ctx.Command(
            """
            UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1, message_count = message_count + 1,
                               unseen_count = unseen_count + 1, total_size = total_size + @s
            WHERE id = @f RETURNING uid_next - 1, highest_modseq;
            INSERT INTO messages(folder_id, uid, modseq, flags, keywords, size, internal_date, blob_id)
                SELECT id, uid_next - 1, highest_modseq, 0, 0, @s, @d, @b FROM folders WHERE id = @f;
            UPDATE mailboxes SET used_messages = used_messages + 1, used_storage = used_storage + @s WHERE id = @m;
            """,
            ("@f", folderId),
            ("@s", size),
            ("@d", received),
            ("@b", blobId),
            ("@m", mailboxId)))
        await using (var reader = await cmd.ExecuteReaderAsync(ctx.CancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(ctx.CancellationToken).ConfigureAwait(false))
            {
                return new LocalDelivery(mailboxId, MailError.NotFound, "the mailbox has no INBOX", 0, 0);
            }

            (uid, modseq) = (reader.GetInt64(0), reader.GetInt64(1));
            while (await reader.NextResultAsync(ctx.CancellationToken).ConfigureAwait(false))
            {
                // The INSERT and the second UPDATE run as the reader moves on.
            }
        }

        ctx.Changed(mailboxId, folderId, modseq, FolderChangeKinds.NewMessages);
        return new LocalDelivery(mailboxId, null, null, folderId, uid);
    }

    /// <summary>
    /// Whose data key encrypts a message: the first local recipient's domain, else the sender's when hosted,
    /// else the first hosted domain (remote-only mail such as bounces to other operators).
    /// </summary>
    private Task<string> KeyDomainAsync(AcceptedMessage message, CancellationToken cancellationToken)
    {
        // A mailbox's address never changes (REQ-21) and mailboxes are never deleted: its domain is cached.
        if (message.LocalMailboxIds.Count > 0 && _mailboxDomains.TryGetValue(message.LocalMailboxIds[0], out var cached))
        {
            return Task.FromResult(cached);
        }

        return ReadAsync(async s =>
        {
            if (message.LocalMailboxIds.Count > 0)
            {
                var domain = await s.QueryAsync("SELECT domain FROM mailboxes WHERE id = @id;", r => r.Text(0), cancellationToken, ("@id", message.LocalMailboxIds[0])).ConfigureAwait(false);
                if (domain is [{ } d])
                {
                    if (_mailboxDomains.Count >= MailboxDomainCacheSize)
                    {
                        _mailboxDomains.Clear();
                    }

                    _mailboxDomains[message.LocalMailboxIds[0]] = d;
                    return d;
                }
            }

            var hosted = await s.QueryAsync("SELECT name FROM domains ORDER BY name;", r => r.GetString(0), cancellationToken).ConfigureAwait(false);
            if (message.Sender is { } sender && hosted.Contains(sender.Domain, StringComparer.OrdinalIgnoreCase))
            {
                return sender.Domain;
            }

            return hosted.Count > 0 ? hosted[0] : throw new MailException(MailError.NotPossible, "no domain is hosted here");
        }, cancellationToken);
    }
}
