// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Imap.Protocol.Responses;

/// <summary>
/// The one place where the closed <see cref="MailError"/> list meets IMAP (STYLE.md §4.7): each failure
/// becomes a NO with the RFC 5530 response code clients understand.
/// </summary>
public static class ImapErrorMap
{
    /// <summary>
    /// The status and response code for a failure. For the destination of COPY, MOVE and APPEND, a
    /// missing mailbox is TRYCREATE (RFC 9051 §6.3.12, §6.4.7): pass <paramref name="destination"/>.
    /// </summary>
    public static (ImapStatus Status, ResponseCode Code) ToResponse(MailError error, bool destination = false) => error switch
    {
        MailError.NotFound when destination => (ImapStatus.No, ResponseCode.TryCreate),
        _ => ToResponseCore(error),
    };

    private static (ImapStatus Status, ResponseCode Code) ToResponseCore(MailError error) => error switch
    {
        MailError.Temporary => (ImapStatus.No, ResponseCode.Unavailable),
        MailError.Unavailable => (ImapStatus.No, ResponseCode.Unavailable),
        MailError.NotPossible => (ImapStatus.No, ResponseCode.Cannot),
        MailError.Parameters => (ImapStatus.No, ResponseCode.ClientBug),
        MailError.Permission => (ImapStatus.No, ResponseCode.NoPerm),
        MailError.OverQuota => (ImapStatus.No, ResponseCode.OverQuota),
        MailError.NotFound => (ImapStatus.No, ResponseCode.NonExistent),
        MailError.Exists => (ImapStatus.No, ResponseCode.AlreadyExists),
        MailError.Expunged => (ImapStatus.No, ResponseCode.ExpungeIssued),
        MailError.InUse => (ImapStatus.No, ResponseCode.InUse),
        MailError.InvalidData => (ImapStatus.No, ResponseCode.Parse),
        MailError.Limit => (ImapStatus.No, ResponseCode.Limit),
        MailError.TooBig => (ImapStatus.No, ResponseCode.TooBig),
        MailError.MailboxDisabled => (ImapStatus.No, ResponseCode.ContactAdmin),
        _ => (ImapStatus.No, ResponseCode.ServerBug),
    };
}
