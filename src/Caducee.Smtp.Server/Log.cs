// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server;

/// <summary>
/// The SMTP event catalogue (STYLE.md §4.10). Events carry the session id; none carries a password, a
/// token, a subject or a body.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "SMTP session {SessionId} started on {Listener} from {Remote}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string listener, EndPoint? remote);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "SMTP session {SessionId} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "SMTP session {SessionId} TLS {Protocol} {Cipher}, peer certificate {PeerSubject}")]
    public static partial void TlsEstablished(ILogger logger, string sessionId, string protocol, string cipher, string peerSubject);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "SMTP session {SessionId} TLS handshake failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "SMTP session {SessionId} authenticated {User} with {Mechanism}")]
    public static partial void AuthSucceeded(ILogger logger, string sessionId, string user, string mechanism);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "SMTP session {SessionId} authentication failed for {User}: {Reason}")]
    public static partial void AuthFailed(ILogger logger, string sessionId, string user, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "SMTP session {SessionId} refused at {Stage}: {Code} {Enhanced} ({Reason})")]
    public static partial void PolicyRefused(ILogger logger, string sessionId, string stage, int code, string? enhanced, string? reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "SMTP session {SessionId} accepted message {QueueId}: {Size} bytes, {Local} local and {Remote} remote recipients")]
    public static partial void MessageAccepted(ILogger logger, string sessionId, string queueId, long size, int local, int remote);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "SMTP session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "SMTP session {SessionId} message refused: {Code} {Enhanced} {Text}")]
    public static partial void MessageRefused(ILogger logger, string sessionId, int code, string? enhanced, string text);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "SMTP session {SessionId} processing exceeded its {Budget} budget; answered 451")]
    public static partial void ProcessingTimedOut(ILogger logger, string sessionId, TimeSpan budget);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Queue {QueueId} to {Domain}: {Outcome} for {Count} recipient(s): {Detail}")]
    public static partial void DeliveryAttempted(ILogger logger, string queueId, string domain, string outcome, int count, string detail);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Queue {QueueId}: delivery status notification {Kind} queued as {BounceId}")]
    public static partial void NotificationQueued(ILogger logger, string queueId, string kind, string bounceId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Queue {QueueId}: reused session with {Host}:{Port} was closed by the peer ({Reason}); sending on a new session")]
    public static partial void SessionReopened(ILogger logger, string queueId, string host, int port, string reason);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Queue: {Count} recipient(s) leased by a previous run of {NodeId} (stopped before recording an outcome) are due again")]
    public static partial void LeasesReleased(ILogger logger, int count, string nodeId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Queue runner error")]
    public static partial void QueueRunnerFailed(ILogger logger, Exception exception);
}
