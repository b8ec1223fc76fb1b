// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>Queue behaviour: how long to keep trying, how fast to retry, when to warn, how to reuse connections (<c>Queue:*</c>).</summary>
public sealed record QueueOptions
{
    /// <summary>How long a message is retried before it bounces (RFC 5321 §4.5.4.1: at least 4–5 days).</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromDays(5);

    /// <summary>First retry delay; doubles each attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// After how long in the queue a recipient still deferred gets one delay notice (RFC 3464 <c>action=delayed</c>),
    /// when its NOTIFY includes DELAY or was not given (RFC 3461 §4.1). Zero: never.
    /// </summary>
    public TimeSpan DelayNotice { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long a claimed recipient is reserved for one runner (another node's runner takes it after that).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The name of this node's runner in the leases it takes. At start the runner frees the leases under this name
    /// (left by a run that was killed), so messages in flight at a crash are retried at once; each node sharing a
    /// database must have its own name.
    /// </summary>
    public string NodeId { get; init; } = Environment.MachineName;

    /// <summary>How often the queue is polled when nothing signals new work.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Queue items (a message's recipients for one domain) claimed per pass.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Destinations served at the same time.</summary>
    public int MaxParallelDestinations { get; init; } = 8;

    /// <summary>Sessions opened at the same time to one destination (one more per <see cref="MessagesPerConnection"/> messages waiting).</summary>
    public int MaxConnectionsPerDestination { get; init; } = 4;

    /// <summary>Messages waiting for a destination that justify one more parallel session to it.</summary>
    public int MessagesPerConnection { get; init; } = 10;

    /// <summary>How long a session stays open, idle, for the next message to its destination. Zero: no reuse between passes.</summary>
    public TimeSpan ConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Transactions carried by one session before it is closed and a new one opened.</summary>
    public int MaxTransactionsPerConnection { get; init; } = 100;
}

/// <summary>
/// Delivers queued messages to other operators: checks the trust space at relay time, resolves the route
/// (static table, then DNS MX), relays with mutual TLS over sessions reused per destination, records each
/// recipient's outcome, retries with exponential backoff up to the lifetime, and reports to the sender as
/// NOTIFY asks (RFC 3461): failures (bounces), one delay notice, and "relayed" when the peer does not offer
/// DSN (when it does, NOTIFY/ORCPT/ENVID/RET are passed on and the peer reports). Nothing leaves the queue
/// without a final outcome.
/// </summary>
public sealed class QueueRunner : IAsyncDisposable
{
    private readonly SmtpServices _services;
    private readonly IRouteResolver _routes;
    private readonly QueueOptions _options;
    private readonly string _hostName;
    private readonly Func<string, bool> _isLocalDomain;
    private readonly ILogger _logger;

    public QueueRunner(SmtpServices services, IRouteResolver routes, SmtpClientConnection client, QueueOptions options, string hostName, Func<string, bool> isLocalDomain)
    {
        _services = services;
        _routes = routes;
        _options = options;
        _hostName = hostName;
        _isLocalDomain = isLocalDomain;
        _logger = services.LoggerFactory.CreateLogger("Caducee.Queue");
        Connections = new OutboundConnectionPool(client, services.Clock, options.ConnectionIdleTimeout, options.MaxTransactionsPerConnection, options.MaxConnectionsPerDestination);
    }

    /// <summary>The sessions kept open between messages.</summary>
    public OutboundConnectionPool Connections { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReleaseOwnLeasesAsync(cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var processed = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                    await Connections.SweepAsync().ConfigureAwait(false);
                    if (processed == 0)
                    {
                        // Wake up for new work, for the next poll, or to close an idle session in time.
                        var wait = _options.PollInterval;
                        if (Connections.NextExpiry() is { } expiry)
                        {
                            var untilExpiry = expiry - _services.Clock.GetUtcNow();
                            wait = untilExpiry < wait ? (untilExpiry < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : untilExpiry) : wait;
                        }

                        await _services.QueueSignal.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Log.QueueRunnerFailed(_logger, ex);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            await Connections.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Takes back the leases a previous run of this node left (killed while delivering): they are due again now.</summary>
    public async Task ReleaseOwnLeasesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var freed = await _services.Queue.ReleaseLeasesAsync(_options.NodeId, cancellationToken).ConfigureAwait(false);
                if (freed > 0)
                {
                    Log.LeasesReleased(_logger, freed, _options.NodeId);
                }

                return;
            }
            catch (MailException ex) when (ex.Error == MailError.Temporary)
            {
                Log.QueueRunnerFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Processes what is due now; returns how many queue items were handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _services.Clock.GetUtcNow();
        var items = await _services.Queue.ClaimDueAsync(now, now + _options.Lease, _options.BatchSize, cancellationToken, _options.NodeId).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return 0;
        }

        using var parallel = new SemaphoreSlim(Math.Max(1, _options.MaxParallelDestinations));
        var tasks = items.GroupBy(i => i.Domain, StringComparer.OrdinalIgnoreCase).Select(async group =>
        {
            await parallel.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await ProcessDestinationAsync(group.Key, [.. group], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                parallel.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return items.Count;
    }

    /// <summary>Every item for one domain: one trust check, one route lookup, then the messages over as few sessions as needed.</summary>
    private async Task ProcessDestinationAsync(string domain, List<QueueItem> items, CancellationToken cancellationToken)
    {
        var verdict = await _services.Policy.OnOutboundAsync(domain, cancellationToken).ConfigureAwait(false);
        if (verdict.IsRefusal)
        {
            foreach (var item in items)
            {
                await CompleteAsync(item, OutboundSession.All(item.Recipients, verdict.Reply!), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var lookup = await _routes.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (lookup.Failure != RouteFailure.None)
        {
            var reply = RouteFailureReply(domain, lookup);
            foreach (var item in items)
            {
                await CompleteAsync(item, OutboundSession.All(item.Recipients, reply), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var pending = new ConcurrentQueue<QueueItem>(items);
        var perConnection = Math.Max(1, _options.MessagesPerConnection);
        var workers = Math.Clamp((items.Count + perConnection - 1) / perConnection, 1, Math.Max(1, _options.MaxConnectionsPerDestination));
        var openFailure = new StrongBox<SmtpReply?>();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(lookup.Routes, pending, openFailure, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>One session's worth of work: takes items for the destination until none is left, reusing its session.</summary>
    private async Task WorkAsync(IReadOnlyList<Route> routes, ConcurrentQueue<QueueItem> pending, StrongBox<SmtpReply?> openFailure, CancellationToken cancellationToken)
    {
        OutboundSession? session = null;
        try
        {
            while (pending.TryDequeue(out var item))
            {
                if (Volatile.Read(ref openFailure.Value) is { } failed)
                {
                    // The destination could not be reached in this pass: the rest waits for the next attempt.
                    await CompleteAsync(item, OutboundSession.All(item.Recipients, failed), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                ReadOnlyMemory<byte> message;
                try
                {
                    message = await _services.Blobs.ReadAsync(item.BlobId, cancellationToken).ConfigureAwait(false);
                }
                catch (MailException ex)
                {
                    await CompleteAsync(item, OutboundSession.All(item.Recipients, SmtpErrorMapping.ToSmtpReply(MailError.Temporary, "Queued message unreadable: " + ex.Message)), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var envelope = new OutboundEnvelope(item.Sender, item.Recipients, item.EnvelopeId, item.ReturnFullMessage);
                RelayResult? result = null;
                for (var attempt = 0; result is null; attempt++)
                {
                    if (session is null)
                    {
                        var opened = attempt == 0
                            ? await Connections.RentAsync(routes, cancellationToken).ConfigureAwait(false)
                            : await Connections.OpenAsync(routes, cancellationToken).ConfigureAwait(false);
                        if (opened.Session is null)
                        {
                            Volatile.Write(ref openFailure.Value, opened.Failure);
                            result = OutboundSession.All(item.Recipients, opened.Failure!);
                            break;
                        }

                        session = opened.Session;
                    }

                    try
                    {
                        result = await session.SendAsync(envelope, message, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OutboundSessionLostException ex) when (attempt == 0)
                    {
                        // A reused session the peer had closed: nothing was accepted, send again on a new one.
                        Log.SessionReopened(_logger, item.QueueId, session.Route.Host, session.Route.Port, ex.Message);
                        await session.DisposeAsync().ConfigureAwait(false);
                        session = null;
                    }
                    catch (OutboundSessionLostException ex)
                    {
                        await session.DisposeAsync().ConfigureAwait(false);
                        session = null;
                        result = OutboundSession.All(item.Recipients, new SmtpReply(451, "4.4.2", ex.Message));
                    }
                }

                if (session is { Broken: true })
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                    session = null;
                }
                else if (session is not null && session.Transactions >= _options.MaxTransactionsPerConnection)
                {
                    await session.QuitAsync().ConfigureAwait(false);
                    session = null;
                }

                await CompleteAsync(item, result, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (session is not null)
            {
                await Connections.ReturnAsync(session).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Records each recipient's outcome and sends the reports NOTIFY asks for.</summary>
    private async Task CompleteAsync(QueueItem item, RelayResult result, CancellationToken cancellationToken)
    {
        var now = _services.Clock.GetUtcNow();
        var age = now - item.CreatedAt;
        var expired = age >= _options.MaxLifetime;
        var retryUntil = item.CreatedAt + _options.MaxLifetime;
        var attempts = new List<DeliveryAttempt>();
        var failures = new List<ReportedRecipient>();
        var delays = new List<ReportedRecipient>();
        var relayed = new List<ReportedRecipient>();
        foreach (var r in item.Recipients)
        {
            var notify = r.Recipient.Notify;
            var reply = result.PerRecipient.TryGetValue(r.Id, out var rr) ? rr : new SmtpReply(451, "4.3.0", "no reply recorded");
            if (reply.IsPositive)
            {
                attempts.Add(new DeliveryAttempt(r.Id, DeliveryOutcome.Delivered, reply.ToString(), null));
                if (!result.PeerOffersDsn && Wants(notify, NotifyOn.Success))
                {
                    // RFC 3461 §6.2.1: the next hop does not offer DSN, so we report "relayed" ourselves.
                    relayed.Add(new ReportedRecipient(r.Recipient.Address, r.Recipient.OriginalRecipient, DsnAction.Relayed, reply, result.RemoteMta));
                }
            }
            else if (reply.IsPermanent || expired)
            {
                attempts.Add(new DeliveryAttempt(r.Id, DeliveryOutcome.Failed, reply.ToString(), null));
                if (notify == NotifyOn.Default || Wants(notify, NotifyOn.Failure))
                {
                    var finalReply = expired && !reply.IsPermanent ? new SmtpReply(550, "5.4.7", $"Delivery time expired; last error: {reply}") : reply;
                    failures.Add(new ReportedRecipient(r.Recipient.Address, r.Recipient.OriginalRecipient, DsnAction.Failed, finalReply, result.RemoteMta));
                }
            }
            else
            {
                var notice = !r.DelayNotified && _options.DelayNotice > TimeSpan.Zero && age >= _options.DelayNotice &&
                             (notify == NotifyOn.Default || Wants(notify, NotifyOn.Delay));
                if (notice)
                {
                    delays.Add(new ReportedRecipient(r.Recipient.Address, r.Recipient.OriginalRecipient, DsnAction.Delayed, reply, result.RemoteMta, retryUntil));
                }

                var next = now + Backoff(r.Attempts);
                attempts.Add(new DeliveryAttempt(r.Id, DeliveryOutcome.Deferred, reply.ToString(), next < retryUntil ? next : retryUntil, notice));
            }
        }

        // Reports first, then the record: a crash in between repeats an attempt (and maybe a report), never loses one.
        if (item.Sender is not null)
        {
            await NotifyAsync(item, failures, "failure", item.ReturnFullMessage, cancellationToken).ConfigureAwait(false);
            await NotifyAsync(item, delays, "delay", false, cancellationToken).ConfigureAwait(false);
            await NotifyAsync(item, relayed, "relayed", false, cancellationToken).ConfigureAwait(false);
        }

        await _services.Queue.RecordAsync(item.Id, attempts, cancellationToken).ConfigureAwait(false);
        foreach (var group in attempts.GroupBy(a => a.Outcome))
        {
            Log.DeliveryAttempted(_logger, item.QueueId, item.Domain, group.Key.ToString(), group.Count(), group.First().Detail);
        }
    }

    /// <summary>NOTIFY=NEVER excludes everything (RFC 3461 §4.1).</summary>
    private static bool Wants(NotifyOn notify, NotifyOn what) => (notify & NotifyOn.Never) == 0 && (notify & what) != 0;

    private async Task NotifyAsync(QueueItem item, List<ReportedRecipient> recipients, string kind, bool returnFull, CancellationToken cancellationToken)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        var original = await _services.Blobs.ReadAsync(item.BlobId, cancellationToken).ConfigureAwait(false);
        var id = await Bouncer.BounceAsync(_services, _hostName, _isLocalDomain, item.Sender!, item.EnvelopeId, item.CreatedAt, recipients, original, returnFull, cancellationToken).ConfigureAwait(false);
        if (id is not null)
        {
            Log.NotificationQueued(_logger, item.QueueId, kind, id);
        }
    }

    private static SmtpReply RouteFailureReply(string domain, RouteLookup lookup) => lookup.Failure switch
    {
        // RFC 3463: X.1.2 bad destination system address; RFC 7505 §4.2: 556 5.1.10 for a null MX.
        RouteFailure.NotFound => new SmtpReply(550, "5.1.2", $"Domain {domain} cannot receive mail: {lookup.Detail}"),
        RouteFailure.NullMx => new SmtpReply(556, "5.1.10", $"Domain {domain} accepts no mail (null MX, RFC 7505)"),
        RouteFailure.Temporary => new SmtpReply(451, "4.4.3", $"Cannot resolve the mail servers of {domain} now: {lookup.Detail}"),
        _ => new SmtpReply(451, "4.4.4", $"No route known to {domain}: {lookup.Detail}"),
    };

    private TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts, 20));
        return TimeSpan.FromTicks((long)Math.Min(_options.RetryDelay.Ticks * factor, _options.MaxRetryDelay.Ticks));
    }

    public ValueTask DisposeAsync() => Connections.DisposeAsync();
}
