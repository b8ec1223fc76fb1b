// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>Delivery after SMTP DATA: one blob, local INBOXes and the outbound queue in one durable transaction.</summary>
public partial class SqlMailStore
{
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

        // Bytes first (fsynced), metadata second: a crash in between leaves an unreferenced blob, collected later.
        var key = await CurrentKeyAsync(await KeyDomainAsync(message, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var views = ComputeViews(message.Content);
        var blobId = await _blobs.PutAsync(message.Content, key, cancellationToken).ConfigureAwait(false);
        var sealedViews = SealViews(key, blobId, views);
        var received = message.ReceivedAt.ToUnixTimeMilliseconds();
        var queueId = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        return await WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            var local = new List<LocalDelivery>();
            if (message.LocalMailboxIds.Count > 0)
            {
                await InsertViewsAsync(ctx, blobId, views.SentDate, sealedViews).ConfigureAwait(false);
                // Folders are locked in mailbox-id order, whatever the order of the recipients: two nodes
                // delivering to the same mailboxes then wait for each other instead of deadlocking.
                var ids = message.LocalMailboxIds.Distinct().ToList();
                var outcomes = new Dictionary<long, LocalDelivery>();
                foreach (var mailboxId in ids.Order())
                {
                    outcomes[mailboxId] = await DeliverLocalAsync(ctx, mailboxId, blobId, message.Content.Length, received).ConfigureAwait(false);
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

    /// <summary>One local recipient: refused (closed error) or delivered to its INBOX with the next UID.</summary>
    private static async Task<LocalDelivery> DeliverLocalAsync(WriteContext ctx, long mailboxId, string blobId, long size, long received)
    {
        var rows = await ctx.QueryAsync(
            """
            SELECT m.status, m.used_storage, m.used_messages, COALESCE(m.quota_storage, d.quota_storage), COALESCE(m.quota_messages, d.quota_messages), f.id
            FROM mailboxes m
            LEFT JOIN domains d ON d.name = m.domain
            LEFT JOIN folders f ON f.mailbox_id = m.id AND f.name = 'INBOX'
            WHERE m.id = @id;
            """,
            r => (Status: ParseStatus(r.GetString(0)), Usage: new QuotaUsage(r.GetInt64(1), r.GetInt64(2), r.NLong(3), r.NLong(4)), Inbox: r.NLong(5)),
            ctx.CancellationToken,
            ("@id", mailboxId)).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return new LocalDelivery(mailboxId, MailError.NotFound, "no such mailbox", 0, 0);
        }

        var (status, usage, inbox) = rows[0];
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

        if (inbox is not { } folderId)
        {
            return new LocalDelivery(mailboxId, MailError.NotFound, "the mailbox has no INBOX", 0, 0);
        }

        List<Row> message = [new Row(0, 0, MessageFlags.None, 0, size, received, blobId, null)];
        var (uid, modseq, _) = await AllocateAsync(ctx, folderId, message).ConfigureAwait(false);
        await InsertRowsAsync(ctx, folderId, message, uid, modseq).ConfigureAwait(false);
        await UpdateUsageAsync(ctx, mailboxId, 1, size).ConfigureAwait(false);
        ctx.Changed(mailboxId, folderId, modseq, FolderChangeKinds.NewMessages);
        return new LocalDelivery(mailboxId, null, null, folderId, uid);
    }

    /// <summary>
    /// Whose data key encrypts a message: the first local recipient's domain, else the sender's when hosted,
    /// else the first hosted domain (remote-only mail such as bounces to other operators).
    /// </summary>
    private Task<string> KeyDomainAsync(AcceptedMessage message, CancellationToken cancellationToken) =>
        ReadAsync(async s =>
        {
            if (message.LocalMailboxIds.Count > 0)
            {
                var domain = await s.QueryAsync("SELECT domain FROM mailboxes WHERE id = @id;", r => r.Text(0), cancellationToken, ("@id", message.LocalMailboxIds[0])).ConfigureAwait(false);
                if (domain is [{ } d])
                {
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
