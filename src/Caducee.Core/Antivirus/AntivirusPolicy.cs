// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Policy;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;

namespace Caducee.Core.Antivirus;

/// <summary>
/// The antivirus as an end-of-data hook (REQ-44): an infected message is refused with 554 5.7.1 naming the
/// signature, and an audit event records it (session, signature, size, sender domain; never content).
/// When the scanner cannot answer the message is deferred with 451 4.7.0, unless the operator chose
/// fail-open (off by default), which accepts it unscanned with a warning.
/// </summary>
public sealed partial class AntivirusPolicy(IVirusScanner scanner, bool failOpen, ILogger logger) : ISmtpPolicy
{
    public async ValueTask<PolicyVerdict> OnEndOfDataAsync(SmtpPolicyContext context, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var result = await scanner.ScanAsync(message.Content, cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case ScanOutcome.Clean:
                return PolicyVerdict.Continue;
            case ScanOutcome.Infected:
                LogVirusFound(logger, context.SessionId, result.Signature!, message.Size, context.Sender?.Domain ?? "<>", message.Recipients.Count);
                return PolicyVerdict.Reject(
                    554,
                    "5.7.1",
                    $"Message refused: the antivirus found {result.Signature}; it was not delivered. Remove the infected content and send again",
                    "virus " + result.Signature);
            default:
                LogScanFailed(logger, context.SessionId, result.Error!, failOpen);
                return failOpen
                    ? PolicyVerdict.Continue
                    : PolicyVerdict.TempFail("4.7.0", "Antivirus scan unavailable at this operator; the message was not accepted, try again later", "scan failed: " + result.Error);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Audit: SMTP session {SessionId} message refused, virus {Signature} found ({Size} bytes, sender domain {SenderDomain}, {RecipientCount} recipient(s))")]
    private static partial void LogVirusFound(ILogger logger, string sessionId, string signature, long size, string senderDomain, int recipientCount);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "SMTP session {SessionId} antivirus scan failed: {Error} (fail-open {FailOpen})")]
    private static partial void LogScanFailed(ILogger logger, string sessionId, string error, bool failOpen);
}
