// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Primitives;

/// <summary>
/// The closed list of domain and storage failures (STYLE.md §4.7). Every protocol maps these to its
/// wire replies in exactly one place.
/// </summary>
public enum MailError
{
    /// <summary>A temporary failure: retry later (database down, lock timeout).</summary>
    Temporary,
    /// <summary>A dependency needed to decide is unavailable (whitelist, directory, CRL).</summary>
    Unavailable,
    /// <summary>The operation is not possible in the current state.</summary>
    NotPossible,
    /// <summary>Invalid parameters.</summary>
    Parameters,
    /// <summary>The principal is not allowed to do this.</summary>
    Permission,
    /// <summary>Storage or message-count quota exceeded.</summary>
    OverQuota,
    /// <summary>The mailbox, folder or message does not exist.</summary>
    NotFound,
    /// <summary>The object already exists.</summary>
    Exists,
    /// <summary>The message was expunged meanwhile.</summary>
    Expunged,
    /// <summary>The object is in use by someone else.</summary>
    InUse,
    /// <summary>The data is invalid (malformed, unparseable).</summary>
    InvalidData,
    /// <summary>A configured limit was reached.</summary>
    Limit,
    /// <summary>The object is too big.</summary>
    TooBig,
    /// <summary>The mailbox is closed or suspended.</summary>
    MailboxDisabled,
}

/// <summary>A failure from the domain or storage layer: a closed kind plus a human text for the wire.</summary>
public sealed record MailFailure(MailError Error, string Message)
{
    public override string ToString() => $"{Error}: {Message}";
}
