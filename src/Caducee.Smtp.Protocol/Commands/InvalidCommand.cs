// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Smtp.Protocol.Commands;

/// <summary>
/// A line that did not parse: carries the reply the client gets (500/501/504/555). When
/// <see cref="LosesSynchronization"/> is true the server cannot tell what follows from commands (a BDAT
/// whose chunk size is unreadable: its data cannot be skipped), so the session closes after the reply.
/// </summary>
public sealed record InvalidCommand(SmtpReply Reply, bool LosesSynchronization = false) : SmtpCommand(SmtpVerb.Invalid);
