// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;
using CoreAppend = Caducee.Core.Model.AppendMessage;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// APPEND (RFC 9051 §6.3.12) with flags, internal date, several messages at once (MULTIAPPEND, RFC 3502:
/// all or none) and APPENDUID (RFC 4315). Large literals arrive spooled (<see cref="SpoolSink"/>) and are
/// read back once for the store. Over APPENDLIMIT: NO [TOOBIG] before the data (the receiver); over quota:
/// NO [OVERQUOTA]. Needs "i"; flags the user may not set ("s", "t", "w") are dropped (RFC 4314 §4).
/// </summary>
internal static class AppendOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, AppendCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var (target, refusal) = await Destinations.RequireAsync(session, command.Mailbox, cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                return refusal;
            }

            var rights = target.Rights;
            var now = session.Services.Clock.GetUtcNow();
            var messages = new List<CoreAppend>(command.Messages.Count);
            foreach (var message in command.Messages)
            {
                var (flags, keywords) = MessageSets.ToStore(message.Flags);
                flags &= (rights.Has('s') ? MessageFlags.Seen : 0) | (rights.Has('t') ? MessageFlags.Deleted : 0)
                    | (rights.Has('w') ? MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Draft : 0);
                ReadOnlyMemory<byte> content = message.Sink is SpoolSink spool ? spool.ReadAll() : message.Data;
                messages.Add(new CoreAppend(content, flags, rights.Has('w') ? keywords : [], message.InternalDate ?? now));
            }

            var result = await session.Services.Store.AppendAsync(target.Folder.Id, messages, cancellationToken).ConfigureAwait(false);
            return Completion.Ok("APPEND completed", ResponseCode.AppendUid((uint)result.UidValidity, [.. result.Uids.Select(u => (uint)u)]));
        }
        finally
        {
            foreach (var message in command.Messages)
            {
                message.Sink?.Abort();
            }
        }
    }
}
