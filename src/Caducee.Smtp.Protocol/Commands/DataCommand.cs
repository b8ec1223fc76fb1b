// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>DATA (RFC 5321 §4.1.1.4).</summary>
public sealed record DataCommand() : SmtpCommand(SmtpVerb.Data);
