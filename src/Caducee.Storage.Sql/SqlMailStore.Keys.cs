// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using Caducee.Core.Crypto;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>
/// Keys (issue 4 point 2): per-domain random data keys, wrapped by the master key and kept in
/// <c>data_keys</c>; the naming key and, for stores created by schema 1, the legacy blob key live there
/// too, so a master-key rotation re-wraps rows and rewrites no content. See docs/keys.md.
/// </summary>
public partial class SqlMailStore
{
    private const string MasterCheck = "master_check";

    /// <summary>
    /// Whether <paramref name="master"/> is the master key of this database: true, false, or null when the
    /// database has no check value yet (a new database, or one created by schema 1).
    /// </summary>
    public Task<bool?> MasterKeyMatchesAsync(MasterKey master, CancellationToken cancellationToken) =>
        ReadAsync<bool?>(async s =>
        {
            if (await Migrator.CurrentVersionAsync(s, cancellationToken).ConfigureAwait(false) < 2)
            {
                return null;
            }

            var check = await MetaDataAsync(s, MasterCheck, cancellationToken).ConfigureAwait(false);
            return check is null ? null : master.Matches(check);
        }, cancellationToken);

    public Task<int> RotateDomainKeyAsync(string domain, CancellationToken cancellationToken) =>
        WriteAsync(async ctx =>
        {
            var name = domain.Trim().ToLowerInvariant();
            if (await ctx.LongAsync("SELECT COUNT(*) FROM domains WHERE name = @d;", ctx.CancellationToken, ("@d", name)).ConfigureAwait(false) == 0)
            {
                throw NotFound($"domain {name} is not hosted here");
            }

            var id = await CreateKeyAsync(ctx, "data", name, RandomNumberGenerator.GetBytes(32), _keys.Master).ConfigureAwait(false);
            await ctx.ExecAsync("UPDATE domains SET current_key_id = @k WHERE name = @d;", ctx.CancellationToken, ("@k", id), ("@d", name)).ConfigureAwait(false);
            await ReloadKeysAsync(ctx, _keys.Master).ConfigureAwait(false);
            return id;
        }, cancellationToken);

