// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>RSET (RFC 5321 §4.1.1.5).</summary>
public sealed record RsetCommand() : SmtpCommand(SmtpVerb.Rset);
