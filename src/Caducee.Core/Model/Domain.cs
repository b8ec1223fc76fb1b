// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Model;

/// <summary>
/// Per-domain settings (REQ-42: retention is configurable per domain). Null means "no limit": keep messages
/// forever, no default quota.
/// </summary>
public sealed record DomainSettings(int? RetentionDays, long? DefaultQuotaStorage, long? DefaultQuotaMessages)
{
    public static readonly DomainSettings Default = new(null, null, null);
}

/// <summary>A domain hosted by this node, with its settings and the id of its current data key.</summary>
public sealed record DomainInfo(string Name, DomainSettings Settings, int CurrentKeyId, DateTimeOffset CreatedAt);
