// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.StateMachine;

/// <summary>Where an SMTP session stands in the command sequence (RFC 5321 §4.1.4).</summary>
public enum SmtpState
{
    /// <summary>Greeting sent; EHLO/HELO expected.</summary>
    Connected,
    /// <summary>EHLO done; no transaction.</summary>
    Ready,
    /// <summary>MAIL accepted; RCPT expected.</summary>
    MailGiven,
    /// <summary>At least one RCPT accepted; more RCPT, DATA or BDAT expected.</summary>
    RcptGiven,
    /// <summary>BDAT chunks are being received (RFC 3030).</summary>
    InBdat,
}