    public Task RotateMasterKeyAsync(MasterKey newMaster, CancellationToken cancellationToken) =>
        WriteAsync(async ctx =>
        {
            var rows = await ctx.QueryAsync("SELECT id, purpose, domain, wrapped FROM data_keys ORDER BY id;", r => (Id: r.GetInt64(0), Purpose: r.GetString(1), Domain: r.Text(2), Wrapped: r.Bytes(3)!), ctx.CancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                var context = KeyContext(row.Id, row.Purpose, row.Domain);
                var material = Unwrap(_keys.Master, row.Wrapped, context, row.Id);
                await ctx.ExecAsync("UPDATE data_keys SET wrapped = @w WHERE id = @id;", ctx.CancellationToken, ("@w", newMaster.Wrap(material, context)), ("@id", row.Id)).ConfigureAwait(false);
                CryptographicOperations.ZeroMemory(material);
            }

            await SetMetaDataAsync(ctx, MasterCheck, newMaster.CheckValue).ConfigureAwait(false);
            await ReloadKeysAsync(ctx, newMaster).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <summary>
    /// The current data key of a domain; when this instance does not know it (the domain was added by another
    /// process, e.g. the admin CLI), the keys are loaded again from the database first.
    /// </summary>
    private async Task<DataKey> CurrentKeyAsync(string domain, CancellationToken cancellationToken)
    {
        try
        {
            return _keys.CurrentFor(domain);
        }
        catch (MailException ex) when (ex.Error == MailError.NotFound)
        {
            await LoadKeysAsync(cancellationToken).ConfigureAwait(false);
            return _keys.CurrentFor(domain);
        }
    }

    /// <summary>Checks the master key, creates missing keys (naming, legacy, each domain's), installs them all.</summary>
    private Task LoadKeysAsync(CancellationToken cancellationToken) =>
        WriteAsync(async ctx =>
        {
            var master = _keys.Master;
            await _dialect.LockKeysAsync(ctx.Connection, ctx.Transaction!, ctx.CancellationToken).ConfigureAwait(false);
            var check = await MetaDataAsync(ctx, MasterCheck, ctx.CancellationToken).ConfigureAwait(false);
            if (check is null)
            {
                await SetMetaDataAsync(ctx, MasterCheck, master.CheckValue).ConfigureAwait(false);
            }
            else if (!master.Matches(check))
            {
                throw new MailException(MailError.NotPossible, "the master key does not match this database (wrong key file or configuration?); content cannot be decrypted with it");
            }

            var purposes = await ctx.QueryAsync("SELECT DISTINCT purpose FROM data_keys;", r => r.GetString(0), ctx.CancellationToken).ConfigureAwait(false);
            if (!purposes.Contains("naming"))
            {
                // Schema 1 named blobs with a key derived from the master key: keep it, so names stay stable.
                await CreateKeyAsync(ctx, "naming", null, master.LegacyNamingKey, master).ConfigureAwait(false);
            }

            if (!purposes.Contains("legacy"))
            {
                // Blobs written by schema 1 (format CDB1) stay readable after a master-key rotation.
                await CreateKeyAsync(ctx, "legacy", null, master.LegacyBlobKey, master).ConfigureAwait(false);
            }

            foreach (var domain in await ctx.QueryAsync("SELECT name FROM domains WHERE current_key_id IS NULL;", r => r.GetString(0), ctx.CancellationToken).ConfigureAwait(false))
            {
                var id = await CreateKeyAsync(ctx, "data", domain, RandomNumberGenerator.GetBytes(32), master).ConfigureAwait(false);
                await ctx.ExecAsync("UPDATE domains SET current_key_id = @k WHERE name = @d;", ctx.CancellationToken, ("@k", id), ("@d", domain)).ConfigureAwait(false);
            }

            await ReloadKeysAsync(ctx, master).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    private async Task<int> CreateKeyAsync(WriteContext ctx, string purpose, string? domain, byte[] material, MasterKey master)
    {
        // Several nodes may add domains or rotate keys at once: ids are given under a lock held until commit.
        await _dialect.LockKeysAsync(ctx.Connection, ctx.Transaction!, ctx.CancellationToken).ConfigureAwait(false);
        var id = await ctx.LongAsync("SELECT COALESCE(MAX(id), 0) + 1 FROM data_keys;", ctx.CancellationToken).ConfigureAwait(false) ?? 1;
        await ctx.ExecAsync(
            "INSERT INTO data_keys(id, purpose, domain, wrapped, created_at) VALUES (@id, @p, @d, @w, @t);",
            ctx.CancellationToken,
            ("@id", id),
            ("@p", purpose),
            ("@d", domain),
            ("@w", master.Wrap(material, KeyContext(id, purpose, domain))),
            ("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        return (int)id;
    }

    /// <summary>Reads and unwraps every key; installs them in the keyring once the transaction is committed.</summary>
    private async Task ReloadKeysAsync(WriteContext ctx, MasterKey master)
    {
        var install = await ReadKeysAsync(ctx, master, ctx.CancellationToken).ConfigureAwait(false);
        ctx.AfterCommit.Add(install);
    }

    /// <summary>
    /// Content names a key this instance does not hold: another node or process created it (a new domain, a
    /// rotation). The committed keys are read again and installed; an id still unknown stays an error.
    /// </summary>
    private Task ReloadKeysFromDatabaseAsync(CancellationToken cancellationToken) =>
        ReadAsync(async s =>
        {
            var install = await ReadKeysAsync(s, _keys.Master, cancellationToken).ConfigureAwait(false);
            install();
            return 0;
        }, cancellationToken, snapshot: true);

    /// <summary>Reads and unwraps every key; the returned action installs them in the keyring.</summary>
    private async Task<Action> ReadKeysAsync(SqlSession s, MasterKey master, CancellationToken cancellationToken)
    {
        var rows = await s.QueryAsync("SELECT id, purpose, domain, wrapped FROM data_keys ORDER BY id;", r => (Id: r.GetInt64(0), Purpose: r.GetString(1), Domain: r.Text(2), Wrapped: r.Bytes(3)!), cancellationToken).ConfigureAwait(false);
        var keys = new List<DataKey>();
        byte[]? naming = null;
        foreach (var row in rows)
        {
            var material = Unwrap(master, row.Wrapped, KeyContext(row.Id, row.Purpose, row.Domain), row.Id);
            switch (row.Purpose)
            {
                case "naming":
                    naming = material;
                    break;
                case "legacy":
                    keys.Add(new DataKey((int)row.Id, null, material));
                    break;
                default:
                    keys.Add(new DataKey((int)row.Id, row.Domain, material));
                    break;
            }
        }

        var current = await s.QueryAsync("SELECT name, current_key_id FROM domains WHERE current_key_id IS NOT NULL;", r => (r.GetString(0), (int)r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var namingKey = naming ?? throw new MailException(MailError.NotPossible, "the database has no naming key");
        return () => _keys.Install(keys, current.ToDictionary(c => c.Item1, c => c.Item2), namingKey, master);
    }

    private static byte[] Unwrap(MasterKey master, byte[] wrapped, string context, long id)
    {
        try
        {
            return master.Unwrap(wrapped, context);
        }
        catch (CryptographicException ex)
        {
            throw new MailException(MailError.NotPossible, $"data key {id} cannot be unwrapped with this master key", ex);
        }
    }

    private static string KeyContext(long id, string purpose, string? domain) => $"caducee data key|{id}|{purpose}|{domain}";

    private static async Task<byte[]?> MetaDataAsync(SqlSession s, string name, CancellationToken cancellationToken)
    {
        var rows = await s.QueryAsync("SELECT data FROM store_meta WHERE name = @n;", r => r.Bytes(0), cancellationToken, ("@n", name)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static Task SetMetaDataAsync(WriteContext ctx, string name, byte[] data) =>
        ctx.ExecAsync(
            "INSERT INTO store_meta(name, value, data) VALUES (@n, 0, @d) ON CONFLICT (name) DO UPDATE SET data = excluded.data;",
            ctx.CancellationToken,
            ("@n", name),
            ("@d", data));

    /// <summary>Next value of a store-wide counter (mailbox change sequence).</summary>
    private static async Task<long> NextCounterAsync(WriteContext ctx, string name) =>
        await ctx.LongAsync("UPDATE store_meta SET value = value + 1 WHERE name = @n RETURNING value;", ctx.CancellationToken, ("@n", name)).ConfigureAwait(false)
        ?? throw new MailException(MailError.NotPossible, $"store counter {name} is missing");

    /// <summary>A UIDVALIDITY never given before in this store (RFC 9051 §2.3.1.1), time-based, 32-bit.</summary>
    private async Task<long> NextUidValidityAsync(WriteContext ctx)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds() & 0xFFFFFFFF;
        return await ctx.LongAsync(
            "UPDATE store_meta SET value = CASE WHEN value + 1 > @now THEN value + 1 ELSE @now END WHERE name = 'last_uid_validity' RETURNING value;",
            ctx.CancellationToken,
            ("@now", now)).ConfigureAwait(false) ?? throw new MailException(MailError.NotPossible, "store counter last_uid_validity is missing");
    }
}
