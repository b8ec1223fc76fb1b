// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using Caducee.Imap.Server.Session;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Tests;

/// <summary>The spool of large APPEND literals (ADR 0008): exact round trip in any chunking, sealed on disk, gone when closed.</summary>
public sealed class SpoolSinkTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-spool-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(300_001)]
    public void Bytes_written_in_any_pieces_come_back_exactly(int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        using var sink = new SpoolSink(_dir.FullName);
        var random = new Random(size);
        for (var offset = 0; offset < size;)
        {
            var n = Math.Min(size - offset, random.Next(1, 70_000));
            sink.Write(data.AsSpan(offset, n));
            offset += n;
        }

        Assert.Equal(size, sink.Length);
        Assert.Equal(data, sink.ReadAll());
    }

    [Fact]
    public void The_file_holds_no_clear_text_and_an_altered_file_is_refused()
    {
        var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Patient DUPONT, diagnostic confidentiel. ", 5000)));
        using var sink = new SpoolSink(_dir.FullName);
        sink.Write(text);
        var file = Assert.Single(_dir.GetFiles());
        byte[] stored;
        using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            stored = new byte[stream.Length];
            stream.ReadExactly(stored);
            Assert.Equal(-1, stored.AsSpan().IndexOf("DUPONT"u8));
            stream.Position = 10;
            stream.WriteByte((byte)(stored[10] ^ 1));
        }

        var error = Assert.Throws<MailException>(() => sink.ReadAll());
        Assert.Equal(MailError.InvalidData, error.Error);
    }

    [Fact]
    public void Abort_deletes_the_file()
    {
        var sink = new SpoolSink(_dir.FullName);
        sink.Write(new byte[100_000]);
        Assert.Single(_dir.GetFiles());
        sink.Abort();
        Assert.Empty(_dir.GetFiles());
        Assert.Throws<ObjectDisposedException>(() => sink.Write(new byte[1]));
    }
}
