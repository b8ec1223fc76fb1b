// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>One resource limit of SETQUOTA.</summary>
/// <param name="Resource">The resource name, upper-cased (STORAGE in KiB, MESSAGE, MAILBOX, ANNOTATION-STORAGE).</param>
/// <param name="Limit">The limit.</param>
public readonly record struct QuotaLimit(string Resource, long Limit);

/// <summary>SETQUOTA (RFC 9208 §4.1): set the limits of a quota root (an empty list removes them). Usually refused to users.</summary>
public sealed record SetQuotaCommand(string Root, IReadOnlyList<QuotaLimit> Limits) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "SETQUOTA";

    // setquota = "SETQUOTA" SP quota-root-name SP setquota-list
    // setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")" ; setquota-resource = resource-name SP resource-limit
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryAstring("quota root", out var root) || !r.TryList("resource limits", out var list))
        {
            return r.Error;
        }

        var limits = new List<QuotaLimit>();
        while (!list.AtEnd)
        {
            if (!list.TryAtom("resource name", out var name) || !list.TryNumber64("resource limit", out var limit))
            {
                return r.Error;
            }

            if (limits.Count >= r.Options.MaxItems)
            {
                r.Fail("too many resources");
                return r.Error;
            }

            limits.Add(new QuotaLimit(name.ToUpperInvariant(), limit));
        }

        return r.TryEnd() ? new SetQuotaCommand(root, limits) { Tag = r.Tag } : r.Error;
    }
}
