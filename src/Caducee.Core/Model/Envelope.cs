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
/// A message accepted from SMTP: its bytes exactly as received (the store writes them once, whatever the
/// number of recipients), the local mailboxes it is delivered to now (their INBOX), and the remote
/// recipients it is queued for. Accepting is one atomic, durable step.
/// </summary>
public sealed record AcceptedMessage(
    ReadOnlyMemory<byte> Content,
    DateTimeOffset ReceivedAt,
    MailAddress? Sender,
    IReadOnlyList<long> LocalMailboxIds,
    IReadOnlyList<OutboundRecipient> RemoteRecipients,
    string? EnvelopeId,
    bool ReturnFullMessage);

/// <summary>
/// The outcome for one local recipient: delivered (folder and UID) or refused with a closed error
/// (<see cref="MailError.OverQuota"/>, <see cref="MailError.MailboxDisabled"/>, <see cref="MailError.NotFound"/>)
/// and a text for the DSN. A refused recipient must be bounced by the caller, never dropped.
/// </summary>
public sealed record LocalDelivery(long MailboxId, MailError? Refusal, string? Reason, long FolderId, long Uid)
{
    public bool Delivered => Refusal is null;
}

/// <summary>The outcome of accepting: the queue id (for the 250 reply and traces), the blob id and each local recipient's fate.</summary>
public sealed record AcceptResult(string QueueId, string BlobId, IReadOnlyList<LocalDelivery> Local)
{
    public bool AllLocalDelivered => Local.All(l => l.Delivered);
}
