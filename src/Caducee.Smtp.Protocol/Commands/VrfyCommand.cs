// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>VRFY (RFC 5321 §4.1.1.6); answered 252 without disclosing mailboxes.</summary>
public sealed record VrfyCommand(string Argument) : SmtpCommand(SmtpVerb.Vrfy);
