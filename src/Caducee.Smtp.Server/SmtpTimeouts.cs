// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Server;

/// <summary>
/// RFC 5321 §4.5.3.2 timeouts, per phase. <see cref="Command"/> and <see cref="DataBlock"/> bound how long the
/// server waits for the client. The others are the client's timeouts for our replies (initial 220, MAIL, RCPT,
/// DATA initiation, DATA termination): they bound our own processing (TLS handshake, policy hooks, antivirus,
/// storage); past them the command is answered 451 rather than left hanging. Defaults are the RFC's.
/// </summary>
public sealed record SmtpTimeouts
{
    /// <summary>§4.5.3.2.1: until the 220 greeting is sent (implicit TLS handshake included): 5 minutes.</summary>
    public TimeSpan Greeting { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>§4.5.3.2.2: processing of MAIL FROM (policy hooks): 5 minutes.</summary>
    public TimeSpan Mail { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>§4.5.3.2.3: processing of each RCPT TO (mailbox lookup, policy hooks): 5 minutes.</summary>
    public TimeSpan Rcpt { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>§4.5.3.2.4: answering DATA with 354: 2 minutes.</summary>
    public TimeSpan DataInitiation { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>§4.5.3.2.5: waiting for each block of DATA or BDAT content: 3 minutes.</summary>
    public TimeSpan DataBlock { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>§4.5.3.2.6: end-of-data processing (size, antivirus, durable store) before the reply: 10 minutes.</summary>
    public TimeSpan DataTermination { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>§4.5.3.2.7: waiting for the next command: 5 minutes.</summary>
    public TimeSpan Command { get; init; } = TimeSpan.FromMinutes(5);
}
