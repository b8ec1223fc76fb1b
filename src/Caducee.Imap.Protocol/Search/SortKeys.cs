// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;

namespace Caducee.Imap.Protocol.Search;

/// <summary>The first address of a header, as SORT needs it.</summary>
/// <param name="DisplayName">The display name (decoded), if any.</param>
/// <param name="LocalPart">The local part (addr-mailbox).</param>
/// <param name="Domain">The domain (addr-host).</param>
public readonly record struct SortAddress(string? DisplayName, string? LocalPart, string? Domain);

/// <summary>What SORT needs of one message (from the cached envelope; no storage access).</summary>
/// <param name="SequenceNumber">The sequence number (ties are broken by it, RFC 5256 §3).</param>
/// <param name="Uid">The UID (returned by UID SORT).</param>
/// <param name="InternalDate">The internal date (ARRIVAL; DATE when the Date: header is missing).</param>
/// <param name="SentDate">The Date: header, null when absent or unparseable.</param>
/// <param name="Size">RFC822.SIZE.</param>
/// <param name="Subject">The Subject (decoded), or null.</param>
/// <param name="From">The first From address.</param>
/// <param name="To">The first To address.</param>
/// <param name="Cc">The first Cc address.</param>
public sealed record SortValues(int SequenceNumber, uint Uid, DateTimeOffset InternalDate, DateTimeOffset? SentDate, long Size, string? Subject, SortAddress? From, SortAddress? To, SortAddress? Cc);

/// <summary>SORT ordering (RFC 5256 §3, RFC 5957): keys under i;unicode-casemap, REVERSE, ties by sequence number.</summary>
public static class SortKeys
{
    /// <summary>Sorts messages by the criteria. Keys are computed once per message.</summary>
    public static List<SortValues> Sort(IEnumerable<SortValues> messages, IReadOnlyList<SortCriterion> criteria)
    {
        var keyed = messages.Select(m => (Message: m, Keys: criteria.Select(c => KeyOf(m, c.Key)).ToArray())).ToList();
        keyed.Sort((a, b) =>
        {
            for (var i = 0; i < criteria.Count; i++)
            {
                var c = CompareKeys(a.Keys[i], b.Keys[i]);
                if (c != 0)
                {
                    return criteria[i].Reverse ? -c : c;
                }
            }

            return a.Message.SequenceNumber.CompareTo(b.Message.SequenceNumber);
        });
        return keyed.ConvertAll(k => k.Message);
    }

    /// <summary>FROM / TO / CC key: the addr-mailbox (local part) of the first address, empty when none (RFC 5256 §3).</summary>
    public static string AddressKey(SortAddress? address) => ImapCollation.Key(address?.LocalPart);

    /// <summary>DISPLAYFROM / DISPLAYTO key: the display name, else the address as local@domain (RFC 5957 §2).</summary>
    public static string DisplayKey(SortAddress? address)
    {
        if (address is not { } a)
        {
            return string.Empty;
        }

        if (!string.IsNullOrWhiteSpace(a.DisplayName))
        {
            return ImapCollation.Key(a.DisplayName.Trim());
        }

        return ImapCollation.Key(a.Domain is null ? a.LocalPart : $"{a.LocalPart}@{a.Domain}");
    }

    /// <summary>SUBJECT key: the base subject (RFC 5256 §2.1) under the collation.</summary>
    public static string SubjectKey(string? subject) => ImapCollation.Key(BaseSubject.Extract(subject));

    /// <summary>DATE key: the sent date, or the internal date when the Date: header is absent or invalid (RFC 5256 §3), as UTC.</summary>
    public static DateTimeOffset DateKey(SortValues m) => (m.SentDate ?? m.InternalDate).ToUniversalTime();

    private static object KeyOf(SortValues m, SortKey key) => key switch
    {
        SortKey.Arrival => m.InternalDate.ToUniversalTime(),
        SortKey.Date => DateKey(m),
        SortKey.Size => m.Size,
        SortKey.Subject => SubjectKey(m.Subject),
        SortKey.From => AddressKey(m.From),
        SortKey.To => AddressKey(m.To),
        SortKey.Cc => AddressKey(m.Cc),
        SortKey.DisplayFrom => DisplayKey(m.From),
        SortKey.DisplayTo => DisplayKey(m.To),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    private static int CompareKeys(object a, object b) => (a, b) switch
    {
        (string x, string y) => string.CompareOrdinal(x, y),
        (DateTimeOffset x, DateTimeOffset y) => x.CompareTo(y),
        (long x, long y) => x.CompareTo(y),
        _ => 0,
    };
}
