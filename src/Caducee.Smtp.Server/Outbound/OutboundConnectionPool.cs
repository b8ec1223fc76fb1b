// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Routing;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>
/// Keeps sessions with peer MXs open between messages (connection reuse per destination): a session given
/// back after a transaction waits idle, keyed by its route, and the next message for that route takes it
/// (its transaction starts with RSET, which also proves the peer still listens). Idle sessions are closed
/// with QUIT after <c>idleTimeout</c>, and a session that has carried <c>maxTransactions</c> is closed
/// rather than kept. Thread-safe.
/// </summary>
public sealed class OutboundConnectionPool(SmtpClientConnection client, TimeProvider clock, TimeSpan idleTimeout, int maxTransactions, int maxIdlePerRoute = 4) : IAsyncDisposable
{
    private readonly Dictionary<Route, List<OutboundSession>> _idle = [];
    private readonly Lock _lock = new();
    private int _opened;
    private int _reused;

    /// <summary>Sessions opened since start (tests and logs: connection reuse is visible).</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Times an idle session was taken again instead of opening one.</summary>
    public int Reused => Volatile.Read(ref _reused);

    /// <summary>Idle sessions held now.</summary>
    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>
    /// A session to the first of <paramref name="candidates"/> that works: an idle one when there is one (in the
    /// candidates' order), else a new one, trying each candidate in turn (MX preference, then addresses). When
    /// none can be opened, the last failure.
    /// </summary>
    public async Task<OpenResult> RentAsync(IReadOnlyList<Route> candidates, CancellationToken cancellationToken)
    {
        foreach (var route in candidates)
        {
            var (idle, stale) = TakeIdle(route);
            foreach (var s in stale)
            {
                await s.QuitAsync().ConfigureAwait(false);
            }

            if (idle is not null)
            {
                Interlocked.Increment(ref _reused);
                return new OpenResult(idle, null);
            }
        }

        return await OpenAsync(candidates, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new session, never an idle one (after a reused session was found closed).</summary>
    public async Task<OpenResult> OpenAsync(IReadOnlyList<Route> candidates, CancellationToken cancellationToken)
    {
        SmtpReply? failure = null;
        foreach (var route in candidates)
        {
            var opened = await client.OpenAsync(route, cancellationToken).ConfigureAwait(false);
            if (opened.Session is not null)
            {
                Interlocked.Increment(ref _opened);
                return opened;
            }

            failure = opened.Failure;
        }

        return new OpenResult(null, failure ?? new SmtpReply(451, "4.4.4", "No route to try"));
    }

    /// <summary>Gives a session back after a transaction: kept idle when still usable, else closed.</summary>
    public async Task ReturnAsync(OutboundSession session)
    {
        session.LastUsed = clock.GetUtcNow();
        if (!session.Broken && session.Transactions < maxTransactions && idleTimeout > TimeSpan.Zero)
        {
            lock (_lock)
            {
                if (!_idle.TryGetValue(session.Route, out var list))
                {
                    _idle[session.Route] = list = [];
                }

                if (list.Count < maxIdlePerRoute)
                {
                    list.Add(session);
                    return;
                }
            }
        }

        await session.QuitAsync().ConfigureAwait(false);
    }

    /// <summary>Closes (QUIT) the sessions idle for longer than the idle timeout, and those the peer has closed.</summary>
    public async Task SweepAsync()
    {
        var now = clock.GetUtcNow();
        var expired = new List<OutboundSession>();
        lock (_lock)
        {
            foreach (var (route, list) in _idle.ToList())
            {
                expired.AddRange(list.Where(s => now - s.LastUsed >= idleTimeout || s.LooksClosed));
                list.RemoveAll(expired.Contains);
                if (list.Count == 0)
                {
                    _idle.Remove(route);
                }
            }
        }

        foreach (var session in expired)
        {
            await session.QuitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>When the next idle session expires (the runner wakes up then to close it), or null when none is idle.</summary>
    public DateTimeOffset? NextExpiry()
    {
        lock (_lock)
        {
            var all = _idle.Values.SelectMany(l => l).ToList();
            return all.Count == 0 ? null : all.Min(s => s.LastUsed) + idleTimeout;
        }
    }

    private (OutboundSession? Found, List<OutboundSession> Stale) TakeIdle(Route route)
    {
        var stale = new List<OutboundSession>();
        OutboundSession? found = null;
        lock (_lock)
        {
            if (_idle.TryGetValue(route, out var list))
            {
                var now = clock.GetUtcNow();
                while (list.Count > 0 && found is null)
                {
                    // The most recently used first: the least likely to have been closed by the peer.
                    var candidate = list[^1];
                    list.RemoveAt(list.Count - 1);
                    if (now - candidate.LastUsed < idleTimeout && !candidate.LooksClosed)
                    {
                        found = candidate;
                    }
                    else
                    {
                        stale.Add(candidate);
                    }
                }

                if (list.Count == 0)
                {
                    _idle.Remove(route);
                }
            }
        }

        return (found, stale);
    }

    public async ValueTask DisposeAsync()
    {
        List<OutboundSession> all;
        lock (_lock)
        {
            all = [.. _idle.Values.SelectMany(l => l)];
            _idle.Clear();
        }

        await Task.WhenAll(all.Select(s => s.QuitAsync())).ConfigureAwait(false);
    }
}
