// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>STARTTLS (RFC 3207).</summary>
public sealed record StartTlsCommand() : SmtpCommand(SmtpVerb.StartTls);
