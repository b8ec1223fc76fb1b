// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Postgres;
using Caducee.Storage.Sql;
using Caducee.Storage.Sqlite;
using Caducee.Testing;
using Npgsql;

namespace Caducee.Storage.Tests;

/// <summary>
/// The contract on PostgreSQL (issue 4 point 3), on the tests' private server (one database per test),
/// plus what only PostgreSQL has: its schema, its rules in SQL, its errors.
/// </summary>
public sealed class PostgresMailStoreTests : MailStoreContract
{
    private PostgresServer? _server;
    private string? _database;

    protected override async Task<SqlMailStore> OpenBackendAsync(string dir, FileBlobStore blobs, Keyring keys)
    {
        _server ??= await PostgresServer.SharedAsync();
        _database ??= await _server.CreateDatabaseAsync("contract");
        var store = new PostgresMailStore(_server.ConnectionString(_database), blobs, keys);
        try
        {
            await store.MigrateAsync(Ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    protected override byte[] RawDatabaseBytes() => _server!.RawDatabaseBytes(_database!);

    protected override async Task DisposeBackendAsync()
    {
        if (_server is not null && _database is not null)
        {
            await _server.DropDatabaseAsync(_database);
        }
    }

    [Fact]
    public async Task The_schema_is_at_the_latest_version_the_same_number_as_SQLite_and_migrating_again_changes_nothing()
    {
        // One version number means one schema on both backends: a step added to one needs its twin.
        Assert.Equal(new SqliteDialect(Path.Combine(Dir.FullName, "x.db")).Migrations.Count, Store.LatestSchemaVersion);
        Assert.Equal(Store.LatestSchemaVersion, await Store.GetSchemaVersionAsync(Ct));
        var box = await NewBoxAsync("a");
        await Store.MigrateAsync(Ct);
        await ReopenAsync();
        Assert.Equal(Store.LatestSchemaVersion, await Store.GetSchemaVersionAsync(Ct));
        Assert.Equal(box.Id, (await Store.FindMailboxAsync(box.Address, Ct))!.Id);
    }

    [Fact]
    public async Task Address_and_kind_cannot_change_and_closed_stays_closed_even_through_SQL_REQ21_REQ23()
    {
        var box = await NewBoxAsync("a");
        await Store.SetMailboxStatusAsync(box.Address, MailboxStatus.Closed, Ct);
        await using var c = new NpgsqlConnection(_server!.ConnectionString(_database!));
        await c.OpenAsync();
        foreach (var sql in new[] { "UPDATE mailboxes SET kind = 'ORG';", "UPDATE mailboxes SET address = 'b@hopital.mssante.test';", "UPDATE mailboxes SET status = 'active';" })
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            var ex = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Contains("REQ-2", ex.MessageText, StringComparison.Ordinal);
        }

        var after = (await Store.GetMailboxAsync(box.Id, Ct))!;
        Assert.Equal((box.Address, MailboxKind.Per, MailboxStatus.Closed), (after.Address, after.Kind, after.Status));
    }

    [Fact]
    public async Task An_unreachable_database_or_refused_credentials_are_temporary_failures_that_say_so()
    {
        var keys = new Keyring(MasterKey.Generate());
        var blobs = new FileBlobStore(Path.Combine(Dir.FullName, "b2"), keys);
        var closedPort = new NpgsqlConnectionStringBuilder(_server!.ConnectionString(_database!)) { Port = ClosedPort(), Timeout = 5 }.ConnectionString;
        await using (var store = new PostgresMailStore(closedPort, blobs, keys))
        {
            var ex = await Fails(MailError.Temporary, () => store.MigrateAsync(Ct));
            Assert.Contains("database unavailable: cannot reach PostgreSQL database", ex.Message, StringComparison.Ordinal);
            await Fails(MailError.Temporary, () => store.ListDomainsAsync(Ct));
        }

        var wrongPassword = new NpgsqlConnectionStringBuilder(_server.ConnectionString(_database!)) { Password = "not-the-password" }.ConnectionString;
        await using (var store = new PostgresMailStore(wrongPassword, blobs, keys))
        {
            var ex = await Fails(MailError.Temporary, () => store.ListDomainsAsync(Ct));
            Assert.Contains("refused the credentials", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
        }

        var missing = new NpgsqlConnectionStringBuilder(_server.ConnectionString(_database!)) { Database = "no_such_database" }.ConnectionString;
        await using (var store = new PostgresMailStore(missing, blobs, keys))
        {
            var ex = await Fails(MailError.Temporary, () => store.ListDomainsAsync(Ct));
            Assert.Contains("no_such_database", ex.Message, StringComparison.Ordinal);
        }

        // A malformed connection string is a configuration error, said before any connection.
        var bad = Assert.Throws<MailException>(() => new PostgresMailStore("Host=db;Databse=x;Username=u", blobs, keys));
        Assert.Equal(MailError.Parameters, bad.Error);
        Assert.Contains("databse", bad.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(PostgresDialect.TryValidate("Host=db;Username=u", out var error));
        Assert.Contains("lacks Database", error, StringComparison.Ordinal);
        Assert.True(PostgresDialect.TryValidate("Host=db;Database=caducee;Username=u;Password=p", out _));
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
