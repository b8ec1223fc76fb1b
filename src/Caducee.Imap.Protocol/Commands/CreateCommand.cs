// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>CREATE (RFC 9051 §6.3.4), with the USE parameter of CREATE-SPECIAL-USE (RFC 6154 §3).</summary>
/// <param name="Mailbox">The decoded mailbox name (a trailing delimiter is kept; the server strips it).</param>
/// <param name="SpecialUse">The special-use attributes asked for ("\Sent", "\Drafts"…), as sent.</param>
public sealed record CreateCommand(string Mailbox, IReadOnlyList<string> SpecialUse) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "CREATE";

    // create = "CREATE" SP mailbox [create-params]
    // create-params = SP "(" create-param *( SP create-param) ")" ; create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")"
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryMailbox("mailbox name", out var mailbox))
        {
            return r.Error;
        }

        var uses = new List<string>();
        if (!r.AtEnd)
        {
            if (!r.TryList("CREATE parameters", out var parameters))
            {
                return r.Error;
            }

            while (!parameters.AtEnd)
            {
                if (!parameters.TryAtom("CREATE parameter", out var name))
                {
                    return r.Error;
                }

                if (!name.Equals("USE", StringComparison.OrdinalIgnoreCase))
                {
                    parameters.Fail($"unknown CREATE parameter '{name}' (only USE is supported)");
                    return r.Error;
                }

                if (!parameters.TryList("USE attributes", out var attributes))
                {
                    return r.Error;
                }

                while (!attributes.AtEnd)
                {
                    var token = attributes.Take();
                    if (token.Kind != ImapTokenKind.Atom || token.Data.Length < 2 || token.Data.Span[0] != (byte)'\\')
                    {
                        attributes.Fail($"a special-use attribute looks like \\Sent, got {attributes.Describe(token)}");
                        return r.Error;
                    }

                    uses.Add(token.Text);
                }
            }
        }

        return r.TryEnd() ? new CreateCommand(mailbox, uses) { Tag = r.Tag } : r.Error;
    }
}
