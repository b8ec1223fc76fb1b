// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>GETMETADATA DEPTH (RFC 5464 §4.2.2).</summary>
public enum MetadataDepth
{
    /// <summary>"0": only the entries named.</summary>
    Zero,
    /// <summary>"1": and their children.</summary>
    One,
    /// <summary>"infinity": and all descendants.</summary>
    Infinity,
}

/// <summary>GETMETADATA (RFC 5464 §4.2): server ("" mailbox) or mailbox annotations.</summary>
/// <param name="Mailbox">The mailbox (decoded), "" for server metadata.</param>
/// <param name="Entries">Entry names ("/private/comment"), each starting with "/".</param>
/// <param name="MaxSize">MAXSIZE: larger values are not returned (LONGENTRIES response code).</param>
/// <param name="Depth">DEPTH.</param>
public sealed record GetMetadataCommand(string Mailbox, IReadOnlyList<string> Entries, long? MaxSize, MetadataDepth Depth) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "GETMETADATA";

    // getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
    // getmetadata-option = "MAXSIZE" SP number / "DEPTH" SP ("0" / "1" / "infinity") ; entries = entry / "(" entry *(SP entry) ")"
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        long? maxSize = null;
        var depth = MetadataDepth.Zero;
        if (r.Peek() is { Kind: Receiver.ImapTokenKind.List })
        {
            r.TryList("options", out var options);
            while (!options.AtEnd)
            {
                if (options.TryKeyword("MAXSIZE"))
                {
                    if (!options.TryNumber64("MAXSIZE", out var size))
                    {
                        return r.Error;
                    }

                    maxSize = size;
                }
                else if (options.TryKeyword("DEPTH"))
                {
                    depth = options.TryKeyword("0") ? MetadataDepth.Zero
                        : options.TryKeyword("1") ? MetadataDepth.One
                        : options.TryKeyword("INFINITY") ? MetadataDepth.Infinity
                        : (MetadataDepth)(-1);
                    if (depth < 0)
                    {
                        options.Fail("DEPTH must be 0, 1 or infinity");
                        return r.Error;
                    }
                }
                else
                {
                    options.Fail($"unknown option {options.Describe(options.Peek()!)} (expected MAXSIZE or DEPTH)");
                    return r.Error;
                }
            }
        }

        if (!r.TryMailbox("mailbox name", out var mailbox) || !r.TryListOrSingle("entries", out var items))
        {
            return r.Error;
        }

        var entries = new List<string>();
        while (!items.AtEnd)
        {
            if (!items.TryAstring("entry", out var entry))
            {
                return r.Error;
            }

            if (!MetadataEntry.IsValid(entry))
            {
                items.Fail($"entry names start with /private or /shared, got '{entry}'");
                return r.Error;
            }

            if (entries.Count >= r.Options.MaxItems)
            {
                items.Fail("too many entries");
                return r.Error;
            }

            entries.Add(entry);
        }

        if (entries.Count == 0)
        {
            r.Fail("at least one entry is needed");
            return r.Error;
        }

        return r.TryEnd() ? new GetMetadataCommand(mailbox, entries, maxSize, depth) { Tag = r.Tag } : r.Error;
    }
}

/// <summary>Metadata entry names (RFC 5464 §3.2).</summary>
public static class MetadataEntry
{
    /// <summary>An entry name: "/private/…" or "/shared/…" (or the bare roots), no "//", no trailing "/", no wildcards.</summary>
    public static bool IsValid(string entry)
    {
        var lower = entry.ToLowerInvariant();
        if (!(lower is "/private" or "/shared" || lower.StartsWith("/private/", StringComparison.Ordinal) || lower.StartsWith("/shared/", StringComparison.Ordinal)))
        {
            return false;
        }

        return !entry.Contains("//", StringComparison.Ordinal) && !entry.EndsWith('/') && entry.AsSpan().IndexOfAny('*', '%') < 0
            && !entry.Any(char.IsControl);
    }
}
