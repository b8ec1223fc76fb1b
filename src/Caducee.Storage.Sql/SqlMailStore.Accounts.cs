// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data.Common;
using System.Security.Cryptography;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>Domains, principals and mailboxes (REQ-20 to REQ-24).</summary>
public partial class SqlMailStore
{
    private const string MailboxSelect = """
        SELECT m.id, m.address, m.kind, m.status, m.display_name, m.owner_id, m.created_at,
               m.certificate_subject, m.liste_rouge, m.description, m.service, m.responsible, m.rank, m.structure_id,
               m.change_seq, m.changed_at,
               p.id, p.kind, p.national_id, p.display_name, p.created_at
        FROM mailboxes m LEFT JOIN principals p ON p.id = m.owner_principal_id
        """;

    private const string DomainSelect = "SELECT name, created_at, retention_days, quota_storage, quota_messages, current_key_id FROM domains";

    public Task<DomainInfo> AddDomainAsync(string domain, CancellationToken cancellationToken)
    {
        var name = domain.Trim().ToLowerInvariant();
        if (!DomainName.IsValid(name))
        {
            throw new MailException(MailError.Parameters, $"'{domain}' is not a valid domain name");
        }

        return WriteAsync(async ctx =>
        {
            var inserted = await ctx.ExecAsync("INSERT INTO domains(name, created_at) VALUES (@n, @t) ON CONFLICT (name) DO NOTHING;", ctx.CancellationToken, ("@n", name), ("@t", Now())).ConfigureAwait(false);
            if (inserted > 0)
            {
                var id = await CreateKeyAsync(ctx, "data", name, RandomNumberGenerator.GetBytes(32), _keys.Master).ConfigureAwait(false);
                await ctx.ExecAsync("UPDATE domains SET current_key_id = @k WHERE name = @n;", ctx.CancellationToken, ("@k", id), ("@n", name)).ConfigureAwait(false);
                await ReloadKeysAsync(ctx, _keys.Master).ConfigureAwait(false);
            }

            return (await ctx.SingleAsync($"{DomainSelect} WHERE name = @n;", ReadDomain, ctx.CancellationToken, ("@n", name)).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DomainInfo>> ListDomainsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<DomainInfo>>(async s => await s.QueryAsync($"{DomainSelect} ORDER BY name;", ReadDomain, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task<DomainInfo?> GetDomainAsync(string domain, CancellationToken cancellationToken) =>
        ReadAsync(s => s.SingleAsync($"{DomainSelect} WHERE name = @n;", ReadDomain, cancellationToken, ("@n", domain.Trim().ToLowerInvariant())), cancellationToken);

    public Task<DomainInfo> UpdateDomainSettingsAsync(string domain, DomainSettings settings, CancellationToken cancellationToken)
    {
        if (settings.RetentionDays is <= 0 || settings.DefaultQuotaStorage is < 0 || settings.DefaultQuotaMessages is < 0)
        {
            throw new MailException(MailError.Parameters, "retention must be a positive number of days and quotas must not be negative");
        }

        var name = domain.Trim().ToLowerInvariant();
        return WriteAsync(async ctx =>
        {
            var n = await ctx.ExecAsync(
                "UPDATE domains SET retention_days = @r, quota_storage = @s, quota_messages = @m WHERE name = @n;",
                ctx.CancellationToken,
                ("@r", settings.RetentionDays),
                ("@s", settings.DefaultQuotaStorage),
                ("@m", settings.DefaultQuotaMessages),
                ("@n", name)).ConfigureAwait(false);
            if (n == 0)
            {
                throw NotFound($"domain {name} is not hosted here");
            }

            return (await ctx.SingleAsync($"{DomainSelect} WHERE name = @n;", ReadDomain, ctx.CancellationToken, ("@n", name)).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    public Task<PrincipalInfo> AddPrincipalAsync(PrincipalRef principal, string? displayName, CancellationToken cancellationToken)
    {
        if (!principal.IsValid(out var error))
        {
            throw new MailException(MailError.Parameters, error);
        }

        return WriteAsync(async ctx =>
        {
            if (await FindPrincipalAsync(ctx, principal).ConfigureAwait(false) is not null)
            {
                throw new MailException(MailError.Exists, $"principal {principal} already exists");
            }

            await ctx.ExecAsync(
                "INSERT INTO principals(kind, national_id, display_name, created_at) VALUES (@k, @i, @n, @t);",
                ctx.CancellationToken,
                ("@k", KindCode(principal.Kind)),
                ("@i", principal.NationalId),
                ("@n", displayName),
                ("@t", Now())).ConfigureAwait(false);
            return (await FindPrincipalAsync(ctx, principal).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    public Task<PrincipalInfo?> FindPrincipalAsync(PrincipalRef principal, CancellationToken cancellationToken) =>
        ReadAsync(s => FindPrincipalAsync(s, principal, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<PrincipalInfo>> ListPrincipalsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<PrincipalInfo>>(async s => await s.QueryAsync("SELECT id, kind, national_id, display_name, created_at FROM principals ORDER BY kind, national_id;", r => ReadPrincipal(r, 0)!, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task<MailboxInfo> CreateMailboxAsync(NewMailbox mailbox, CancellationToken cancellationToken)
    {
        if (!mailbox.Owner.IsValid(out var error))
        {
            throw new MailException(MailError.Parameters, "owner: " + error);
        }

        if (!OwnershipRules.MayOwn(mailbox.Owner.Kind, mailbox.Kind))
        {
            var expected = mailbox.Kind switch
            {
                MailboxKind.Per or MailboxKind.Cab => "a professional (RPPS)",
                MailboxKind.Org => "a structure (national structure id)",
                _ => "a structure or an application",
            };
            throw new MailException(MailError.Parameters, $"REQ-20: a {mailbox.Kind.ToCode()} mailbox is owned by {expected}, not by {mailbox.Owner}");
        }

        ValidateMetadata(mailbox.Metadata);
        ValidateQuota(mailbox.Quota);
        return WriteAsync(async ctx =>
        {
            var ct = ctx.CancellationToken;
            if (await ctx.LongAsync("SELECT COUNT(*) FROM mailboxes WHERE address = @a;", ct, ("@a", mailbox.Address.Key)).ConfigureAwait(false) > 0)
            {
                throw new MailException(MailError.Exists, $"mailbox {mailbox.Address} already exists");
            }

            if (await ctx.LongAsync("SELECT COUNT(*) FROM domains WHERE name = @d;", ct, ("@d", mailbox.Address.Domain)).ConfigureAwait(false) == 0)
            {
                throw NotFound($"domain {mailbox.Address.Domain} is not hosted here");
            }

            var owner = await FindPrincipalAsync(ctx, mailbox.Owner).ConfigureAwait(false);
            if (owner is null)
            {
                await ctx.ExecAsync(
                    "INSERT INTO principals(kind, national_id, display_name, created_at) VALUES (@k, @i, NULL, @t);",
                    ct,
                    ("@k", KindCode(mailbox.Owner.Kind)),
                    ("@i", mailbox.Owner.NationalId),
                    ("@t", Now())).ConfigureAwait(false);
                owner = (await FindPrincipalAsync(ctx, mailbox.Owner).ConfigureAwait(false))!;
            }

            var seq = await NextCounterAsync(ctx, "mailbox_change_seq").ConfigureAwait(false);
            var now = Now();
            var md = mailbox.Metadata;
            var id = await ctx.LongAsync(
                """
                INSERT INTO mailboxes(address, kind, status, display_name, owner_id, password_hash, certificate_subject, created_at,
                                      domain, owner_principal_id, liste_rouge, description, service, responsible, rank, structure_id,
                                      quota_storage, quota_messages, change_seq, changed_at)
                VALUES (@a, @k, 'active', @dn, @o, @p, @cs, @t, @d, @op, @lr, @de, @se, @re, @ra, @si, @qs, @qm, @seq, @t)
                RETURNING id;
                """,
                ct,
                ("@a", mailbox.Address.Key),
                ("@k", mailbox.Kind.ToCode()),
                ("@dn", md.DisplayName),
                ("@o", mailbox.Owner.NationalId),
                ("@p", mailbox.PasswordHash),
                ("@cs", mailbox.CertificateSubject),
                ("@t", now),
                ("@d", mailbox.Address.Domain),
                ("@op", owner.Id),
                ("@lr", md.ListeRouge),
                ("@de", md.Description),
                ("@se", md.Service),
                ("@re", md.Responsible),
                ("@ra", md.Rank),
                ("@si", md.StructureId),
                ("@qs", mailbox.Quota?.StorageBytes),
                ("@qm", mailbox.Quota?.Messages),
                ("@seq", seq)).ConfigureAwait(false) ?? throw new MailException(MailError.Temporary, "mailbox insert returned no id");
            foreach (var (name, specialUse) in DefaultFolders.All)
            {
                await InsertFolderAsync(ctx, id, name, specialUse).ConfigureAwait(false);
                await ctx.ExecAsync("INSERT INTO subscriptions(mailbox_id, name) VALUES (@m, @n) ON CONFLICT DO NOTHING;", ct, ("@m", id), ("@n", name)).ConfigureAwait(false);
            }

            return (await ctx.SingleAsync($"{MailboxSelect} WHERE m.id = @id;", ReadMailbox, ct, ("@id", id)).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    public Task<MailboxInfo?> FindMailboxAsync(MailAddress address, CancellationToken cancellationToken) =>
        ReadAsync(s => s.SingleAsync($"{MailboxSelect} WHERE m.address = @a;", ReadMailbox, cancellationToken, ("@a", address.Key)), cancellationToken);

    public Task<MailboxInfo?> GetMailboxAsync(long mailboxId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.SingleAsync($"{MailboxSelect} WHERE m.id = @id;", ReadMailbox, cancellationToken, ("@id", mailboxId)), cancellationToken);

    public Task<MailboxInfo?> FindMailboxByCertificateAsync(string subject, CancellationToken cancellationToken) =>
        ReadAsync(s => s.SingleAsync($"{MailboxSelect} WHERE m.certificate_subject = @c ORDER BY m.id;", ReadMailbox, cancellationToken, ("@c", subject)), cancellationToken);

    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<MailboxInfo>>(async s => await s.QueryAsync($"{MailboxSelect} ORDER BY m.address;", ReadMailbox, cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task<IReadOnlyList<MailboxInfo>> ListMailboxesByOwnerAsync(PrincipalRef owner, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<MailboxInfo>>(
            async s => await s.QueryAsync($"{MailboxSelect} WHERE p.kind = @k AND p.national_id = @i ORDER BY m.address;", ReadMailbox, cancellationToken, ("@k", KindCode(owner.Kind)), ("@i", owner.NationalId)).ConfigureAwait(false),
            cancellationToken);

    public Task<MailboxChanges> ListMailboxChangesAsync(long sinceChangeSeq, int max, CancellationToken cancellationToken) =>
        ReadAsync(async s =>
        {
            var list = await s.QueryAsync($"{MailboxSelect} WHERE m.change_seq > @s ORDER BY m.change_seq LIMIT @n;", ReadMailbox, cancellationToken, ("@s", sinceChangeSeq), ("@n", Math.Clamp(max, 1, 10_000))).ConfigureAwait(false);
            return new MailboxChanges(list, list.Count == 0 ? sinceChangeSeq : list[^1].ChangeSeq);
        }, cancellationToken, snapshot: true);

    public Task<bool> SetMailboxStatusAsync(MailAddress address, MailboxStatus status, CancellationToken cancellationToken) =>
        WriteAsync(async ctx =>
        {
            var current = await ctx.QueryAsync("SELECT status FROM mailboxes WHERE address = @a;", r => r.GetString(0), ctx.CancellationToken, ("@a", address.Key)).ConfigureAwait(false);
            if (current.Count == 0)
            {
                return false;
            }

            var from = ParseStatus(current[0]);
            if (from == status)
            {
                return true;
            }

            if (!MailboxLifecycle.CanMove(from, status))
            {
                throw new MailException(MailError.NotPossible, $"REQ-23: mailbox {address} is {StatusCode(from)} and cannot become {StatusCode(status)} (closed is final)");
            }

            var seq = await NextCounterAsync(ctx, "mailbox_change_seq").ConfigureAwait(false);
            await ctx.ExecAsync("UPDATE mailboxes SET status = @s, change_seq = @q, changed_at = @t WHERE address = @a;", ctx.CancellationToken, ("@s", StatusCode(status)), ("@q", seq), ("@t", Now()), ("@a", address.Key)).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<MailboxInfo> UpdateMailboxMetadataAsync(long mailboxId, MailboxMetadata metadata, CancellationToken cancellationToken)
    {
        ValidateMetadata(metadata);
        return WriteAsync(async ctx =>
        {
            var seq = await NextCounterAsync(ctx, "mailbox_change_seq").ConfigureAwait(false);
            var n = await ctx.ExecAsync(
                """
                UPDATE mailboxes SET display_name = @dn, liste_rouge = @lr, description = @de, service = @se, responsible = @re,
                                     rank = @ra, structure_id = @si, change_seq = @q, changed_at = @t
                WHERE id = @id;
                """,
                ctx.CancellationToken,
                ("@dn", metadata.DisplayName),
                ("@lr", metadata.ListeRouge),
                ("@de", metadata.Description),
                ("@se", metadata.Service),
                ("@re", metadata.Responsible),
                ("@ra", metadata.Rank),
                ("@si", metadata.StructureId),
                ("@q", seq),
                ("@t", Now()),
                ("@id", mailboxId)).ConfigureAwait(false);
            if (n == 0)
            {
                throw NotFound($"no mailbox {mailboxId}");
            }

            return (await ctx.SingleAsync($"{MailboxSelect} WHERE m.id = @id;", ReadMailbox, ctx.CancellationToken, ("@id", mailboxId)).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    public Task<string?> GetPasswordHashAsync(long mailboxId, CancellationToken cancellationToken) =>
        ReadAsync(async s =>
        {
            var rows = await s.QueryAsync("SELECT password_hash FROM mailboxes WHERE id = @id;", r => r.Text(0), cancellationToken, ("@id", mailboxId)).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken);

    public Task SetPasswordHashAsync(long mailboxId, string? passwordHash, CancellationToken cancellationToken) =>
        UpdateMailboxColumnAsync(mailboxId, "UPDATE mailboxes SET password_hash = @v WHERE id = @id;", passwordHash, cancellationToken);

    public Task SetCertificateSubjectAsync(long mailboxId, string? subject, CancellationToken cancellationToken) =>
        UpdateMailboxColumnAsync(mailboxId, "UPDATE mailboxes SET certificate_subject = @v WHERE id = @id;", subject, cancellationToken);

    public Task SetQuotaAsync(long mailboxId, QuotaLimits limits, CancellationToken cancellationToken)
    {
        ValidateQuota(limits);
        return WriteAsync(async ctx =>
        {
            var n = await ctx.ExecAsync("UPDATE mailboxes SET quota_storage = @s, quota_messages = @m WHERE id = @id;", ctx.CancellationToken, ("@s", limits.StorageBytes), ("@m", limits.Messages), ("@id", mailboxId)).ConfigureAwait(false);
            return n == 0 ? throw NotFound($"no mailbox {mailboxId}") : 0;
        }, cancellationToken);
    }

    public Task<QuotaUsage> GetQuotaAsync(long mailboxId, CancellationToken cancellationToken) =>
        ReadAsync(async s => (await QuotaOfAsync(s, mailboxId, cancellationToken).ConfigureAwait(false)).Usage, cancellationToken);

    /// <summary>Status, quota usage and limits of a mailbox (inside a write, for the checks before a delivery).</summary>
    private static async Task<(MailboxStatus Status, QuotaUsage Usage, string Domain)> QuotaOfAsync(SqlSession s, long mailboxId, CancellationToken cancellationToken)
    {
        var rows = await s.QueryAsync(
            """
            SELECT m.status, m.used_storage, m.used_messages, COALESCE(m.quota_storage, d.quota_storage), COALESCE(m.quota_messages, d.quota_messages), m.domain
            FROM mailboxes m LEFT JOIN domains d ON d.name = m.domain WHERE m.id = @id;
            """,
            r => (ParseStatus(r.GetString(0)), new QuotaUsage(r.GetInt64(1), r.GetInt64(2), r.NLong(3), r.NLong(4)), r.Text(5) ?? string.Empty),
            cancellationToken,
            ("@id", mailboxId)).ConfigureAwait(false);
        return rows.Count == 0 ? throw NotFound($"no mailbox {mailboxId}") : rows[0];
    }

    /// <summary>Throws OverQuota when adding <paramref name="messages"/> of <paramref name="bytes"/> would exceed a limit (RFC 9208).</summary>
    private static void CheckQuota(QuotaUsage usage, long messages, long bytes)
    {
        if (usage.StorageLimit is { } storage && usage.StorageBytes + bytes > storage)
        {
            throw new MailException(MailError.OverQuota, $"mailbox storage quota exceeded ({usage.StorageBytes + bytes} of {storage} bytes)");
        }

        if (usage.MessageLimit is { } count && usage.Messages + messages > count)
        {
            throw new MailException(MailError.OverQuota, $"mailbox message quota exceeded ({usage.Messages + messages} of {count} messages)");
        }
    }

    private static Task UpdateUsageAsync(WriteContext ctx, long mailboxId, long messages, long bytes) =>
        messages == 0 && bytes == 0
            ? Task.CompletedTask
            : ctx.ExecAsync("UPDATE mailboxes SET used_messages = used_messages + @n, used_storage = used_storage + @b WHERE id = @id;", ctx.CancellationToken, ("@n", messages), ("@b", bytes), ("@id", mailboxId));

    private Task UpdateMailboxColumnAsync(long mailboxId, string sql, string? value, CancellationToken cancellationToken) =>
        WriteAsync(async ctx =>
        {
            var n = await ctx.ExecAsync(sql, ctx.CancellationToken, ("@v", value), ("@id", mailboxId)).ConfigureAwait(false);
            return n == 0 ? throw NotFound($"no mailbox {mailboxId}") : 0;
        }, cancellationToken);

    private static Task<PrincipalInfo?> FindPrincipalAsync(SqlSession s, PrincipalRef principal, CancellationToken cancellationToken = default) =>
        s.SingleAsync(
            "SELECT id, kind, national_id, display_name, created_at FROM principals WHERE kind = @k AND national_id = @i;",
            r => ReadPrincipal(r, 0)!,
            s is WriteContext w ? w.CancellationToken : cancellationToken,
            ("@k", KindCode(principal.Kind)),
            ("@i", principal.NationalId));

    private static void ValidateMetadata(MailboxMetadata metadata)
    {
        if (metadata.Rank is < 1)
        {
            throw new MailException(MailError.Parameters, "the preferential rank starts at 1 (1 = preferential)");
        }

        foreach (var (name, value) in new[] { ("display name", metadata.DisplayName), ("description", metadata.Description), ("service", metadata.Service), ("responsible", metadata.Responsible), ("structure id", metadata.StructureId) })
        {
            if (value is { Length: > 512 } || (value?.Any(char.IsControl) ?? false))
            {
                throw new MailException(MailError.Parameters, $"the {name} must be at most 512 characters without control characters");
            }
        }
    }

    private static void ValidateQuota(QuotaLimits? limits)
    {
        if (limits is { StorageBytes: < 0 } or { Messages: < 0 })
        {
            throw new MailException(MailError.Parameters, "quota limits must not be negative");
        }
    }

    private static DomainInfo ReadDomain(DbDataReader r) =>
        new(r.GetString(0), new DomainSettings(r.NInt(2), r.NLong(3), r.NLong(4)), r.NInt(5) ?? 0, r.Time(1));

    private static MailboxInfo ReadMailbox(DbDataReader r)
    {
        if (!MailboxKinds.TryParse(r.GetString(2), out var kind))
        {
            throw new MailException(MailError.InvalidData, "unknown mailbox kind in the database");
        }

        var displayName = r.Text(4);
        return new MailboxInfo(r.GetInt64(0), MailAddress.Parse(r.GetString(1)), kind, ParseStatus(r.GetString(3)), displayName, r.Text(5), r.Time(6))
        {
            CertificateSubject = r.Text(7),
            Metadata = new MailboxMetadata(displayName, r.GetInt64(8) != 0, r.Text(9), r.Text(10), r.Text(11), r.NInt(12), r.Text(13)),
            ChangeSeq = r.GetInt64(14),
            ChangedAt = r.Time(15),
            Owner = ReadPrincipal(r, 16),
        };
    }

    private static PrincipalInfo? ReadPrincipal(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : new PrincipalInfo(r.GetInt64(i), ParseKind(r.GetString(i + 1)), r.GetString(i + 2), r.Text(i + 3), r.Time(i + 4));

    private static string KindCode(PrincipalKind kind) => kind switch
    {
        PrincipalKind.Professional => "professional",
        PrincipalKind.Structure => "structure",
        _ => "application",
    };

    private static PrincipalKind ParseKind(string code) => code switch
    {
        "professional" => PrincipalKind.Professional,
        "structure" => PrincipalKind.Structure,
        "application" => PrincipalKind.Application,
        _ => throw new MailException(MailError.InvalidData, "unknown principal kind in the database"),
    };

    private static string StatusCode(MailboxStatus status) => status.ToString().ToLowerInvariant();

    private static MailboxStatus ParseStatus(string code) => code switch
    {
        "active" => MailboxStatus.Active,
        "suspended" => MailboxStatus.Suspended,
        "closed" => MailboxStatus.Closed,
        _ => throw new MailException(MailError.InvalidData, "unknown mailbox status in the database"),
    };
}
