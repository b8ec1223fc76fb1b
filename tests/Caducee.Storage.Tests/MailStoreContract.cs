// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Sql;

namespace Caducee.Storage.Tests;

/// <summary>
/// The message store contract (issue 4 point 3): every backend passes the same tests. A backend subclasses
/// this class and says how to open a store over a data folder (SQLite, PostgreSQL). Each test
/// gets a fresh folder, a fresh master key, and a store with the domain <see cref="Domain"/> hosted.
/// </summary>
public abstract partial class MailStoreContract : IAsyncLifetime
{
    protected const string Domain = "hopital.mssante.test";
    protected const string OtherDomain = "cabinet.mssante.test";

    protected DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("caducee-contract-");

    protected MasterKey Master { get; private set; } = MasterKey.Generate();

    protected SqlMailStore Store { get; private set; } = null!;

    protected FileBlobStore Blobs { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>Opens (creating on first use) the backend's store over <paramref name="dir"/>; the store is migrated.</summary>
    protected abstract Task<SqlMailStore> OpenBackendAsync(string dir, FileBlobStore blobs, Keyring keys);

    /// <summary>The database's bytes as they lie on disk (files, or a dump of the tables' storage).</summary>
    protected abstract byte[] RawDatabaseBytes();

    public async Task InitializeAsync()
    {
        (Store, Blobs) = await OpenAsync(Master);
        await Store.AddDomainAsync(Domain, Ct);
        await Store.AddDomainAsync(OtherDomain, Ct);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DisposeBackendAsync();
        try
        {
            Dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a pooled connection on some platforms: the OS cleans temp files.
        }
    }

    /// <summary>Releases what the backend created for the test (a server-side database), after the store is closed.</summary>
    protected virtual Task DisposeBackendAsync() => Task.CompletedTask;

    /// <summary>Opens another store instance over the same folder (as after a restart).</summary>
    protected async Task<(SqlMailStore Store, FileBlobStore Blobs)> OpenAsync(MasterKey master)
    {
        var keys = new Keyring(master);
        var blobs = new FileBlobStore(Path.Combine(Dir.FullName, "blobs"), keys);
        return (await OpenBackendAsync(Dir.FullName, blobs, keys), blobs);
    }

    /// <summary>Closes the current store and opens a new one over the same data (with another master key if given).</summary>
    protected async Task ReopenAsync(MasterKey? master = null)
    {
        await Store.DisposeAsync();
        Master = master ?? Master;
        (Store, Blobs) = await OpenAsync(Master);
    }

    protected static string Rpps(string seed) =>
        "101" + (BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(seed))) % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    protected static PrincipalRef OwnerFor(MailboxKind kind, string local) => kind switch
    {
        MailboxKind.Per or MailboxKind.Cab => PrincipalRef.Professional(Rpps(local)),
        MailboxKind.Org => PrincipalRef.Structure("312345678900018"),
        _ => PrincipalRef.Application("dpi-" + local),
    };

    protected Task<MailboxInfo> NewBoxAsync(string local, MailboxKind kind = MailboxKind.Per, string domain = Domain, QuotaLimits? quota = null) =>
        Store.CreateMailboxAsync(new NewMailbox(MailAddress.Parse($"{local}@{domain}"), kind, OwnerFor(kind, local)) { Metadata = new MailboxMetadata("Dr " + local), PasswordHash = "hash-" + local, Quota = quota }, Ct);

    protected async Task<FolderInfo> FolderAsync(MailboxInfo box, string name = "INBOX") =>
        await Store.GetFolderAsync(box.Id, name, Ct) ?? throw new InvalidOperationException("no folder " + name);

    /// <summary>A small RFC 5322 message with a subject (health data in real life).</summary>
    protected static byte[] Message(string subject, string body = "Bonjour,\r\nVoici le compte rendu.\r\n", string from = "Dr Jean DUPONT <jean.dupont@hopital.mssante.test>", string to = "Dr Marie MARTIN <marie.martin@cabinet.mssante.test>") =>
        Encoding.UTF8.GetBytes(
            $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Tue, 03 Mar 2026 10:15:00 +0100\r\nMessage-ID: <{Guid.NewGuid():N}@hopital.mssante.test>\r\n" +
            $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}");

    protected async Task<AcceptResult> DeliverAsync(IReadOnlyList<MailboxInfo> boxes, byte[] content, DateTimeOffset? at = null, IReadOnlyList<OutboundRecipient>? remote = null) =>
        await Store.AcceptAsync(new AcceptedMessage(content, at ?? DateTimeOffset.UtcNow, MailAddress.Parse("jean.dupont@hopital.mssante.test"), [.. boxes.Select(b => b.Id)], remote ?? [], null, true), Ct);

    protected async Task<LocalDelivery> DeliverAsync(MailboxInfo box, byte[] content, DateTimeOffset? at = null) =>
        Assert.Single((await DeliverAsync([box], content, at)).Local);

    protected async Task<AppendResult> AppendAsync(FolderInfo folder, string subject, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        await Store.AppendAsync(folder.Id, [new AppendMessage(Message(subject), flags, keywords)], Ct);

    protected static async Task<MailException> Fails(MailError expected, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<MailException>(action);
        Assert.Equal(expected, ex.Error);
        return ex;
    }

    /// <summary>Sets a blob file's last-touched time in the past, as if it had been written long ago.</summary>
    protected void Age(string blobId, TimeSpan age) =>
        File.SetLastWriteTimeUtc(Blobs.PathOf(blobId), DateTime.UtcNow - age);

    protected int BlobFileCount() =>
        Directory.GetFiles(Path.Combine(Dir.FullName, "blobs"), "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(f).Length == 64 && !f.Contains(".trash", StringComparison.Ordinal));
}
