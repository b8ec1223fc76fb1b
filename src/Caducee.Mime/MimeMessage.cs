// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>A parsed message: the raw bytes it was parsed from and the tree of entities over them.</summary>
public sealed class MimeMessage
{
    internal MimeMessage(ReadOnlyMemory<byte> raw, MimePart root, int partCount)
    {
        Raw = raw;
        Root = root;
        PartCount = partCount;
    }

    /// <summary>The message bytes, exactly as stored.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The top-level entity; its headers are the message headers.</summary>
    public MimePart Root { get; }

    /// <summary>Number of entities in the tree (encapsulated messages included).</summary>
    public int PartCount { get; }

    /// <summary>Size in octets (IMAP RFC822.SIZE).</summary>
    public int Size => Raw.Length;

    /// <summary>The decoded Subject, or null.</summary>
    public string? Subject => Root.Headers.GetValue("Subject");

    /// <summary>The parsed From addresses.</summary>
    public IReadOnlyList<MailboxAddress> From => AddressParser.ParseMailboxes(Root.Headers.GetUnfolded("From"));

    /// <summary>The parsed To addresses (groups flattened).</summary>
    public IReadOnlyList<MailboxAddress> To => AddressParser.ParseMailboxes(Root.Headers.GetUnfolded("To"));

    /// <summary>The parsed Cc addresses (groups flattened).</summary>
    public IReadOnlyList<MailboxAddress> Cc => AddressParser.ParseMailboxes(Root.Headers.GetUnfolded("Cc"));

    /// <summary>The parsed Date, or null when absent or unreadable.</summary>
    public DateTimeOffset? Date => DateParser.TryParse(Root.Headers.GetUnfolded("Date"), out DateTimeOffset d) ? d : null;

    /// <summary>The Message-ID as written (angle brackets included), or null.</summary>
    public string? MessageId => Root.Headers.GetUnfolded("Message-ID");

    /// <summary>Every defect in the tree with the entity that holds it.</summary>
    public IEnumerable<(MimePart Part, MimeDefect Defect)> AllDefects()
    {
        foreach (MimePart p in Root.DescendantsAndSelf())
        {
            foreach (MimeDefect d in p.Defects)
            {
                yield return (p, d);
            }
        }
    }
}
