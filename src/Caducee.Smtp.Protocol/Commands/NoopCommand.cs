// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>NOOP (RFC 5321 §4.1.1.9).</summary>
public sealed record NoopCommand() : SmtpCommand(SmtpVerb.Noop);
