// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Protocol.Parsing;

namespace Caducee.Smtp.Server.Session;

/// <summary>
/// A message being received with BDAT (RFC 3030): the chunk receiver (size capped while reading), the content
/// so far, and the chunk in progress with the reply it gets when it was refused before being read.
/// </summary>
internal sealed class BdatTransfer(long maxSize, int maxLineLength = 0)
{
    public ChunkReceiver Receiver { get; } = new(maxSize, maxLineLength);

    public ArrayBufferWriter<byte> Content { get; } = new(16 * 1024);

    /// <summary>The BDAT whose chunk is being read.</summary>
    public BdatCommand? Current { get; set; }

    /// <summary>Set when the current BDAT was refused: the chunk is discarded, then this is the reply.</summary>
    public SmtpReply? Refusal { get; set; }
}
