// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>Encryption at rest and key rotation (issue 4 point 2).</summary>
public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Subjects_and_bodies_are_encrypted_at_rest_and_blob_names_reveal_nothing()
    {
        var box = await NewBoxAsync("a");
        var content = Message("Compte rendu opératoire de Mme Jeanne DUPONTEL", body: "Hémoglobine 13,2 g/dL — suivi cardiologique\r\n", to: "Mme Jeanne DUPONTEL <j.dupontel@patient.mssante.fr>");
        var delivered = await DeliverAsync([box], content);
        var views = (await Store.GetMessagesAsync((await FolderAsync(box)).Id, [1], withViews: true, Ct))[0].Views!;
        Assert.Equal("Compte rendu opératoire de Mme Jeanne DUPONTEL", views.Subject); // the views are stored…
        Assert.Equal("j.dupontel@patient.mssante.fr", views.To!.Address);

        var database = RawDatabaseBytes(); // …but not readable on disk
        var blob = await File.ReadAllBytesAsync(Blobs.PathOf(delivered.BlobId));
        foreach (var secret in new[] { "DUPONTEL", "Jeanne", "opératoire", "moglobine", "dupontel@patient" })
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            Assert.True(database.AsSpan().IndexOf(bytes) < 0, $"'{secret}' found in the database file");
            Assert.True(blob.AsSpan().IndexOf(bytes) < 0, $"'{secret}' found in the blob file");
        }

        Assert.True(database.Length > 4096);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(content)), delivered.BlobId); // a keyed name, not a plain hash
        Assert.Equal(content, await Blobs.ReadAsync(delivered.BlobId, Ct));
    }

    [Fact]
    public async Task Rotating_a_domain_key_encrypts_new_content_with_it_and_old_content_stays_readable()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var before = (await Store.GetDomainAsync(Domain, Ct))!.CurrentKeyId;
        var old = await DeliverAsync([box], Message("avant rotation"));

        var rotated = await Store.RotateDomainKeyAsync(Domain, Ct);
        Assert.NotEqual(before, rotated);
        Assert.Equal(rotated, (await Store.GetDomainAsync(Domain, Ct))!.CurrentKeyId);
        var other = (await Store.GetDomainAsync(OtherDomain, Ct))!.CurrentKeyId;
        var fresh = await DeliverAsync([box], Message("après rotation"));

        Assert.Equal(before, KeyIdOf(old.BlobId));
        Assert.Equal(rotated, KeyIdOf(fresh.BlobId));
        await ReopenAsync();
        var messages = await Store.GetMessagesAsync(inbox.Id, [1, 2], withViews: true, Ct);
        Assert.Equal(["avant rotation", "après rotation"], messages.Select(m => m.Views!.Subject));
        Assert.Equal("avant rotation", Encoding.UTF8.GetString(await Blobs.ReadAsync(old.BlobId, Ct)).Split("Subject: ")[1].Split("\r\n")[0]);
        Assert.Equal(other, (await Store.GetDomainAsync(OtherDomain, Ct))!.CurrentKeyId); // other domains keep theirs
        await Fails(MailError.NotFound, () => Store.RotateDomainKeyAsync("nowhere.test", Ct));
    }

    [Fact]
    public async Task Rotating_the_master_key_rewraps_the_data_keys_and_all_content_stays_readable()
    {
        var box = await NewBoxAsync("a");
        var inbox = await FolderAsync(box);
        var old = await DeliverAsync([box], Message("sous l'ancienne clé"));
        var oldMaster = Master;
        var newMaster = MasterKey.Generate();

        await Store.RotateMasterKeyAsync(newMaster, Ct);
        var fresh = await DeliverAsync([box], Message("sous la nouvelle clé"));
        Assert.Equal(KeyIdOf(old.BlobId), KeyIdOf(fresh.BlobId)); // no content key changed, no content rewritten
        Assert.True(await Store.MasterKeyMatchesAsync(newMaster, Ct));
        Assert.False(await Store.MasterKeyMatchesAsync(oldMaster, Ct));

        await ReopenAsync(newMaster);
        var messages = await Store.GetMessagesAsync(inbox.Id, [1, 2], withViews: true, Ct);
        Assert.Equal(["sous l'ancienne clé", "sous la nouvelle clé"], messages.Select(m => m.Views!.Subject));
        Assert.NotEmpty(await Blobs.ReadAsync(old.BlobId, Ct));
        Assert.NotEmpty(await Blobs.ReadAsync(fresh.BlobId, Ct));

        // The old master key no longer opens the store, and says so.
        var ex = await Fails(MailError.NotPossible, () => OpenAsync(oldMaster));
        Assert.Contains("master key does not match", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The data key id recorded in a blob file ("CDB2" then the id, big-endian).</summary>
    private int KeyIdOf(string blobId)
    {
        var bytes = File.ReadAllBytes(Blobs.PathOf(blobId));
        Assert.Equal("CDB2"u8.ToArray(), bytes[..4]);
        return BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
    }
}
