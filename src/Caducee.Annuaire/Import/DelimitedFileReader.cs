// SPDX-License-Identifier: AGPL-3.0-or-later
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;

namespace Caducee.Annuaire.Import;

/// <summary>
/// Reads a national extraction file line by line, plain or zipped, UTF-8 or Latin-1. The encoding is
/// detected on the first megabyte: a UTF-8 BOM or a valid UTF-8 prefix containing non-ASCII bytes means
/// UTF-8; invalid UTF-8 means Latin-1 (old extractions, MSSANTE-SPEC §3.3); pure ASCII is read as UTF-8.
/// </summary>
internal sealed class DelimitedFileReader : IDisposable
{
    private const int SniffBytes = 1 << 20;

    private readonly ZipArchive? _zip;
    private readonly CountingStream _counting;
    private readonly StreamReader _reader;
    private int _lineNumber;

    private DelimitedFileReader(string displayName, ZipArchive? zip, Stream raw, long totalBytes)
    {
        DisplayName = displayName;
        _zip = zip;
        TotalBytes = totalBytes;
        var sniff = new byte[SniffBytes];
        var read = ReadFully(raw, sniff);
        Encoding = Detect(sniff.AsSpan(0, read));
        _counting = new CountingStream(sniff, read, raw);
        _reader = new StreamReader(_counting, Encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        if (read >= 3 && sniff[0] == 0xEF && sniff[1] == 0xBB && sniff[2] == 0xBF)
        {
            _reader.Read(); // skip the BOM character
        }
    }

    /// <summary>File name as reported in errors ("archive.zip!entry.txt" for a zipped file).</summary>
    public string DisplayName { get; }

    public Encoding Encoding { get; }

    public long TotalBytes { get; }

    public long BytesRead => _counting.Count;

    public int LineNumber => _lineNumber;

    /// <summary>Opens <paramref name="path"/>; for a ZIP, takes the entry whose name starts with <paramref name="entryPrefix"/>.</summary>
    public static DelimitedFileReader Open(string path, string entryPrefix)
    {
        var name = Path.GetFileName(path);
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var zip = ZipFile.OpenRead(path);
            try
            {
                var entry = zip.Entries.FirstOrDefault(e => e.Name.StartsWith(entryPrefix, StringComparison.OrdinalIgnoreCase))
                    ?? (zip.Entries.Count == 1 ? zip.Entries[0] : null)
                    ?? throw new DirectoryImportException(new ImportError(name, 0, 0, null, $"no entry starting with '{entryPrefix}' in the archive"));
                return new DelimitedFileReader(name + "!" + entry.FullName, zip, entry.Open(), entry.Length);
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new DelimitedFileReader(name, null, stream, stream.Length);
    }

    /// <summary>Reads the next line (without its end of line); false at the end of the file.</summary>
    public bool TryReadLine(out string line)
    {
        var next = _reader.ReadLine();
        if (next is null)
        {
            line = string.Empty;
            return false;
        }

        _lineNumber++;
        line = next;
        return true;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _zip?.Dispose();
    }

    internal static Encoding Detect(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith("\xEF\xBB\xBF"u8))
        {
            return s_utf8;
        }

        var hasHighBytes = sample.IndexOfAnyExceptInRange((byte)0, (byte)127) >= 0;
        if (!hasHighBytes)
        {
            return s_utf8;
        }

        // The sample may end inside a multi-byte sequence: validate up to the last line feed.
        var end = sample.LastIndexOf((byte)'\n');
        var complete = end > 0 ? sample[..end] : sample;
        return Utf8.IsValid(complete) ? s_utf8 : Encoding.Latin1;
    }

    private static readonly Encoding s_utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Replays the sniffed prefix, then the rest of the underlying stream, counting the bytes read (progress).</summary>
    private sealed class CountingStream(byte[] prefix, int prefixLength, Stream inner) : Stream
    {
        private int _position;

        public long Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            if (_position < prefixLength)
            {
                n = Math.Min(buffer.Length, prefixLength - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
            }
            else
            {
                n = inner.Read(buffer);
            }

            Count += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
