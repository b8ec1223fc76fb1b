// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.MsSante.Whitelist;

/// <summary>The list in force, when it was obtained, and its checksum.</summary>
public sealed record WhitelistSnapshot(WhitelistDocument Document, DateTimeOffset ObtainedAt, string Checksum);

/// <summary>What policies read: the list in force, or null when there is none usable (policies then answer 451).</summary>
public interface IWhitelistProvider
{
    WhitelistSnapshot? Current { get; }
}

/// <summary>
/// Holds the whitelist in force and its last good copy on disk (REQ-06). A new list is validated
/// completely before it replaces the old one in a single reference swap; a list that fails its checksum
/// or its format is never applied. A copy older than <see cref="MaxAge"/> is treated as unusable.
/// </summary>
public sealed class WhitelistStore : IWhitelistProvider
{
    private readonly string? _path;
    private readonly TimeProvider _clock;
    private volatile WhitelistSnapshot? _current;

    public WhitelistStore(string? lastGoodPath, TimeProvider? clock = null, TimeSpan? maxAge = null)
    {
        _path = lastGoodPath;
        _clock = clock ?? TimeProvider.System;
        MaxAge = maxAge ?? TimeSpan.FromDays(7);
    }

    /// <summary>How old the last good list may get before policies stop trusting it.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>The last error of an update attempt (null after a success).</summary>
    public string? LastError { get; private set; }

    /// <summary>When the last update was attempted.</summary>
    public DateTimeOffset? LastAttempt { get; private set; }

    public WhitelistSnapshot? Current
    {
        get
        {
            var snapshot = _current;
            return snapshot is not null && _clock.GetUtcNow() - snapshot.ObtainedAt <= MaxAge ? snapshot : null;
        }
    }

    /// <summary>The list held, however old (for `whitelist show`).</summary>
    public WhitelistSnapshot? Held => _current;

    /// <summary>Loads the last good copy kept on disk, if any. Returns false when there is none or it is unreadable.</summary>
    public bool LoadLastGood()
    {
        if (_path is null || !File.Exists(_path))
        {
            return false;
        }

        try
        {
            var bytes = File.ReadAllBytes(_path);
            var document = WhitelistXml.Parse(bytes);
            _current = new WhitelistSnapshot(document, new DateTimeOffset(File.GetLastWriteTimeUtc(_path), TimeSpan.Zero), WhitelistXml.Checksum(bytes));
            return true;
        }
        catch (WhitelistFormatException ex)
        {
            LastError = "last good copy unreadable: " + ex.Message;
            return false;
        }
    }

    /// <summary>
    /// Validates <paramref name="file"/> (checksum when given, then format) and applies it. On failure the
    /// list in force is kept and the reason returned.
    /// </summary>
    public string? TryApply(byte[] file, string? checksumFile)
    {
        LastAttempt = _clock.GetUtcNow();
        if (checksumFile is not null && !WhitelistXml.VerifyChecksum(file, checksumFile))
        {
            return Fail("checksum mismatch: the file does not match its published SHA-256; not applied");
        }

        WhitelistDocument document;
        try
        {
            document = WhitelistXml.Parse(file);
        }
        catch (WhitelistFormatException ex)
        {
            return Fail("invalid whitelist, not applied: " + ex.Message);
        }

        if (_path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            var temp = _path + ".tmp";
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                fs.Write(file);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
        }

        _current = new WhitelistSnapshot(document, _clock.GetUtcNow(), WhitelistXml.Checksum(file));
        LastError = null;
        return null;
    }

    /// <summary>Records a failed fetch (the list in force stays).</summary>
    public string Fail(string error)
    {
        LastAttempt = _clock.GetUtcNow();
        LastError = error;
        return error;
    }
}
