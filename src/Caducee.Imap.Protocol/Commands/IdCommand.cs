// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>ID (RFC 2971): the client's identification (name, version, os…), or null for NIL.</summary>
/// <param name="Parameters">Field/value pairs in order (a value may be null); null when the client sent NIL.</param>
public sealed record IdCommand(IReadOnlyList<KeyValuePair<string, string?>>? Parameters) : ImapCommand
{
    /// <summary>RFC 2971 §3.3: at most 30 pairs, fields of 30 octets, values of 1024 octets.</summary>
    public const int MaxPairs = 30;

    /// <inheritdoc/>
    public override string Name => "ID";

    // id = "ID" SP id-params-list ; id-params-list = "(" *(string SP nstring) ")" / nil
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        if (r.Peek() is { Kind: Receiver.ImapTokenKind.Nil })
        {
            r.Take();
            return r.TryEnd() ? new IdCommand((IReadOnlyList<KeyValuePair<string, string?>>?)null) { Tag = r.Tag } : r.Error;
        }

        if (!r.TryList("ID parameters (or NIL)", out var list))
        {
            return r.Error;
        }

        var pairs = new List<KeyValuePair<string, string?>>();
        while (!list.AtEnd)
        {
            if (!list.TryString("ID field", out var field) || !list.TryNString("ID value", out var value))
            {
                return r.Error;
            }

            if (pairs.Count >= MaxPairs || field.Length > 30 || value?.Length > 1024)
            {
                r.Fail("ID allows 30 pairs, fields of 30 octets and values of 1024 octets (RFC 2971 §3.3)");
                return r.Error;
            }

            pairs.Add(new KeyValuePair<string, string?>(field, value));
        }

        return r.TryEnd() ? new IdCommand(pairs) { Tag = r.Tag } : r.Error;
    }
}
