// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>ESEARCH result options (RFC 4731, RFC 9051 §6.4.4; SAVE from RFC 5182).</summary>
[Flags]
public enum SearchReturnOptions
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>MIN.</summary>
    Min = 1,
    /// <summary>MAX.</summary>
    Max = 2,
    /// <summary>ALL: the matches as a sequence set.</summary>
    All = 4,
    /// <summary>COUNT.</summary>
    Count = 8,
    /// <summary>SAVE: remember the result for "$" (RFC 5182).</summary>
    Save = 16,
}

/// <summary>
/// SEARCH and UID SEARCH (RFC 9051 §6.4.4). <see cref="Return"/> is null for the IMAP4rev1 form (answer
/// "* SEARCH …"), and set for RETURN (…) (answer "* ESEARCH …"; an empty RETURN () means ALL). An
/// IMAP4rev2 session always answers ESEARCH (treat null as ALL).
/// </summary>
/// <param name="Uid">True for UID SEARCH.</param>
/// <param name="Charset">The charset, upper-cased: "US-ASCII" (default) or "UTF-8".</param>
/// <param name="Criteria">The criteria (a <see cref="SearchAndKey"/> when several were given).</param>
/// <param name="Return">The ESEARCH options, or null.</param>
public sealed record SearchCommand(bool Uid, string Charset, SearchKey Criteria, SearchReturnOptions? Return) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID SEARCH" : "SEARCH";

    /// <summary>True when the criteria contain MODSEQ.</summary>
    public required bool UsesModSeq { get; init; }

    /// <inheritdoc/>
    public override bool EnablesCondStore => UsesModSeq;
}
