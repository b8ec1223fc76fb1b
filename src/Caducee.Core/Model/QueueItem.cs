// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Model;

/// <summary>A queued message with its recipients still pending for one destination domain.</summary>
public sealed record QueueItem(
    long Id,
    string QueueId,
    string BlobId,
    MailAddress? Sender,
    string? EnvelopeId,
    bool ReturnFullMessage,
    DateTimeOffset CreatedAt,
    string Domain,
    IReadOnlyList<QueueRecipient> Recipients);

/// <summary>
/// A pending recipient of a queued message; <paramref name="DelayNotified"/> says whether the sender has
/// already been sent its delay notice (RFC 3464 <c>action=delayed</c>, sent once).
/// </summary>
public sealed record QueueRecipient(long Id, OutboundRecipient Recipient, int Attempts, bool DelayNotified = false);

/// <summary>The result of one delivery attempt for one recipient.</summary>
public enum DeliveryOutcome
{
    Delivered,
    Deferred,
    Failed,
}

/// <summary>
/// What the queue runner records after an attempt. <paramref name="DelayNotified"/> true records that the delay
/// notice of a deferred recipient was sent (it stays recorded; false never clears it).
/// </summary>
public sealed record DeliveryAttempt(long RecipientId, DeliveryOutcome Outcome, string Detail, DateTimeOffset? NextAttemptAt, bool DelayNotified = false);
