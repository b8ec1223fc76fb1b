// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// Storage and domain failures as tagged responses: the code comes from the protocol core's one map
/// (<see cref="ImapErrorMap"/>, STYLE.md §4.7); the text is the store's, except where it could name
/// internal identifiers or reveal a mailbox (NotFound).
/// </summary>
internal static class Failures
{
    public static Completion From(MailException exception, bool destination = false)
    {
        var (status, code) = ImapErrorMap.ToResponse(exception.Error, destination);
        var text = exception.Error switch
        {
            MailError.NotFound => destination ? "The destination mailbox does not exist" : "No such mailbox",
            MailError.Temporary => "Temporary failure, please try again later" + (exception.Message.Contains("disk full", StringComparison.OrdinalIgnoreCase) ? " (disk full)" : string.Empty),
            _ => exception.Message,
        };
        return new Completion(status, code, text);
    }

    public static Completion NoSuchMailbox() => Completion.No(ResponseCode.NonExistent, "No such mailbox");

    public static Completion NoRight(string what) => Completion.No(ResponseCode.NoPerm, $"You are not allowed to {what} in this mailbox");
}
