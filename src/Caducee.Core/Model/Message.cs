// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Model;

/// <summary>IMAP system flags (RFC 9051 §2.3.2), stored as a bit set.</summary>
[Flags]
public enum MessageFlags
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}

/// <summary>A message in a folder: what IMAP needs without reading the blob.</summary>
public sealed record MessageSummary(
    long Uid,
    long ModSeq,
    MessageFlags Flags,
    long Size,
    DateTimeOffset InternalDate,
    string BlobId);
