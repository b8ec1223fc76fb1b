// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>COMPRESS DEFLATE (RFC 4978): after the tagged OK both directions are raw DEFLATE; the session swaps the transport.</summary>
internal static class CompressOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, CompressCommand command, CancellationToken cancellationToken) =>
        ValueTask.FromResult(
            !session.Options.Compression ? Completion.Bad("COMPRESS is not offered by this server")
            : command.Mechanism != "DEFLATE" ? Completion.Bad($"COMPRESS: unknown algorithm {command.Mechanism} (only DEFLATE)")
            : session.IsCompressed ? Completion.No(ResponseCode.CompressionActive, "Compression is already active")
            : Completion.Ok("DEFLATE active", action: ImapAction.Compress));
}
