// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Storage.FileBlobs;
using Caducee.Storage.Postgres;
using Caducee.Storage.Sql;
using Caducee.Storage.Sqlite;

// The child of the crash test (tests/Caducee.Storage.Tests/CrashTests.cs, issue 4 point 4). It opens the
// store, makes sure the test's 4 mailboxes exist, prints READY, then starts COUNT deliveries of about
// 10 KB at once (each to one or two mailboxes) and prints, for each, one ACK line once AcceptAsync has
// returned — what an SMTP server does before its 250:
//   ACK RUN SEQ SHA256 SIZE BLOB MAILBOX:UID [MAILBOX:UID]
// then DONE. The test kills it with SIGKILL at a random point and checks the store.
//   CrashWorker sqlite DATABASE BLOBS KEYFILE RUN COUNT
//   CrashWorker postgres - BLOBS KEYFILE RUN COUNT      (connection string in CADUCEE_CRASH_CONNECTION)
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: CrashWorker sqlite|postgres DATABASE|- BLOBS KEYFILE RUN COUNT");
    return 2;
}

var (provider, database, blobDir, keyFile) = (args[0], args[1], args[2], args[3]);
var run = int.Parse(args[4], CultureInfo.InvariantCulture);
var count = int.Parse(args[5], CultureInfo.InvariantCulture);
var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
var keys = new Keyring(MasterKey.LoadOrCreate(keyFile));
var blobs = new FileBlobStore(blobDir, keys);
await using SqlMailStore store = provider == "postgres"
    ? new PostgresMailStore(Environment.GetEnvironmentVariable("CADUCEE_CRASH_CONNECTION") ?? throw new InvalidOperationException("CADUCEE_CRASH_CONNECTION is not set"), blobs, keys)
    : new SqliteMailStore(database, blobs, keys);
await store.MigrateAsync(CancellationToken.None);
await store.AddDomainAsync("crash.mssante.test", CancellationToken.None);
var boxes = new List<long>();
for (var i = 0; i < 4; i++)
{
    var address = MailAddress.Parse($"service{i}@crash.mssante.test");
    var box = await store.FindMailboxAsync(address, CancellationToken.None)
        ?? await store.CreateMailboxAsync(new NewMailbox(address, MailboxKind.Org, PrincipalRef.Structure("312345678900018")), CancellationToken.None);
    boxes.Add(box.Id);
}

output.WriteLine("READY " + string.Join(' ', boxes));
var sender = MailAddress.Parse("expediteur@autre.mssante.fr");
var deliveries = Enumerable.Range(0, count).Select(seq => Task.Run(async () =>
{
    var content = Content(run, seq);
    long[] targets = seq % 3 == 0 ? [boxes[seq % 4], boxes[(seq + 1) % 4]] : [boxes[seq % 4]];
    var result = await store.AcceptAsync(new AcceptedMessage(content, DateTimeOffset.UtcNow, sender, targets, [], null, true), CancellationToken.None);
    if (!result.AllLocalDelivered)
    {
        throw new InvalidOperationException("a delivery was refused: " + result.Local.First(l => !l.Delivered).Reason);
    }

    var line = string.Create(CultureInfo.InvariantCulture, $"ACK {run} {seq} {Convert.ToHexStringLower(SHA256.HashData(content))} {content.Length} {result.BlobId} {string.Join(' ', result.Local.Select(l => $"{l.MailboxId}:{l.Uid}"))}");
    lock (output)
    {
        output.WriteLine(line);
    }
})).ToList();
await Task.WhenAll(deliveries);
output.WriteLine("DONE");
return 0;

// About 10 KB, different for every (run, seq) so every delivery writes a new blob.
static byte[] Content(int run, int seq)
{
    var random = new Random((run * 100_003) + seq);
    var body = new StringBuilder();
    var lines = 120 + random.Next(0, 20);
    for (var l = 0; l < lines; l++)
    {
        body.Append(Convert.ToBase64String(RandomBytes(random, 57))).Append("\r\n");
    }

    return Encoding.ASCII.GetBytes(
        $"From: <expediteur@autre.mssante.fr>\r\nTo: <service@crash.mssante.test>\r\nSubject: Compte rendu {run}-{seq}\r\n" +
        $"Message-ID: <{run}.{seq}@crash.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n{body}");
}

static byte[] RandomBytes(Random random, int n)
{
    var bytes = new byte[n];
    random.NextBytes(bytes);
    return bytes;
}
