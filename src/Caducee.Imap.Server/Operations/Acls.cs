// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Server.Mailboxes;
using Caducee.Imap.Server.Session;
using ProtocolModification = Caducee.Imap.Protocol.Commands.AclModification;

namespace Caducee.Imap.Server.Operations;

/// <summary>Shared pieces of the ACL commands (RFC 4314).</summary>
internal static class Acls
{
    /// <summary>The rights a server may grant, as LISTRIGHTS and the owner's entry show them (without the obsolete c and d).</summary>
    public const string Grantable = "lrswipkxtea";

    /// <summary>Rights letters as sent: the obsolete "c" is "k", "d" is "xte" (RFC 4314 §2.1.1); digits are ignored.</summary>
    public static AclRights Parse(string letters)
    {
        var expanded = letters.Replace("c", "k", StringComparison.Ordinal).Replace("d", "xte", StringComparison.Ordinal);
        return AclRights.Parse(new string([.. expanded.Where(c => !char.IsAsciiDigit(c))]));
    }

    /// <summary>Rights for the wire: canonical order, obsolete letters left out.</summary>
    public static string Show(AclRights rights) => new([.. rights.Letters.Where(c => c is not ('c' or 'd'))]);

    public static Core.Model.AclModification ToStore(ProtocolModification modification) => modification switch
    {
        ProtocolModification.Add => Core.Model.AclModification.Add,
        ProtocolModification.Remove => Core.Model.AclModification.Remove,
        _ => Core.Model.AclModification.Replace,
    };

    /// <summary>The identifier of the mailbox's owner (its address), which always has every right.</summary>
    public static string OwnerOf(ImapSession session, ResolvedMailbox mailbox) => mailbox.Owner?.Key ?? session.User!.Address;
}
