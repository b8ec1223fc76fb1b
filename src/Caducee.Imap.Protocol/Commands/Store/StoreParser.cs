// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses STORE and UID STORE.</summary>
internal static class StoreParser
{
    // store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
    // store-modifiers = SP "(" store-modifier *(SP store-modifier) ")" ; store-modifier = "UNCHANGEDSINCE" SP mod-sequence-valzer
    // store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
    public static ImapParseResult Parse(ArgumentReader r, bool uid)
    {
        if (!r.TrySequenceSet(uid ? "UID set" : "sequence set", out var set))
        {
            return r.Error;
        }

        long? unchangedSince = null;
        if (r.Peek() is { Kind: ImapTokenKind.List })
        {
            r.TryList("STORE modifiers", out var modifiers);
            while (!modifiers.AtEnd)
            {
                if (!modifiers.TryKeyword("UNCHANGEDSINCE"))
                {
                    modifiers.Fail($"unknown STORE modifier {modifiers.Describe(modifiers.Peek()!)} (expected UNCHANGEDSINCE)");
                    return r.Error;
                }

                if (!modifiers.TryNumber64("UNCHANGEDSINCE mod-sequence", out var modSeq))
                {
                    return r.Error;
                }

                unchangedSince = modSeq;
            }
        }

        if (!r.TryAtom("FLAGS, +FLAGS or -FLAGS", out var what))
        {
            return r.Error;
        }

        var upper = what.ToUpperInvariant();
        var action = upper.StartsWith('+') ? StoreAction.Add : upper.StartsWith('-') ? StoreAction.Remove : StoreAction.Replace;
        var rest = action == StoreAction.Replace ? upper : upper[1..];
        if (rest is not ("FLAGS" or "FLAGS.SILENT"))
        {
            r.Fail($"expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT), got '{(what.Length > 40 ? what[..40] : what)}'");
            return r.Error;
        }

        if (r.AtEnd)
        {
            r.Fail("missing flags");
            return r.Error;
        }

        FlagList flags;
        if (r.Peek()!.Kind == ImapTokenKind.List)
        {
            if (!r.TryFlagList("flag list", out flags) || !r.TryEnd())
            {
                return r.Error;
            }
        }
        else if (!ArgumentReader.TryFlags(r, out flags))
        {
            return r.Error;
        }

        return new StoreCommand(uid, set, action, rest.EndsWith(".SILENT", StringComparison.Ordinal), flags, unchangedSince) { Tag = r.Tag };
    }
}
