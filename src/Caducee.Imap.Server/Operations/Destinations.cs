// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>The destination of APPEND, COPY and MOVE: "i" needed (RFC 4314); a name that resolves to nothing gets [TRYCREATE] (RFC 9051 §6.3.12).</summary>
internal static class Destinations
{
    public static async Task<(ResolvedMailbox? Mailbox, Completion Refusal)> RequireAsync(ImapSession session, string name, CancellationToken cancellationToken)
    {
        var resolved = await MailboxResolver.ResolveAsync(session.Services, session.User!, name, cancellationToken).ConfigureAwait(false);
        if (resolved is null)
        {
            return (null, Completion.No(ResponseCode.TryCreate, "The destination mailbox does not exist"));
        }

        if (!Access.Check(session, resolved, 'i', "insert messages", out var refusal))
        {
            return (null, refusal);
        }

        if (!resolved.Folder.Selectable)
        {
            return (null, Completion.No(ResponseCode.Cannot, "The destination is a level of the hierarchy and holds no messages (\\Noselect)"));
        }

        return (resolved, default);
    }

    /// <summary>COPYUID (RFC 4315): the destination's UIDVALIDITY and the UID pairs in source order.</summary>
    public static ResponseCode CopyUid(CopyResult result) =>
        ResponseCode.CopyUid((uint)result.UidValidity, [.. result.Mapping.Select(m => (uint)m.Source)], [.. result.Mapping.Select(m => (uint)m.Target)]);
}
