// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Smtp.Protocol.Commands;

/// <summary>BODY= values (RFC 6152, RFC 3030).</summary>
public enum BodyType
{
    SevenBit,
    EightBitMime,
    BinaryMime,
}

/// <summary>RET= values (RFC 3461 §4.3).</summary>
public enum DsnReturn
{
    Unspecified,
    Full,
    Headers,
}

/// <summary>
/// MAIL FROM (RFC 5321 §4.1.1.2) with the parameters of the extensions we advertise: SIZE (RFC 1870),
/// BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461), AUTH (RFC 4954).
/// <see cref="Sender"/> is null for the null reverse-path &lt;&gt; (bounces).
/// </summary>
public sealed record MailCommand(
    MailAddress? Sender,
    long? DeclaredSize,
    BodyType Body,
    bool SmtpUtf8,
    DsnReturn Ret,
    string? EnvelopeId,
    string? AuthParameter) : SmtpCommand(SmtpVerb.Mail);
