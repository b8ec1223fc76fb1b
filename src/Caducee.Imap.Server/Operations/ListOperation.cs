// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.RegularExpressions;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>LIST reference pattern (RFC 9051 §6.3.9), with special-use attributes (RFC 6154).</summary>
internal static class ListOperation
{
    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (request.Arguments.Count != 2 || !request.Arguments[0].IsString || !request.Arguments[1].IsString)
        {
            return Dispatcher.Bad(session, request, "Syntax: LIST <reference> <pattern>");
        }

        var pattern = request.Arguments[0].Value + request.Arguments[1].Value;
        if (pattern.Length == 0)
        {
            // An empty pattern asks for the hierarchy delimiter.
            session.Out.Untagged("LIST (\\Noselect) \"/\" \"\"");
            session.Out.Tagged(request.Tag, "OK", "LIST completed");
            return ImapAction.None;
        }

        var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("%", "[^/]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var inbox = new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        var principal = ((Authenticated)session.State).Principal;
        foreach (var folder in await session.Services.Store.ListFoldersAsync(principal.Mailbox.Id, cancellationToken).ConfigureAwait(false))
        {
            // INBOX is case-insensitive (RFC 9051 §5.1).
            var matches = folder.Name == "INBOX" ? inbox.IsMatch("INBOX") : regex.IsMatch(folder.Name);
            if (!matches)
            {
                continue;
            }

            var attributes = folder.SpecialUse is null ? "\\HasNoChildren" : $"\\HasNoChildren {folder.SpecialUse}";
            session.Out.Raw($"* LIST ({attributes}) \"/\" ").String(folder.Name).Raw("\r\n");
        }

        session.Out.Tagged(request.Tag, "OK", "LIST completed");
        return ImapAction.None;
    }
}
