// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Search;
using Caducee.Imap.Server.Operations.Searching;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// SORT and UID SORT (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO) with ESORT (RFC 5267): keys from the
/// views cached at delivery (sent date, subject, first From/To/Cc), so no message is read unless a search
/// criterion needs it.
/// </summary>
internal static class SortOperation
{
    public static async ValueTask<Completion> RunAsync(ImapSession session, SortCommand command, CancellationToken cancellationToken)
    {
        var matches = await SearchRunner.FindAsync(session, command.Search, withViews: true, cancellationToken).ConfigureAwait(false);
        var values = matches.Select(m =>
        {
            var views = m.Message.Views;
            return new SortValues(m.Ref.SequenceNumber, m.Ref.Uid, m.Message.InternalDate, views?.SentDate, m.Message.Size, views?.Subject, Address(views?.From), Address(views?.To), Address(views?.Cc));
        });
        var sorted = SortKeys.Sort(values, command.Criteria).Select(v => command.Uid ? v.Uid : (uint)v.SequenceNumber).ToList();
        if (command.Return is not { } options)
        {
            session.Out.Sort(sorted);
            return Completion.Ok($"{command.Name} completed");
        }

        // ESORT (RFC 5267 §3.2): MIN and MAX are the first and last in sort order; ALL keeps the order.
        var o = session.Out;
        o.Raw("* ESEARCH (TAG "u8).String(command.Tag).Raw(")"u8);
        if (command.Uid)
        {
            o.Raw(" UID"u8);
        }

        if (sorted.Count > 0 && (options & SearchReturnOptions.Min) != 0)
        {
            o.Raw(" MIN "u8).Number(sorted[0]);
        }

        if (sorted.Count > 0 && (options & SearchReturnOptions.Max) != 0)
        {
            o.Raw(" MAX "u8).Number(sorted[^1]);
        }

        if ((options & SearchReturnOptions.Count) != 0)
        {
            o.Raw(" COUNT "u8).Number(sorted.Count);
        }

        if (sorted.Count > 0 && (options & SearchReturnOptions.All) != 0)
        {
            o.Raw(" ALL "u8).Raw(SequenceSet.FormatOrdered(sorted));
        }

        o.Raw("\r\n"u8);
        return Completion.Ok($"{command.Name} completed");
    }

    private static SortAddress? Address(ViewAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        var at = address.Address.LastIndexOf('@');
        return at < 0
            ? new SortAddress(address.DisplayName, address.Address, null)
            : new SortAddress(address.DisplayName, address.Address[..at], address.Address[(at + 1)..]);
    }
}
