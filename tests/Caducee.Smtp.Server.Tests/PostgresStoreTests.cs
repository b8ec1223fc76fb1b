// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Smtp.Server.Tests.Infrastructure;
using Npgsql;

namespace Caducee.Smtp.Server.Tests;

/// <summary>
/// Issue 4 point 3: a node whose store is PostgreSQL (<c>Store:Provider=postgres</c>) behind the real SMTP
/// listeners: what the MX acknowledged with 250 is committed in the database and readable after a restart.
/// </summary>
public sealed class PostgresStoreTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private string _database = null!;
    private SmtpTestServer _server = null!;

    private StoreSettings Store => new(StoreProvider.Postgres, _postgres.ConnectionString(_database));

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.SharedAsync();
        _database = await _postgres.CreateDatabaseAsync("smtp");
        _server = await SmtpTestServer.StartAsync(store: Store);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task A_message_acknowledged_with_250_on_a_PostgreSQL_node_is_committed_there_and_survives_a_restart()
    {
        Assert.Equal("PostgreSQL", _server.Storage.Store.Dialect.Name);
        var marker = "PG-" + Guid.NewGuid().ToString("N")[..12];
        var message = Encoding.ASCII.GetBytes($"Subject: {marker}\r\nMessage-ID: <{marker}@lps.example>\r\n\r\nCompte rendu.\r\n");
        await using (var smtp = await _server.ReadyAsync(Listener.Mx))
        {
            Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{SmtpTestServer.PeerSender}>")).Code);
            Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{SmtpTestServer.Recipient}>")).Code);
            await smtp.WriteAsync([.. Encoding.ASCII.GetBytes($"BDAT {message.Length} LAST\r\n"), .. message]);
            Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        }

        // In the database (the row), and in the blob folder (the bytes, after our Received header).
        await using (var c = new NpgsqlConnection(_postgres.ConnectionString(_database)))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id WHERE b.address = @a AND f.name = 'INBOX';", c);
            cmd.Parameters.AddWithValue("a", SmtpTestServer.Recipient);
            Assert.Equal(1L, await cmd.ExecuteScalarAsync());
        }

        Assert.Equal(message, (await _server.FindStoredAsync(marker))[^message.Length..]);

        // Another opening of the node's storage (a restart) reads it back.
        await using var reopened = await NodeStorage.OpenAsync(_server.Storage.Layout.Root, CancellationToken.None, store: Store);
        var box = (await reopened.Store.FindMailboxAsync(Caducee.Primitives.MailAddress.Parse(SmtpTestServer.Recipient), CancellationToken.None))!;
        var inbox = (await reopened.Store.GetFolderAsync(box.Id, "INBOX", CancellationToken.None))!;
        var stored = Assert.Single(await reopened.Store.ListMessagesAsync(inbox.Id, CancellationToken.None));
        Assert.Contains(marker, Encoding.ASCII.GetString(await reopened.Blobs.ReadAsync(stored.BlobId, CancellationToken.None)), StringComparison.Ordinal);
    }
}
