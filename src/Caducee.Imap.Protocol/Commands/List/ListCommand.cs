// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Commands;

/// <summary>LIST selection options (RFC 5258 §3.1, RFC 6154 §5.1).</summary>
[Flags]
public enum ListSelectOptions
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>SUBSCRIBED: subscribed mailboxes only (they may not exist: \NonExistent).</summary>
    Subscribed = 1,
    /// <summary>REMOTE: include remote mailboxes (\Remote).</summary>
    Remote = 2,
    /// <summary>RECURSIVEMATCH: report parents whose children match (CHILDINFO).</summary>
    RecursiveMatch = 4,
    /// <summary>SPECIAL-USE: only mailboxes with a special-use attribute.</summary>
    SpecialUse = 8,
}

/// <summary>LIST return options (RFC 5258 §3.2, RFC 6154, RFC 5819).</summary>
[Flags]
public enum ListReturnOptions
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>SUBSCRIBED: mark subscribed mailboxes \Subscribed.</summary>
    Subscribed = 1,
    /// <summary>CHILDREN: \HasChildren / \HasNoChildren.</summary>
    Children = 2,
    /// <summary>SPECIAL-USE: the special-use attributes.</summary>
    SpecialUse = 4,
    /// <summary>STATUS (…): an untagged STATUS after each selectable mailbox listed (LIST-STATUS).</summary>
    Status = 8,
}

/// <summary>
/// LIST (RFC 9051 §6.3.9), with LIST-EXTENDED (RFC 5258): selection options, several patterns, return
/// options; SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819). Implied options are already applied
/// (SUBSCRIBED selection implies the SUBSCRIBED return option, SPECIAL-USE likewise).
/// </summary>
/// <param name="Reference">The reference name (decoded).</param>
/// <param name="Patterns">The patterns (decoded), at least one; an empty pattern asks for the delimiter.</param>
/// <param name="Selection">Selection options.</param>
/// <param name="Return">Return options.</param>
/// <param name="StatusItems">The STATUS items when <see cref="ListReturnOptions.Status"/> is set.</param>
/// <param name="IsExtended">True when the extended syntax was used (options or a pattern list): CHILDINFO and OLDNAME may then be returned.</param>
public sealed record ListCommand(
    string Reference,
    IReadOnlyList<string> Patterns,
    ListSelectOptions Selection,
    ListReturnOptions Return,
    IReadOnlyList<StatusItem> StatusItems,
    bool IsExtended) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "LIST";
}
