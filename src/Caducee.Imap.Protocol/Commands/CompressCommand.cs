// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// COMPRESS (RFC 4978): after the tagged OK, both directions are raw DEFLATE streams (the server wraps
/// its transport; the receiver is reset). A second COMPRESS gets NO [COMPRESSIONACTIVE].
/// </summary>
/// <param name="Mechanism">The algorithm, upper-cased (only DEFLATE is defined).</param>
public sealed record CompressCommand(string Mechanism) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "COMPRESS";

    // compress = "COMPRESS" SP algorithm ; algorithm = "DEFLATE"
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryAtom("compression algorithm", out var mechanism) && r.TryEnd()
            ? new CompressCommand(mechanism.ToUpperInvariant()) { Tag = r.Tag }
            : r.Error;
}
