// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Model;

/// <summary>Quota limits (RFC 9208 STORAGE in bytes and MESSAGE count); null means no limit / inherit.</summary>
public sealed record QuotaLimits(long? StorageBytes, long? Messages)
{
    public static readonly QuotaLimits None = new(null, null);
}

/// <summary>
/// A mailbox's quota: usage (kept transactionally with every delivery, append, copy and expunge) and the
/// effective limits (the mailbox's own, else the domain's defaults; null = unlimited).
/// </summary>
public sealed record QuotaUsage(long StorageBytes, long Messages, long? StorageLimit, long? MessageLimit);
