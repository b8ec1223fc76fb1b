// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using System.Text;

namespace Caducee.Mime;

/// <summary>
/// Charset names to .NET encodings, with every code page .NET knows (CodePagesEncodingProvider,
/// registered once here) and the usual aliases. Never throws on an unknown name.
/// </summary>
public static class Charsets
{
    private const int MaxCacheEntries = 512;
    private static readonly ConcurrentDictionary<string, Encoding?> s_cache = new(StringComparer.OrdinalIgnoreCase);

    static Charsets()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
    }

    /// <summary>Windows-1252, the fallback for undeclared 8-bit text that is not UTF-8.</summary>
    public static Encoding Windows1252 { get; }

    /// <summary>Looks up a MIME charset name; returns null when .NET knows no such charset.</summary>
    public static Encoding? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64)
        {
            return null;
        }

        if (s_cache.TryGetValue(name, out Encoding? cached))
        {
            return cached;
        }

        Encoding? e = Lookup(name.Trim().Trim('"', '\'').ToLowerInvariant());
        if (s_cache.Count < MaxCacheEntries)
        {
            s_cache.TryAdd(name, e);
        }

        return e;
    }

    private static Encoding? Lookup(string n)
    {
        switch (n)
        {
            case "utf-8" or "utf8" or "x-utf-8" or "unicode-1-1-utf-8":
                return Encoding.UTF8;
            case "us-ascii" or "ascii" or "ansi_x3.4-1968" or "iso646-us" or "us":
                return Encoding.ASCII;
            case "iso-8859-1" or "iso8859-1" or "iso_8859-1" or "latin1" or "latin-1" or "l1" or "iso-ir-100" or "cp819" or "iso_8859-1:1987":
                return Encoding.Latin1;
            case "utf-16" or "utf16":
                return Encoding.Unicode;
            case "utf-16le" or "ucs-2" or "ucs-2le":
                return Encoding.Unicode;
            case "utf-16be" or "ucs-2be":
                return Encoding.BigEndianUnicode;
            case "utf-32" or "utf-32le":
                return Encoding.UTF32;
            case "utf-32be":
                return new UTF32Encoding(bigEndian: true, byteOrderMark: false);
            case "utf-7" or "utf7" or "unicode-1-1-utf-7":
                return null;
            case "x-unknown" or "unknown-8bit" or "unknown" or "x-user-defined" or "default" or "charset":
                return null;
            case "ks_c_5601-1987" or "ks_c_5601" or "ksc5601":
                return CodePagesEncodingProvider.Instance.GetEncoding(949);
            case "cp1252" or "windows1252":
                return Windows1252;
            case "iso8859-15" or "iso_8859-15" or "latin9" or "latin-9":
                return CodePagesEncodingProvider.Instance.GetEncoding("iso-8859-15");
            default:
                break;
        }

        if (n.StartsWith("cp", StringComparison.Ordinal) && int.TryParse(n.AsSpan(2), out int cp) && cp > 0 && cp < 65536)
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(cp);
        }

        if (n.StartsWith("iso8859-", StringComparison.Ordinal) || n.StartsWith("iso_8859-", StringComparison.Ordinal))
        {
            n = "iso-8859-" + n[(n.IndexOf('-', StringComparison.Ordinal) + 1)..];
        }

        return CodePagesEncodingProvider.Instance.GetEncoding(n);
    }

    /// <summary>
    /// Decodes text bytes with the declared charset. Fallbacks: an unknown or missing charset, or 8-bit
    /// bytes declared us-ascii, are read as UTF-8 when valid and as Windows-1252 otherwise.
    /// </summary>
    public static string DecodeText(ReadOnlySpan<byte> bytes, string? charset)
    {
        Encoding? e = Find(charset);
        if (e is null || e.CodePage == Encoding.ASCII.CodePage)
        {
            if (!bytes.ContainsAnyExceptInRange((byte)0, (byte)0x7F))
            {
                return Encoding.ASCII.GetString(bytes);
            }

            return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Windows1252.GetString(bytes);
        }

        if (e.CodePage == Encoding.UTF8.CodePage && bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            bytes = bytes[3..];
        }

        return e.GetString(bytes);
    }
}
