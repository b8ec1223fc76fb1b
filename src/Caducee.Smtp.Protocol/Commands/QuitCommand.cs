// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>QUIT (RFC 5321 §4.1.1.10).</summary>
public sealed record QuitCommand() : SmtpCommand(SmtpVerb.Quit);
