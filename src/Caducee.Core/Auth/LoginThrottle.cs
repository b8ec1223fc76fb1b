// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;

namespace Caducee.Core.Auth;

/// <summary>Failed-login counting with lockout, per account and per client address.</summary>
public sealed class LoginThrottle(TimeProvider clock, int maxFailures = 5, TimeSpan? lockout = null)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lockout = lockout ?? TimeSpan.FromMinutes(15);

    /// <summary>True when <paramref name="key"/> is locked out now.</summary>
    public bool IsLocked(string key) =>
        _entries.TryGetValue(key, out var e) && e.LockedUntil is { } until && until > clock.GetUtcNow();

    /// <summary>Counts a failure; locks the key after too many.</summary>
    public void RecordFailure(string key)
    {
        var now = clock.GetUtcNow();
        _entries.AddOrUpdate(
            key,
            _ => new Entry(1, null),
            (_, e) =>
            {
                if (e.LockedUntil is { } until && until <= now)
                {
                    e = new Entry(0, null);
                }

                var failures = e.Failures + 1;
                return new Entry(failures, failures >= maxFailures ? now + _lockout : e.LockedUntil);
            });
    }

    /// <summary>Forgets failures after a success.</summary>
    public void RecordSuccess(string key) => _entries.TryRemove(key, out _);

    private sealed record Entry(int Failures, DateTimeOffset? LockedUntil);
}
