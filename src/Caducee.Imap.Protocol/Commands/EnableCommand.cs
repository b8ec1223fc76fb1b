// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>ENABLE (RFC 5161, RFC 9051 §6.3.1): capabilities to enable (IMAP4rev2, UTF8=ACCEPT, CONDSTORE, QRESYNC…), upper-cased.</summary>
public sealed record EnableCommand(IReadOnlyList<string> Capabilities) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "ENABLE";

    /// <inheritdoc/>
    public override bool EnablesCondStore => Capabilities.Contains("CONDSTORE") || Capabilities.Contains("QRESYNC");

    // enable = "ENABLE" 1*(SP capability)
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        var capabilities = new List<string>();
        do
        {
            if (!r.TryAtom("capability", out var capability))
            {
                return r.Error;
            }

            if (capabilities.Count >= r.Options.MaxItems)
            {
                r.Fail($"too many capabilities (limit {r.Options.MaxItems})");
                return r.Error;
            }

            capabilities.Add(capability.ToUpperInvariant());
        }
        while (!r.AtEnd);
        return new EnableCommand(capabilities) { Tag = r.Tag };
    }
}
