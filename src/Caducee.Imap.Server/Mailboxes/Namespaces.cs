// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Server.Mailboxes;

/// <summary>A mailbox name as the client wrote it, sorted into its namespace (RFC 2342).</summary>
internal abstract record MailboxName;

/// <summary>A folder of the user's own mailbox (personal namespace "", delimiter "/"); INBOX normalized.</summary>
internal sealed record PersonalName(string Folder) : MailboxName;

/// <summary>A folder of another mailbox shared through its ACL: "Shared/&lt;owner address&gt;/&lt;folder&gt;".</summary>
internal sealed record SharedName(string Owner, string Folder) : MailboxName;

/// <summary>"Shared" or "Shared/&lt;owner&gt;": a level of the shared namespace, never a mailbox (\Noselect).</summary>
internal sealed record NamespaceNode(string ClientName, string? Owner) : MailboxName;

/// <summary>
/// The namespaces (RFC 2342, RFC 9051 §6.3.10; docs/adr/0009-imap-server.md): the personal namespace is
/// "" with "/" as delimiter; folders of ORG and CAB boxes shared with a delegate appear under
/// <c>Shared/&lt;owner address&gt;/</c> (ASCII, so practice software that mishandles modified UTF-7 still
/// shows it). "Shared" is reserved: no personal folder may be created under it.
/// </summary>
internal static class Namespaces
{
    public const char Delimiter = '/';
    public const string SharedRoot = "Shared";
    public const string SharedPrefix = SharedRoot + "/";

    /// <summary>Sorts a client name (decoded) into its namespace; "inbox" in any case and its children are normalized.</summary>
    public static MailboxName Parse(string name)
    {
        if (name == SharedRoot)
        {
            return new NamespaceNode(SharedRoot, null);
        }

        if (!name.StartsWith(SharedPrefix, StringComparison.Ordinal))
        {
            return new PersonalName(NormalizeFolder(name));
        }

        var rest = name[SharedPrefix.Length..];
        var slash = rest.IndexOf(Delimiter, StringComparison.Ordinal);
        if (slash < 0)
        {
            var owner = rest.ToLowerInvariant();
            return new NamespaceNode(SharedPrefix + owner, owner);
        }

        return new SharedName(rest[..slash].ToLowerInvariant(), NormalizeFolder(rest[(slash + 1)..]));
    }

    /// <summary>The canonical spelling of a client name (INBOX upper-cased, shared owners lower-cased): what subscriptions store.</summary>
    public static string Canonical(string name) => Parse(name) switch
    {
        PersonalName p => p.Folder,
        SharedName s => SharedName(s.Owner, s.Folder),
        NamespaceNode n => n.ClientName,
        _ => name,
    };

    /// <summary>The order of LIST and LSUB answers: INBOX and its children first, then the other names (ordinal).</summary>
    public static IComparer<string> ListOrder { get; } = Comparer<string>.Create((a, b) =>
    {
        var inboxA = a == "INBOX" || a.StartsWith("INBOX/", StringComparison.Ordinal);
        var inboxB = b == "INBOX" || b.StartsWith("INBOX/", StringComparison.Ordinal);
        return inboxA != inboxB ? (inboxA ? -1 : 1) : string.CompareOrdinal(a, b);
    });

    /// <summary>The client name of a shared folder.</summary>
    public static string SharedName(string owner, string folder) => $"{SharedPrefix}{owner}{Delimiter}{folder}";

    /// <summary>True when a personal folder name falls in the reserved shared namespace.</summary>
    public static bool IsReserved(string folder) => folder == SharedRoot || folder.StartsWith(SharedPrefix, StringComparison.Ordinal);

    /// <summary>"inbox" → "INBOX", "Inbox/x" → "INBOX/x" (RFC 9051 §5.1: INBOX is case-insensitive).</summary>
    public static string NormalizeFolder(string folder)
    {
        if (folder.Length >= 5 && folder.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase) && (folder.Length == 5 || folder[5] == Delimiter))
        {
            return "INBOX" + folder[5..];
        }

        return folder;
    }
}
