// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Smtp.Protocol.Commands;

/// <summary>A line that did not parse: carries the reply the client gets (500/501/504/555).</summary>
public sealed record InvalidCommand(SmtpReply Reply) : SmtpCommand(SmtpVerb.Invalid);
