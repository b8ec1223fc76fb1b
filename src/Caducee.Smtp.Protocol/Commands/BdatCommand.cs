// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>
/// BDAT (RFC 3030 CHUNKING): a chunk of exactly <see cref="ChunkSize"/> octets follows the command line.
/// The verb is <see cref="SmtpVerb.BdatLast"/> for the last chunk, so the state table can tell the two apart.
/// </summary>
public sealed record BdatCommand(long ChunkSize, bool Last) : SmtpCommand(Last ? SmtpVerb.BdatLast : SmtpVerb.Bdat);
