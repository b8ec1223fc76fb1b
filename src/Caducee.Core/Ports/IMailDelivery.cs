// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;

namespace Caducee.Core.Ports;

/// <summary>Delivery of accepted mail, as SMTP uses it after DATA and for bounces.</summary>
public interface IMailDelivery
{
    /// <summary>
    /// Stores the bytes once (encrypted, fsynced), delivers to each local mailbox's INBOX and queues the
    /// remote recipients, in one durable transaction: when the task completes, a crash loses nothing (the
    /// SMTP 250 is sent after it). A local recipient that cannot take the message (over quota, not active,
    /// unknown) is refused individually in <see cref="AcceptResult.Local"/>; the others are delivered.
    /// Temporary when the database or the disk fails (nothing is then delivered).
    /// </summary>
    Task<AcceptResult> AcceptAsync(AcceptedMessage message, CancellationToken cancellationToken);
}
