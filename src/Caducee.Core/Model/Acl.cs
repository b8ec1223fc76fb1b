// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics.CodeAnalysis;
using Caducee.Primitives;

namespace Caducee.Core.Model;

/// <summary>
/// A set of RFC 4314 rights, kept in the canonical order "lrswipkxtecda": l lookup, r read, s keep seen,
/// w write flags, i insert, p post, k create folders, x delete folder, t delete messages, e expunge,
/// a administer; c and d are the obsolete RFC 2086 rights kept for old clients.
/// </summary>
public sealed record AclRights
{
    public const string AllLetters = "lrswipkxtecda";

    private AclRights(string letters) => Letters = letters;

    /// <summary>The rights as letters in canonical order ("" for none).</summary>
    public string Letters { get; }

    public static readonly AclRights None = new(string.Empty);

    public static readonly AclRights All = new(AllLetters);

    public bool IsEmpty => Letters.Length == 0;

    public bool Has(char right) => Letters.Contains(right, StringComparison.Ordinal);

    /// <summary>Parses rights letters (any order, repeats allowed); fails on a letter outside RFC 4314.</summary>
    public static bool TryParse(string? text, out AclRights rights, [NotNullWhen(false)] out string? error)
    {
        rights = None;
        error = null;
        foreach (var c in text ?? string.Empty)
        {
            if (!AllLetters.Contains(c, StringComparison.Ordinal))
            {
                error = $"'{c}' is not an RFC 4314 right (expected letters among {AllLetters})";
                return false;
            }
        }

        rights = Of(text ?? string.Empty);
        return true;
    }

    public static AclRights Parse(string text) =>
        TryParse(text, out var r, out var error) ? r : throw new MailException(MailError.Parameters, error);

    public AclRights Union(AclRights other) => Of(Letters + other.Letters);

    public AclRights Except(AclRights other) => Of(new string(Letters.Where(c => !other.Has(c)).ToArray()));

    public override string ToString() => Letters;

    private static AclRights Of(string letters) => new(new string(AllLetters.Where(c => letters.Contains(c, StringComparison.Ordinal)).ToArray()));
}

/// <summary>How SETACL changes an identifier's rights (RFC 4314 §3.1: "+" adds, "-" removes, none replaces).</summary>
public enum AclModification
{
    Replace,
    Add,
    Remove,
}

/// <summary>One entry of a folder's ACL. Identifiers are a mailbox address of this operator (lower case) or "anyone".</summary>
public sealed record AclEntry(string Identifier, AclRights Rights);

/// <summary>A folder another mailbox shares with the asking identities, with the rights they have on it.</summary>
public sealed record SharedFolder(FolderInfo Folder, MailAddress Owner, AclRights Rights);

/// <summary>ACL identifiers (RFC 4314 §2): "anyone", or the address of a mailbox (a delegate's login).</summary>
public static class AclIdentifiers
{
    public const string Anyone = "anyone";

    /// <summary>Normalizes an identifier: "anyone" or a lower-cased mail address; null when neither.</summary>
    public static string? Normalize(string identifier)
    {
        if (string.Equals(identifier, Anyone, StringComparison.OrdinalIgnoreCase))
        {
            return Anyone;
        }

        return MailAddress.TryParse(identifier, out var address, out _) ? address.Key : null;
    }
}
