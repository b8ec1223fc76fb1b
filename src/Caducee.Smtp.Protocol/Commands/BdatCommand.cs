// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>BDAT (RFC 3030 CHUNKING): a chunk of exactly <see cref="ChunkSize"/> octets follows.</summary>
public sealed record BdatCommand(long ChunkSize, bool Last) : SmtpCommand(SmtpVerb.Bdat);
