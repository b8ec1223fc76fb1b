// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Testing;
using Npgsql;

namespace Caducee.EndToEnd.Tests;

/// <summary>
/// Issue 4 point 3: <c>Store:Provider</c> (sqlite | postgres), <c>Store:ConnectionString</c> (or
/// <c>CADUCEE__Store__ConnectionString</c>) and <c>Store:BlobPath</c>, checked at start with a clear error,
/// and the admin verbs (<c>caducee init</c>, <c>store migrate</c>, <c>mailbox …</c>) on PostgreSQL.
/// </summary>
public sealed class StoreConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-storecfg-");

    public void Dispose() => _dir.Delete(recursive: true);

    private StoreSettings Store(params (string Key, string Value)[] values) =>
        NodeSettings.Store(NodeSettings.Build(null, values.ToDictionary(v => v.Key, v => (string?)v.Value)), _dir.FullName);

    [Fact]
    public void The_store_is_SQLite_by_default_and_PostgreSQL_when_configured()
    {
        Assert.Equal(StoreSettings.Default, Store());
        var pg = Store(("Store:Provider", "postgres"), ("Store:ConnectionString", "Host=db.example;Database=caducee;Username=caducee;Password=s3cret"), ("Store:BlobPath", "shared/blobs"));
        Assert.Equal(StoreProvider.Postgres, pg.Provider);
        Assert.Equal(Path.Combine(_dir.FullName, "shared", "blobs"), pg.BlobPath);
        Assert.DoesNotContain("s3cret", pg.ToString(), StringComparison.Ordinal);
        Assert.Equal(StoreProvider.Postgres, Store(("Store:Provider", "PostgreS"), ("Store:ConnectionString", "Host=h;Database=d;Username=u")).Provider);
        Assert.True(Store().GroupFlush);
        Assert.False(Store(("Store:BlobFlush", "file")).GroupFlush);
        var ex = Assert.Throws<ConfigurationException>(() => Store(("Store:BlobFlush", "never")));
        Assert.Equal("Store:BlobFlush", ex.Key);
        Assert.Equal(2_000_000, Store().FolderStateCache);
        Assert.Equal(0, Store(("Store:FolderStateCache", "0")).FolderStateCache);
        Assert.Equal(500_000, Store(("Store:FolderStateCache", "500000")).FolderStateCache);
        var cache = Assert.Throws<ConfigurationException>(() => Store(("Store:FolderStateCache", "64MB")));
        Assert.Equal("Store:FolderStateCache", cache.Key);
    }

    [Fact]
    public async Task The_folder_state_cache_budget_reaches_the_store()
    {
        var dir = Path.Combine(_dir.FullName, "cache");
        await using (var storage = await NodeStorage.OpenAsync(dir, default, store: Store(("Store:FolderStateCache", "123456"))))
        {
            Assert.Equal(123_456, storage.Store.FolderStates.Budget);
        }

        await using var defaults = await NodeStorage.OpenAsync(dir, default);
        Assert.Equal(StoreSettings.DefaultFolderStateCache, defaults.Store.FolderStates.Budget);
    }

    [Theory]
    [InlineData("mysql", null, "Store:Provider", "'mysql' is not allowed; expected one of sqlite, postgres")]
    [InlineData("postgres", null, "Store:ConnectionString", "missing while Store:Provider is postgres")]
    [InlineData("postgres", "Host=db;Username=u", "Store:ConnectionString", "lacks Database")]
    [InlineData("postgres", "Hots=db;Database=d;Username=u", "Store:ConnectionString", "not valid")]
    [InlineData("sqlite", "Host=db;Database=d;Username=u", "Store:ConnectionString", "set while Store:Provider is sqlite")]
    public void A_wrong_store_setting_names_its_key_and_what_to_fix(string provider, string? connectionString, string key, string problem)
    {
        var values = new List<(string, string)> { ("Store:Provider", provider) };
        if (connectionString is not null)
        {
            values.Add(("Store:ConnectionString", connectionString));
        }

        var ex = Assert.Throws<ConfigurationException>(() => Store([.. values]));
        Assert.Equal(key, ex.Key);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_with_a_wrong_store_configuration_stops_with_one_line_naming_the_key()
    {
        var config = Path.Combine(_dir.FullName, "bad-store.json");
        await File.WriteAllTextAsync(config, """{ "Domain": "hopital.mssante.test", "Store": { "Provider": "postgres" } }""");
        var (code, _, stderr) = await CaduceeProcess.RunAsync("serve", "--config", config);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("configuration error: Store:ConnectionString: missing while Store:Provider is postgres; expected an Npgsql connection string", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_verbs_work_on_PostgreSQL_from_the_environment_or_a_config_file_issue4_point3()
    {
        var server = await PostgresServer.SharedAsync();
        var database = await server.CreateDatabaseAsync("cli");
        try
        {
            var data = Path.Combine(_dir.FullName, "node");
            var env = new Dictionary<string, string>
            {
                ["CADUCEE__Store__Provider"] = "postgres",
                ["CADUCEE__Store__ConnectionString"] = server.ConnectionString(database),
            };
            var init = await RunAsync(["init", "--domain", "clinique.mssante.test", "--data", data], env);
            Assert.True(init.ExitCode == 0, init.Stderr);
            Assert.Contains($"database PostgreSQL database {database} on 127.0.0.1:{server.Port}", init.Stdout, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "caducee.db"))); // no SQLite file: the metadata is in PostgreSQL

            var migrate = await RunAsync(["store", "migrate", "--data", data], env);
            Assert.True(migrate.ExitCode == 0, migrate.Stderr);
            Assert.Contains($"Schema version 3 (up to date) in PostgreSQL database {database}", migrate.Stdout, StringComparison.Ordinal);
            var add = await RunAsync(["mailbox", "add", "accueil@clinique.mssante.test", "--kind", "ORG", "--owner", "312345678900018", "--data", data], env);
            Assert.True(add.ExitCode == 0, add.Stderr);

            // The same database named by a configuration file instead of the environment.
            var config = Path.Combine(_dir.FullName, "store.json");
            await File.WriteAllTextAsync(config, $$"""
                // comments are allowed
                { "Store": { "Provider": "postgres", "ConnectionString": "{{server.ConnectionString(database)}}" } }
                """);
            var list = await RunAsync(["mailbox", "list", "--data", data, "--config", config], []);
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Contains("accueil@clinique.mssante.test", list.Stdout, StringComparison.Ordinal);
            await using (var c = new NpgsqlConnection(server.ConnectionString(database)))
            {
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM mailboxes;", c);
                Assert.Equal(1L, await cmd.ExecuteScalarAsync());
            }

            // A database that cannot be reached: one clear line, exit code 1, nothing created.
            var unreachable = new NpgsqlConnectionStringBuilder(server.ConnectionString(database)) { Port = 1, Timeout = 3 }.ConnectionString;
            var down = await RunAsync(["store", "migrate", "--data", data], new() { ["CADUCEE__Store__Provider"] = "postgres", ["CADUCEE__Store__ConnectionString"] = unreachable });
            Assert.Equal(1, down.ExitCode);
            Assert.StartsWith($"error: database unavailable: cannot reach PostgreSQL database {database} on 127.0.0.1:1", down.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await server.DropDatabaseAsync(database);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        using var p = CaduceeProcess.Start(args, environment);
        var code = await p.WaitAsync(TimeSpan.FromSeconds(60));
        return (code, p.Stdout, p.Stderr);
    }
}
