// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>DATA (RFC 5321 §4.1.1.4).</summary>
public sealed record DataCommand() : SmtpCommand(SmtpVerb.Data);

/// <summary>RSET (RFC 5321 §4.1.1.5).</summary>
public sealed record RsetCommand() : SmtpCommand(SmtpVerb.Rset);

/// <summary>NOOP (RFC 5321 §4.1.1.9).</summary>
public sealed record NoopCommand() : SmtpCommand(SmtpVerb.Noop);

/// <summary>QUIT (RFC 5321 §4.1.1.10).</summary>
public sealed record QuitCommand() : SmtpCommand(SmtpVerb.Quit);

/// <summary>STARTTLS (RFC 3207).</summary>
public sealed record StartTlsCommand() : SmtpCommand(SmtpVerb.StartTls);

/// <summary>VRFY (RFC 5321 §4.1.1.6); answered 252 without disclosing mailboxes.</summary>
public sealed record VrfyCommand(string Argument) : SmtpCommand(SmtpVerb.Vrfy);

/// <summary>HELP (RFC 5321 §4.1.1.8).</summary>
public sealed record HelpCommand() : SmtpCommand(SmtpVerb.Help);
