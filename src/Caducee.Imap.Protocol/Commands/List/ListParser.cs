// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses LIST (RFC 9051 §6.3.9, RFC 5258, RFC 6154, RFC 5819).</summary>
internal static class ListParser
{
    // list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
    // list-select-opts = "(" [list-select-option *(SP list-select-option)] ")"
    // mbox-or-pat = list-mailbox / patterns ; patterns = "(" list-mailbox *(SP list-mailbox) ")"
    // list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"
    public static ImapParseResult Parse(ArgumentReader r)
    {
        var extended = false;
        var selection = ListSelectOptions.None;
        if (r.Peek() is { Kind: ImapTokenKind.List })
        {
            extended = true;
            r.TryList("selection options", out var options);
            if (!TrySelection(options, out selection))
            {
                return r.Error;
            }
        }

        if (!r.TryMailbox("reference name", out var reference))
        {
            return r.Error;
        }

        var patterns = new List<string>();
        if (r.Peek() is { Kind: ImapTokenKind.List })
        {
            extended = true;
            r.TryList("patterns", out var list);
            while (!list.AtEnd)
            {
                if (!list.TryListMailbox("mailbox pattern", out var p))
                {
                    return r.Error;
                }

                if (patterns.Count >= r.Options.MaxItems)
                {
                    list.Fail("too many patterns");
                    return r.Error;
                }

                patterns.Add(p);
            }

            if (patterns.Count == 0)
            {
                r.Fail("the pattern list is empty");
                return r.Error;
            }
        }
        else if (r.TryListMailbox("mailbox pattern", out var pattern))
        {
            patterns.Add(pattern);
        }
        else
        {
            return r.Error;
        }

        var returns = ListReturnOptions.None;
        List<StatusItem> statusItems = [];
        if (!r.AtEnd)
        {
            extended = true;
            if (!r.TryKeyword("RETURN"))
            {
                r.Fail($"expected RETURN (…) after the pattern, got {r.Describe(r.Peek()!)}");
                return r.Error;
            }

            if (!r.TryList("return options", out var options) || !TryReturn(options, out returns, out statusItems))
            {
                return r.Error;
            }
        }

        // RFC 5258 §3.1: SUBSCRIBED selection implies SUBSCRIBED return; RFC 6154 §5.1 likewise for SPECIAL-USE.
        if ((selection & ListSelectOptions.Subscribed) != 0)
        {
            returns |= ListReturnOptions.Subscribed;
        }

        if ((selection & ListSelectOptions.SpecialUse) != 0)
        {
            returns |= ListReturnOptions.SpecialUse;
        }

        return r.TryEnd() ? new ListCommand(reference, patterns, selection, returns, statusItems, extended) { Tag = r.Tag } : r.Error;
    }

    // list-select-base-opt = "SUBSCRIBED" / "SPECIAL-USE" ; list-select-mod-opt = "RECURSIVEMATCH" ; list-select-independent-opt = "REMOTE"
    private static bool TrySelection(ArgumentReader options, out ListSelectOptions selection)
    {
        selection = ListSelectOptions.None;
        while (!options.AtEnd)
        {
            if (!options.TryAtom("selection option", out var name))
            {
                return false;
            }

            selection |= name.ToUpperInvariant() switch
            {
                "SUBSCRIBED" => ListSelectOptions.Subscribed,
                "REMOTE" => ListSelectOptions.Remote,
                "RECURSIVEMATCH" => ListSelectOptions.RecursiveMatch,
                "SPECIAL-USE" => ListSelectOptions.SpecialUse,
                _ => (ListSelectOptions)(-1),
            };
            if (selection < 0)
            {
                return options.Fail($"unknown selection option '{name}' (expected SUBSCRIBED, REMOTE, RECURSIVEMATCH or SPECIAL-USE)");
            }
        }

        // RFC 5258 §3.1: RECURSIVEMATCH alone is an error.
        if ((selection & ListSelectOptions.RecursiveMatch) != 0 && (selection & (ListSelectOptions.Subscribed | ListSelectOptions.SpecialUse)) == 0)
        {
            return options.Fail("RECURSIVEMATCH needs another selection option (SUBSCRIBED or SPECIAL-USE)");
        }

        return true;
    }

    // return-option = "SUBSCRIBED" / "CHILDREN" / "SPECIAL-USE" / "STATUS" SP "(" status-att *(SP status-att) ")"
    private static bool TryReturn(ArgumentReader options, out ListReturnOptions returns, out List<StatusItem> statusItems)
    {
        returns = ListReturnOptions.None;
        statusItems = [];
        while (!options.AtEnd)
        {
            if (!options.TryAtom("return option", out var name))
            {
                return false;
            }

            switch (name.ToUpperInvariant())
            {
                case "SUBSCRIBED":
                    returns |= ListReturnOptions.Subscribed;
                    break;
                case "CHILDREN":
                    returns |= ListReturnOptions.Children;
                    break;
                case "SPECIAL-USE":
                    returns |= ListReturnOptions.SpecialUse;
                    break;
                case "STATUS":
                    if ((returns & ListReturnOptions.Status) != 0 || !options.TryList("STATUS items", out var items) || !StatusParser.TryItems(items, out statusItems))
                    {
                        return options.Fail("STATUS must be given once, with a list of status items");
                    }

                    returns |= ListReturnOptions.Status;
                    break;
                default:
                    return options.Fail($"unknown return option '{name}' (expected SUBSCRIBED, CHILDREN, SPECIAL-USE or STATUS)");
            }
        }

        return true;
    }
}
