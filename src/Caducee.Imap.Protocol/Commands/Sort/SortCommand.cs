// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>SORT keys (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO).</summary>
public enum SortKey
{
    /// <summary>ARRIVAL: internal date.</summary>
    Arrival,
    /// <summary>CC: addr-mailbox of the first Cc address.</summary>
    Cc,
    /// <summary>DATE: sent date (Date: header, internal date when absent or invalid).</summary>
    Date,
    /// <summary>FROM: addr-mailbox of the first From address.</summary>
    From,
    /// <summary>SIZE: RFC822.SIZE.</summary>
    Size,
    /// <summary>SUBJECT: base subject (RFC 5256 §2.1).</summary>
    Subject,
    /// <summary>TO: addr-mailbox of the first To address.</summary>
    To,
    /// <summary>DISPLAYFROM: display name of the first From address, else its address.</summary>
    DisplayFrom,
    /// <summary>DISPLAYTO: display name of the first To address, else its address.</summary>
    DisplayTo,
}

/// <summary>One sort criterion.</summary>
public readonly record struct SortCriterion(SortKey Key, bool Reverse);

/// <summary>
/// SORT and UID SORT (RFC 5256 §3), with ESORT return options (RFC 5267). Ties are broken by sequence
/// number (RFC 5256 §2.1). Helpers: <see cref="Search.SortKeys"/>.
/// </summary>
/// <param name="Uid">True for UID SORT.</param>
/// <param name="Criteria">The sort criteria, in order.</param>
/// <param name="Charset">The charset (US-ASCII or UTF-8).</param>
/// <param name="Search">The search criteria.</param>
/// <param name="Return">ESORT options (answer "* ESEARCH"), or null (answer "* SORT").</param>
public sealed record SortCommand(bool Uid, IReadOnlyList<SortCriterion> Criteria, string Charset, SearchKey Search, SearchReturnOptions? Return) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID SORT" : "SORT";
}
