// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Server.Session;

/// <summary>What the I/O loop must do after a command.</summary>
internal enum ImapAction
{
    None,
    StartTls,
    Compress,
    Logout,
}

/// <summary>
/// The end of a command as an operation returns it: the tagged status, response code and text. The
/// dispatcher writes it after the untagged updates the command allows (RFC 9051 §7), so operations never
/// write their own tagged line. <see cref="Pending"/>: the command goes on (IDLE, an AUTHENTICATE exchange).
/// </summary>
internal readonly record struct Completion(ImapStatus Status, ResponseCode? Code, string Text, ImapAction Action = ImapAction.None, bool IsPending = false)
{
    public static Completion Pending => new(ImapStatus.Ok, null, string.Empty, IsPending: true);

    public static Completion Ok(string text, ResponseCode? code = null, ImapAction action = ImapAction.None) => new(ImapStatus.Ok, code, text, action);

    public static Completion No(ResponseCode? code, string text) => new(ImapStatus.No, code, text);

    public static Completion Bad(string text) => new(ImapStatus.Bad, null, text);
}
