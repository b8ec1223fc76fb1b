// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>HELO or EHLO (RFC 5321 §4.1.1.1). <see cref="Extended"/> is true for EHLO.</summary>
public sealed record HeloCommand(string ClientDomain, bool Extended) : SmtpCommand(Extended ? SmtpVerb.Ehlo : SmtpVerb.Helo);
