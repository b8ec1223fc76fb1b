// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>One entry of SETMETADATA: a value, or null to remove the entry.</summary>
public sealed record MetadataValue(string Entry, ReadOnlyMemory<byte>? Value);

/// <summary>SETMETADATA (RFC 5464 §4.3).</summary>
public sealed record SetMetadataCommand(string Mailbox, IReadOnlyList<MetadataValue> Values) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "SETMETADATA";

    // setmetadata = "SETMETADATA" SP mailbox SP "(" entry-value *(SP entry-value) ")"
    // entry-value = entry SP value ; value = nstring / literal8
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryMailbox("mailbox name", out var mailbox) || !r.TryList("entry values", out var list))
        {
            return r.Error;
        }

        var values = new List<MetadataValue>();
        while (!list.AtEnd)
        {
            if (!list.TryAstring("entry", out var entry) || !list.TryNext("value", out var value))
            {
                return r.Error;
            }

            if (!MetadataEntry.IsValid(entry))
            {
                list.Fail($"entry names start with /private or /shared, got '{entry}'");
                return r.Error;
            }

            if (value.Kind is not (ImapTokenKind.Nil or ImapTokenKind.Quoted or ImapTokenKind.Literal))
            {
                list.Fail($"a value is a string, a literal8 or NIL, got {list.Describe(value)}");
                return r.Error;
            }

            if (values.Count >= r.Options.MaxItems)
            {
                list.Fail("too many entries");
                return r.Error;
            }

            values.Add(new MetadataValue(entry, value.Kind == ImapTokenKind.Nil ? (ReadOnlyMemory<byte>?)null : value.Data));
        }

        if (values.Count == 0)
        {
            r.Fail("at least one entry is needed");
            return r.Error;
        }

        return r.TryEnd() ? new SetMetadataCommand(mailbox, values) { Tag = r.Tag } : r.Error;
    }
}
