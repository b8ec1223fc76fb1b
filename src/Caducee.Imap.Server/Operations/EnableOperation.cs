// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// ENABLE (RFC 5161, RFC 9051 §6.3.1): IMAP4rev2, UTF8=ACCEPT (RFC 6855), CONDSTORE and QRESYNC (RFC 7162).
/// "* ENABLED" lists those this command turned on; unknown ones are ignored. Only before a mailbox is
/// selected (RFC 5161 §3.1, RFC 7162 §3.2.3).
/// </summary>
internal static class EnableOperation
{
    public static ValueTask<Completion> RunAsync(ImapSession session, EnableCommand command, CancellationToken cancellationToken)
    {
        if (session.State is Selected)
        {
            return ValueTask.FromResult(Completion.Bad("ENABLE: only before a mailbox is selected (CLOSE or UNSELECT first)"));
        }

        var enabled = new List<string>();
        foreach (var capability in command.Capabilities.Distinct(StringComparer.Ordinal))
        {
            switch (capability)
            {
                case "IMAP4REV2" when !session.Rev2:
                    session.EnableRev2();
                    enabled.Add("IMAP4rev2");
                    break;
                case "UTF8=ACCEPT" when !session.Utf8:
                    session.EnableUtf8();
                    enabled.Add("UTF8=ACCEPT");
                    break;
                case "CONDSTORE" when !session.CondStore:
                    session.EnableCondStore();
                    enabled.Add("CONDSTORE");
                    break;
                case "QRESYNC" when !session.QResync:
                    session.EnableQResync();
                    enabled.Add("QRESYNC");
                    break;
            }
        }

        session.Out.Enabled(enabled);
        return ValueTask.FromResult(Completion.Ok("ENABLE completed"));
    }
}
