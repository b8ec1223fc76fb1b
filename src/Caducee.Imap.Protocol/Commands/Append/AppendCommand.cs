// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>One message of an APPEND.</summary>
/// <param name="Flags">Flags to set (\Recent refused by the parser).</param>
/// <param name="InternalDate">The internal date, if given (else the server's current time).</param>
/// <param name="Data">The message bytes as received (empty when streamed to <see cref="Sink"/>).</param>
/// <param name="Binary">True when sent as literal8 (BINARY, RFC 3516): the data may hold NUL and unencoded binary parts.</param>
/// <param name="Utf8">True for the UTF8 (…) data extension (UTF8=ACCEPT, RFC 6855 §4): the message may carry UTF-8 headers.</param>
public sealed record AppendMessage(FlagList Flags, DateTimeOffset? InternalDate, ReadOnlyMemory<byte> Data, bool Binary, bool Utf8)
{
    /// <summary>
    /// When the receiver streamed this message to a sink (<see cref="Receiver.ImapReceiver.LiteralSinkFactory"/>):
    /// the sink holding it (<see cref="Data"/> is then empty). The server completes or aborts it.
    /// </summary>
    public Receiver.IImapLiteralSink? Sink { get; init; }

    /// <summary>The message size in octets (in memory or in the sink).</summary>
    public long Size { get; init; }

    /// <summary>The shape of the message, never its content.</summary>
    public override string ToString() => $"AppendMessage {{ Flags = {Flags.System}+{Flags.Keywords.Count}, InternalDate = {InternalDate}, Size = {Size}, Binary = {Binary}, Utf8 = {Utf8} }}";
}

/// <summary>
/// APPEND (RFC 9051 §6.3.12), with several messages (MULTIAPPEND, RFC 3502: all or none are stored),
/// literal8 data (BINARY) and UTF8 data (RFC 6855). Answer with APPENDUID (RFC 4315).
/// </summary>
/// <param name="Mailbox">The destination (decoded).</param>
/// <param name="Messages">The messages, at least one.</param>
public sealed record AppendCommand(string Mailbox, IReadOnlyList<AppendMessage> Messages) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "APPEND";
}
