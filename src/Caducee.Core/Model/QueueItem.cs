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

/// <summary>A pending recipient of a queued message.</summary>
public sealed record QueueRecipient(long Id, OutboundRecipient Recipient, int Attempts);

/// <summary>The result of one delivery attempt for one recipient.</summary>
public enum DeliveryOutcome
{
    Delivered,
    Deferred,
    Failed,
}

/// <summary>What the queue runner records after an attempt.</summary>
public sealed record DeliveryAttempt(long RecipientId, DeliveryOutcome Outcome, string Detail, DateTimeOffset? NextAttemptAt);
