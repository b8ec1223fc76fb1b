// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>
/// Sends an RFC 3464 report (failure, delay, delivery or relay) to a sender: into its mailbox when it is
/// local, through the queue otherwise. Used by the queue runner (bounces, delay notices, "relayed" for peers
/// without DSN) and by DATA (a local recipient that refused the message, "delivered" for NOTIFY=SUCCESS): a
/// refused recipient is reported, never dropped.
/// </summary>
internal static class Bouncer
{
    /// <summary>Accepts the report; returns its queue id, or null when there is nobody to tell.</summary>
    public static async Task<string?> BounceAsync(
        SmtpServices services,
        string hostName,
        Func<string, bool> isLocalDomain,
        MailAddress sender,
        string? envelopeId,
        DateTimeOffset arrival,
        IReadOnlyList<ReportedRecipient> failures,
        ReadOnlyMemory<byte> original,
        bool returnFull,
        CancellationToken cancellationToken)
    {
        var now = services.Clock.GetUtcNow();
        var report = DeliveryReport.Build(hostName, sender, envelopeId, arrival, failures, original, returnFull, now);
        IReadOnlyList<long> local = [];
        IReadOnlyList<OutboundRecipient> remote = [];
        if (isLocalDomain(sender.Domain))
        {
            var mailbox = await services.Store.FindMailboxAsync(sender, cancellationToken).ConfigureAwait(false);
            if (mailbox is null)
            {
                return null; // The sender's own mailbox is gone: nobody to tell.
            }

            local = [mailbox.Id];
        }
        else
        {
            remote = [new OutboundRecipient(sender, NotifyOn.Never, null)];
        }

        // A bounce has the null sender: it is never bounced itself (RFC 5321 §4.5.5).
        var accepted = await services.Store.AcceptAsync(new AcceptedMessage(report, now, null, local, remote, null, true), cancellationToken).ConfigureAwait(false);
        if (remote.Count > 0)
        {
            services.QueueSignal.Signal();
        }

        return accepted.QueueId;
    }
}
