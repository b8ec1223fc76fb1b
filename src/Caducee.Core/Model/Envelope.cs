// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Model;

/// <summary>DSN request of one recipient (RFC 3461 NOTIFY), independent of the SMTP protocol types.</summary>
[Flags]
public enum NotifyOn
{
    Default = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}

/// <summary>A recipient handed to the outbound queue.</summary>
public sealed record OutboundRecipient(MailAddress Address, NotifyOn Notify, string? OriginalRecipient);

/// <summary>
/// A message accepted from SMTP: the blob (already durable), the local mailboxes it is delivered to
/// now, and the remote recipients it is queued for. Accepting is one atomic, durable step.
/// </summary>
public sealed record AcceptedMessage(
    string BlobId,
    long Size,
    DateTimeOffset ReceivedAt,
    MailAddress? Sender,
    IReadOnlyList<long> LocalMailboxIds,
    IReadOnlyList<OutboundRecipient> RemoteRecipients,
    string? EnvelopeId,
    bool ReturnFullMessage);

/// <summary>The outcome of accepting: the queue id (for the 250 reply and traces).</summary>
public sealed record AcceptResult(string QueueId);
