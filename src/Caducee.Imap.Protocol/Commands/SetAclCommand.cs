// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>How SETACL changes the rights (RFC 4314 §3.1).</summary>
public enum AclModification
{
    /// <summary>Replace the identifier's rights.</summary>
    Replace,
    /// <summary>"+rights": add them.</summary>
    Add,
    /// <summary>"-rights": remove them.</summary>
    Remove,
}

/// <summary>SETACL (RFC 4314 §3.1).</summary>
/// <param name="Mailbox">The mailbox (decoded).</param>
/// <param name="Identifier">The identifier (a user, "anyone", or "-user" for a negative right).</param>
/// <param name="Rights">The rights letters, without the +/- prefix (validated: see <see cref="AclRights"/>).</param>
/// <param name="Modification">Replace, add or remove.</param>
public sealed record SetAclCommand(string Mailbox, string Identifier, string Rights, AclModification Modification) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "SETACL";

    // setacl = "SETACL" SP mailbox SP identifier SP mod-rights ; mod-rights = astring ; +rights / -rights / rights
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryMailbox("mailbox name", out var mailbox) || !r.TryAstring("identifier", out var identifier) || !r.TryAstring("rights", out var rights))
        {
            return r.Error;
        }

        var modification = AclModification.Replace;
        if (rights.StartsWith('+') || rights.StartsWith('-'))
        {
            modification = rights[0] == '+' ? AclModification.Add : AclModification.Remove;
            rights = rights[1..];
        }

        if (!AclRights.TryValidate(rights, out var error))
        {
            r.Fail(error);
            return r.Error;
        }

        return r.TryEnd() ? new SetAclCommand(mailbox, identifier, rights, modification) { Tag = r.Tag } : r.Error;
    }
}

/// <summary>The rights of RFC 4314 §2.1 (and the obsolete "c" and "d" of RFC 2086, §2.1.1).</summary>
public static class AclRights
{
    /// <summary>Every right a server may grant: l r s w i p k x t e a, then the obsolete c d.</summary>
    public const string All = "lrswipkxtea";

    /// <summary>True when every character is a known right (RFC 4314 §2.1: unknown rights get BAD).</summary>
    public static bool TryValidate(string rights, out string error)
    {
        foreach (var c in rights)
        {
            if (!All.Contains(c, StringComparison.Ordinal) && c is not ('c' or 'd') && !char.IsAsciiDigit(c))
            {
                error = $"unknown right '{c}' (known rights: {All})";
                return false;
            }
        }

        error = string.Empty;
        return true;
    }
}
