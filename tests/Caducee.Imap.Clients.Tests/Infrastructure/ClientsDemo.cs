// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Caducee.Core.Auth;
using Caducee.Core.Model;
using Caducee.Core.Ports;
using Caducee.Host.Demo;
using Caducee.Host.Nodes;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Clients.Tests.Infrastructure;

/// <summary>A mailbox made for one test on the demo's practice operator.</summary>
public sealed record ClientUser(string Address, string Password, long MailboxId);

/// <summary>
/// The real demo (authority and two operator nodes on Kestrel, SQLite stores, encrypted blobs, the demo PKI) in
/// process on free loopback ports, shared by every real-client test (one collection: the clients run one at a time
/// on a 2-core machine). Each test makes its own mailboxes on the practice operator and fills them through the store
/// API, then drives a real client at the node's IMAP listeners with the demo CA.
/// </summary>
public sealed class ClientsDemo : IAsyncLifetime
{
    private ILoggerFactory? _loggerFactory;
    private int _users;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("caducee-clients-");

    public DemoEnvironment Demo { get; private set; } = null!;

    /// <summary>The demo CA bundle (PEM): every client verifies the server's chain with it.</summary>
    public string Ca => Demo.Json.Ca;

    /// <summary>The practice operator (cabinet-sud): its node and endpoints.</summary>
    public OperatorNode Node => Demo.Operators[1];

    public DemoOperatorJson Operator => Demo.Json.Operators[1];

    public IMailStore Store => Node.Store;

    /// <summary>The certificate names the node's server certificate carries ("localhost" among them): clients check the host name.</summary>
    public const string Host = "localhost";

    public int ImapPort => IPEndPoint.Parse(Operator.Imap).Port;

    public int ImapsPort => IPEndPoint.Parse(Operator.Imaps!).Port;

    public int SubmissionPort => IPEndPoint.Parse(Operator.Submission).Port;

    public async Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        Demo = await DemoEnvironment.StartAsync(Directory.FullName, 0, _loggerFactory, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Demo.DisposeAsync();
        _loggerFactory?.Dispose();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a client being torn down: the temporary folder is left.
        }
    }

    /// <summary>A new mailbox (an APP box of the practice: not published to the directory) with a random password.</summary>
    public async Task<ClientUser> CreateUserAsync(string prefix)
    {
        var n = Interlocked.Increment(ref _users);
        var address = $"{prefix}-{n.ToString(CultureInfo.InvariantCulture)}@{Operator.Domain}";
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        var mailbox = await Store.CreateMailboxAsync(
            new NewMailbox(MailAddress.Parse(address), MailboxKind.App, PrincipalRef.Structure("344556677800012")) { PasswordHash = PasswordHasher.Hash(password) },
            CancellationToken.None);
        return new ClientUser(address, password, mailbox.Id);
    }

    public async Task<FolderInfo> FolderAsync(ClientUser user, string name) =>
        await Store.GetFolderAsync(user.MailboxId, name, CancellationToken.None) ?? throw new InvalidOperationException("no folder " + name);

    /// <summary>Appends <paramref name="count"/> sample messages (indexes from <paramref name="first"/>) through the store, in batches.</summary>
    public async Task<IReadOnlyList<long>> FillAsync(ClientUser user, string folder, int count, int first = 0, int size = 4 * 1024, Func<int, MessageFlags>? flags = null)
    {
        var target = await FolderAsync(user, folder);
        var uids = new List<long>(count);
        for (var start = 0; start < count; start += 250)
        {
            var batch = Enumerable.Range(first + start, Math.Min(250, count - start))
                .Select(i => new AppendMessage(SampleMessages.Create(i, user.Address, size), flags?.Invoke(i) ?? MessageFlags.None, InternalDate: new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i * 7)))
                .ToList();
            var result = await Store.AppendAsync(target.Id, batch, CancellationToken.None);
            uids.AddRange(result.Uids);
        }

        return uids;
    }

    /// <summary>The messages of a folder as the store holds them (UID order).</summary>
    public async Task<IReadOnlyList<MessageSummary>> MessagesAsync(ClientUser user, string folder) =>
        await Store.ListMessagesAsync((await FolderAsync(user, folder)).Id, CancellationToken.None);

    /// <summary>The stored bytes of a message.</summary>
    public async Task<byte[]> BytesAsync(MessageSummary message) => await Node.Blobs.ReadAsync(message.BlobId, CancellationToken.None);

    /// <summary>A temporary folder for one client's configuration and local mail, removed with the demo's.</summary>
    public string WorkFolder(string name)
    {
        var path = Path.Combine(Directory.FullName, "clients", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class ClientsCollection : ICollectionFixture<ClientsDemo>
{
    public const string Name = "real clients";
}
