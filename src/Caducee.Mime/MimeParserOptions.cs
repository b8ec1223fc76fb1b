// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>
/// Limits that bound every read of the MIME parser (STYLE.md §4.2). Exceeding a limit records a
/// <see cref="MimeDefect"/> and stops descending; the parser never throws.
/// </summary>
public sealed record MimeParserOptions
{
    /// <summary>The defaults: depth 64, 10 000 parts, 1 000 headers per part, 256 KiB header block, 64 KiB lines.</summary>
    public static MimeParserOptions Default { get; } = new();

    /// <summary>Maximum nesting of multiparts and encapsulated messages; deeper entities become leaves.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Maximum number of parts in one message, the root included.</summary>
    public int MaxParts { get; init; } = 10_000;

    /// <summary>Maximum number of header fields recorded per part; further fields are skipped.</summary>
    public int MaxHeadersPerPart { get; init; } = 1_000;

    /// <summary>Maximum size in bytes of one header block; past it the block is cut and the rest is body.</summary>
    public int MaxHeaderBlockBytes { get; init; } = 256 * 1024;

    /// <summary>Maximum length of one header line (and of a boundary line) in bytes.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;
}
