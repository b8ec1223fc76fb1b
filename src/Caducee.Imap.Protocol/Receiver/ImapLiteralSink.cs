// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Receiver;

/// <summary>
/// Where the data of a large literal goes instead of memory (an APPEND of a big message streamed to a
/// temporary file or the blob store). Called synchronously by <see cref="ImapReceiver.Feed"/>.
/// </summary>
public interface IImapLiteralSink
{
    /// <summary>The next bytes of the literal, in order.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>The command this literal belonged to was refused or abandoned (bad syntax, a later literal over a limit, reset): discard what was written.</summary>
    void Abort();
}

/// <summary>A literal about to be received: what <see cref="ImapReceiver.LiteralSinkFactory"/> decides on.</summary>
/// <param name="Tag">The command's tag, when it could be read.</param>
/// <param name="Command">The command name ("APPEND").</param>
/// <param name="Size">The announced size, already checked against the limits.</param>
/// <param name="Literal8">True for a literal8 (binary data).</param>
public readonly record struct LiteralAnnouncement(string? Tag, string Command, long Size, bool Literal8);
