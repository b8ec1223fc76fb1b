// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server;

/// <summary>The IMAP event catalogue: session id on every event; never a password, token, mailbox name or message content.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "IMAP session {SessionId} started from {Remote}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, EndPoint? remote);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "IMAP session {SessionId} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "IMAP session {SessionId} TLS {Protocol} {Cipher}")]
    public static partial void TlsEstablished(ILogger logger, string sessionId, string protocol, string cipher);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "IMAP session {SessionId} TLS handshake failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "IMAP session {SessionId} authenticated {User} with {Mechanism}")]
    public static partial void AuthSucceeded(ILogger logger, string sessionId, string user, string mechanism);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "IMAP session {SessionId} authentication failed for {User}: {Reason}")]
    public static partial void AuthFailed(ILogger logger, string sessionId, string user, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "IMAP session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "IMAP session {SessionId}: {User} refused, {Count} connections already (limit {Limit})")]
    public static partial void ConnectionLimit(ILogger logger, string sessionId, string user, int count, int limit);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "IMAP session {SessionId} closed after {Errors} errors")]
    public static partial void TooManyErrors(ILogger logger, string sessionId, int errors);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "IMAP session {SessionId} closed: {Phase} timeout after {Seconds} s")]
    public static partial void Timeout(ILogger logger, string sessionId, string phase, double seconds);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "IMAP session {SessionId} compression on (DEFLATE)")]
    public static partial void CompressionStarted(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "IMAP session {SessionId} client {Name} {Version}")]
    public static partial void ClientId(ILogger logger, string sessionId, string name, string version);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "IMAP session {SessionId}: storage failure {Error} in {Command}")]
    public static partial void StorageFailure(ILogger logger, string sessionId, string error, string command);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "IMAP session {SessionId}: refused {Command} on a mailbox of {Owner}: needs right {Right}")]
    public static partial void AccessRefused(ILogger logger, string sessionId, string command, string owner, char right);
}
