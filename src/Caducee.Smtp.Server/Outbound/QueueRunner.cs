// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Core.Routing;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>Queue behaviour: how long to keep trying, how fast to retry.</summary>
public sealed record QueueOptions
{
    /// <summary>How long a message is retried before it bounces (RFC 5321 §4.5.4.1: at least 4–5 days).</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromDays(5);

    /// <summary>First retry delay; doubles each attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a claimed recipient is reserved for one runner.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the queue is polled when nothing signals new work.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Delivers queued messages to other operators: checks the trust space at relay time, resolves the
/// route, relays with mutual TLS, records each recipient's outcome, retries with exponential backoff
/// up to the lifetime and sends RFC 3464 bounces. Nothing leaves the queue without a final outcome.
/// </summary>
public sealed class QueueRunner(SmtpServices services, IRouteResolver routes, SmtpClientConnection client, QueueOptions options, string hostName, Func<string, bool> isLocalDomain)
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger("Caducee.Queue");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var processed = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                if (processed == 0)
                {
                    await services.QueueSignal.WaitAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Processes what is due now; returns how many queue items were handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = services.Clock.GetUtcNow();
        var items = await services.Queue.ClaimDueAsync(now, now + options.Lease, 100, cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            await ProcessAsync(item, cancellationToken).ConfigureAwait(false);
        }

        return items.Count;
    }

    private async Task ProcessAsync(QueueItem item, CancellationToken cancellationToken)
    {
        RelayResult result;
        string? remoteMta = null;
        var verdict = await services.Policy.OnOutboundAsync(item.Domain, cancellationToken).ConfigureAwait(false);
        if (verdict.IsRefusal)
        {
            result = Uniform(item, verdict.Reply!);
        }
        else if (await routes.ResolveAsync(item.Domain, cancellationToken).ConfigureAwait(false) is not { } route)
        {
            result = Uniform(item, new SmtpReply(451, "4.4.4", $"No route known to {item.Domain}"));
        }
        else
        {
            remoteMta = route.TlsServerName;
            var message = await services.Blobs.ReadAsync(item.BlobId, cancellationToken).ConfigureAwait(false);
            result = await client.SendAsync(route, item.Sender, item.Recipients, message, item.EnvelopeId, item.ReturnFullMessage, cancellationToken).ConfigureAwait(false);
        }

        var now = services.Clock.GetUtcNow();
        var expired = now - item.CreatedAt > options.MaxLifetime;
        var attempts = new List<DeliveryAttempt>();
        var failures = new List<ReportedRecipient>();
        foreach (var r in item.Recipients)
        {
            var reply = result.PerRecipient.TryGetValue(r.Id, out var rr) ? rr : new SmtpReply(451, "4.3.0", "no reply recorded");
            if (reply.IsPositive)
            {
                attempts.Add(new DeliveryAttempt(r.Id, DeliveryOutcome.Delivered, reply.ToString(), null));
            }
            else if (reply.IsPermanent || expired)
            {
                attempts.Add(new DeliveryAttempt(r.Id, DeliveryOutcome.Failed, reply.ToString(), null));
                if ((r.Recipient.Notify & NotifyOn.Never) == 0 && (r.Recipient.Notify == NotifyOn.Default || (r.Recipient.Notify & NotifyOn.Failure) != 0))
                {
                    var finalReply = expired && !reply.IsPermanent ? new SmtpReply(550, "5.4.7", $"Delivery time expired; last error: {reply}") : reply;
                    failures.Add(new ReportedRecipient(r.Recipient.Address, r.Recipient.OriginalRecipient, "failed", finalReply, remoteMta));
                }
            }
            else
            {
                attempts.Add(new DeliveryAttempt(r.Id, DeliveryOutcome.Deferred, reply.ToString(), now + Backoff(r.Attempts)));
            }
        }

        // Bounce first, then record: if we crash in between, the recipient is retried, never silently dropped.
        if (failures.Count > 0 && item.Sender is not null)
        {
            await BounceAsync(item, failures, cancellationToken).ConfigureAwait(false);
        }

        await services.Queue.RecordAsync(item.Id, attempts, cancellationToken).ConfigureAwait(false);
        foreach (var group in attempts.GroupBy(a => a.Outcome))
        {
            Log.DeliveryAttempted(_logger, item.QueueId, item.Domain, group.Key.ToString(), group.Count(), group.First().Detail);
        }
    }

    private async Task BounceAsync(QueueItem item, List<ReportedRecipient> failures, CancellationToken cancellationToken)
    {
        var original = await services.Blobs.ReadAsync(item.BlobId, cancellationToken).ConfigureAwait(false);
        var bounceId = await Bouncer.BounceAsync(services, hostName, isLocalDomain, item.Sender!, item.EnvelopeId, item.CreatedAt, failures, original, item.ReturnFullMessage, cancellationToken).ConfigureAwait(false);
        if (bounceId is not null)
        {
            Log.NotificationQueued(_logger, item.QueueId, "failure", bounceId);
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(options.RetryDelay.Ticks * factor, options.MaxRetryDelay.Ticks));
        return delay;
    }

    private static RelayResult Uniform(QueueItem item, SmtpReply reply) =>
        new(item.Recipients.ToDictionary(r => r.Id, _ => reply));
}
