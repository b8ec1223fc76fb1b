// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>HELP (RFC 5321 §4.1.1.8).</summary>
public sealed record HelpCommand() : SmtpCommand(SmtpVerb.Help);
